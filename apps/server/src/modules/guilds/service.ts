import { AuditLogEvents, ChannelTypes, DEFAULT_EVERYONE_PERMISSIONS, ErrorCodes, Permissions, isSnowflake, type Member } from '@concord/protocol';
import { diffChanges, recordAudit } from '../audit/service.js';
import { guildEmojiPrefix, guildEmojis } from '../emojis/service.js';
import { ApiError, errors } from '../../lib/errors.js';
import { screenMember } from '../automod/service.js';
import type { Ctx } from '../access.js';
import type { Deps, Needs, Tx } from '../deps.js';
import type { ChannelRecord } from '../channels/store.js';
import type { UserRecord } from '../users/store.js';
import { wireChannel, wireGuild, wireMember, wireRole, wireUser } from '../wire.js';
import { presenceData } from '../presence/service.js';
import { postJoinNotice } from '../messages/notices.js';
import { searchMembers } from './search.js';
import { imagePrefix, storeImage } from '../attachments/images.js';
import type { GuildPatch, GuildRecord, MemberRecord, RoleRecord } from './store.js';

/** What this domain's services use. */
type MemberDeps = Needs<'guilds' | 'channels' | 'users' | 'moderation' | 'messages' | 'audit' | 'automod' | 'members', 'access' | 'cache' | 'ids' | 'presence' | 'events' | 'voiceStates'>;
/** Guild images (icons) are stored as blobs, and their deletion queued with the attachments' own. */
type GuildDeps = Needs<'guilds' | 'channels' | 'users' | 'moderation' | 'messages' | 'attachments' | 'audit' | 'emojis', 'access' | 'cache' | 'ids' | 'presence' | 'blobs'>;

/** What a guild's audit entry compares (Discord's keys). */
const AUDITED_GUILD = ['name', 'icon', 'description', 'system_channel_id', 'afk_channel_id', 'afk_timeout', 'verification_level', 'default_message_notifications', 'explicit_content_filter', 'owner_id'] as const;

function newChannel(deps: GuildDeps, guildId: string, type: number, name: string, position: number, parentId: string | null, now: number): ChannelRecord {
  return {
    id: deps.ids.next(),
    guild_id: guildId,
    type,
    name,
    position,
    parent_id: parentId,
    topic: null,
    nsfw: false,
    rate_limit_per_user: 0,
    bitrate: type === ChannelTypes.GUILD_VOICE ? 64000 : null,
    user_limit: type === ChannelTypes.GUILD_VOICE ? 0 : null,
    last_message_id: null,
    owner_id: null,
    created_at: now,
    overwrites: [],
  };
}

/** A new guild: @everyone (id = guild id), "Text Channels" with #general, "Voice Channels" with General. */
export async function createGuild(deps: GuildDeps, ctx: Ctx, body: { name: string; icon?: string | null }) {
  const now = Date.now();
  const id = deps.ids.next();
  const textCat = newChannel(deps, id, ChannelTypes.GUILD_CATEGORY, 'Text Channels', 0, null, now);
  const general = newChannel(deps, id, ChannelTypes.GUILD_TEXT, 'general', 0, textCat.id, now);
  const voiceCat = newChannel(deps, id, ChannelTypes.GUILD_CATEGORY, 'Voice Channels', 1, null, now);
  const voice = newChannel(deps, id, ChannelTypes.GUILD_VOICE, 'General', 0, voiceCat.id, now);
  const guild: GuildRecord = {
    id,
    name: body.name,
    icon: body.icon ? await storeImage(deps, 'icons', id, 'icon', body.icon) : null,
    description: null,
    owner_id: ctx.user.id,
    system_channel_id: general.id,
    system_channel_flags: 0,
    afk_channel_id: null,
    afk_timeout: 300,
    created_at: now,
  };
  const everyone: RoleRecord = {
    id,
    guild_id: id,
    name: '@everyone',
    color: 0,
    hoist: false,
    position: 0,
    permissions: DEFAULT_EVERYONE_PERMISSIONS.toString(),
    managed: false,
    mentionable: false,
    bot_id: null,
  };
  const owner: MemberRecord = { guild_id: id, user_id: ctx.user.id, nick: null, joined_at: now, deaf: false, mute: false, communication_disabled_until: null, roles: [] };
  const channels = [textCat, general, voiceCat, voice];
  await deps.tx(async (tx) => {
    await tx.guilds.create(guild);
    await tx.guilds.createRole(everyone);
    for (const c of channels) await tx.channels.create(c);
    await tx.guilds.addMember(owner);
    tx.control(ctx.user.id, { type: 'GUILD_JOIN', guild_id: id });
  });
  return { ...wireGuild(guild, [everyone]), channels: channels.map(wireChannel) };
}

export async function getGuild(deps: GuildDeps, ctx: Ctx, guildId: string, withCounts: boolean) {
  const { state } = await deps.access.guild(ctx, guildId);
  return {
    ...state.guild,
    roles: [...state.roles.values()],
    ...(withCounts ? { approximate_member_count: state.memberCount, approximate_presence_count: 0 } : {}),
  };
}

/** `GET /guilds/:id/roles` (and one role): any member may read them, as on Discord. */
export async function listRoles(deps: GuildDeps, ctx: Ctx, guildId: string) {
  const { state } = await deps.access.guild(ctx, guildId);
  return [...state.roles.values()].sort((x, y) => x.position - y.position || (BigInt(x.id) < BigInt(y.id) ? -1 : 1));
}

export async function getRole(deps: GuildDeps, ctx: Ctx, guildId: string, roleId: string) {
  const { state } = await deps.access.guild(ctx, guildId);
  const role = state.roles.get(roleId);
  if (!role) throw errors.unknown('role');
  return role;
}

export async function modifyGuild(deps: GuildDeps, ctx: Ctx, guildId: string, body: GuildPatch) {
  const { state } = await deps.access.guild(ctx, guildId, Permissions.MANAGE_GUILD);
  // The system channel takes messages (text); the AFK channel takes people (voice).
  const wanted = { system_channel_id: ChannelTypes.GUILD_TEXT, afk_channel_id: ChannelTypes.GUILD_VOICE } as const;
  for (const key of ['system_channel_id', 'afk_channel_id'] as const) {
    const ch = body[key];
    if (!ch) continue;
    const channel = state.channels.get(ch);
    if (!channel) throw errors.invalidField([key], 'CHANNEL_INVALID', 'Unknown channel in this guild.');
    if (channel.type !== wanted[key]) throw errors.invalidField([key], 'CHANNEL_TYPE_INVALID', key === 'afk_channel_id' ? 'Must be a voice channel.' : 'Must be a text channel.');
  }
  // Handing the guild over: the owner only, to a member of it.
  if (body.owner_id !== undefined && body.owner_id !== state.guild.owner_id) {
    if (ctx.user.id !== state.guild.owner_id) throw errors.missingPermissions();
    const heir = await deps.cache.member(state, body.owner_id);
    if (!heir) throw errors.invalidField(['owner_id'], 'GUILD_OWNER_INVALID', 'The new owner must be a member of the guild.');
    if (heir.user?.bot) throw errors.invalidField(['owner_id'], 'GUILD_OWNER_INVALID', 'A bot cannot own a guild.');
  }
  // A new icon is stored under its hash first; the old one's files go once the change commits.
  const icon = typeof body.icon === 'string' ? await storeImage(deps, 'icons', guildId, 'icon', body.icon) : body.icon;
  const previous = state.guild.icon;
  const before = state.guild;
  const wire = await deps.tx(async (tx) => {
    const wire = await writeGuild(tx, guildId, { ...body, icon });
    if (!wire) return undefined;
    if (previous && icon !== undefined && previous !== icon) await tx.attachments.queueDeletion(imagePrefix('icons', guildId, previous), Date.now());
    const changes = diffChanges(before as Record<string, unknown>, wire as Record<string, unknown>, AUDITED_GUILD);
    if (changes.length > 0) await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.GUILD_UPDATE, target_id: guildId, changes });
    return wire;
  });
  if (!wire) throw errors.unknown('guild');
  return wire;
}

export async function updateGuild(deps: GuildDeps, guildId: string, patch: GuildPatch) {
  const wire = await deps.tx((tx) => writeGuild(tx, guildId, patch));
  if (!wire) throw errors.unknown('guild');
  return wire;
}

/** Writes a guild change in `tx` and announces it (GUILD_UPDATE) after the commit; undefined when the guild is gone. */
export async function writeGuild(tx: Tx<'guilds' | 'emojis'>, guildId: string, patch: GuildPatch) {
  const updated = await tx.guilds.update(guildId, patch);
  if (!updated) return undefined;
  // The whole guild, emoji included: discord.js takes GUILD_UPDATE's list as the guild's emoji.
  const wire = wireGuild(updated, await tx.guilds.roles(guildId), await guildEmojis(tx.emojis, guildId));
  tx.emit({ guild: guildId }, 'GUILD_UPDATE', wire);
  return wire;
}

/** The guild and everything in it: every module purges its rows of the guild's channels in the same transaction. */
export async function deleteGuild(deps: GuildDeps, ctx: Ctx, guildId: string): Promise<void> {
  const { state } = await deps.access.guild(ctx, guildId);
  if (state.guild.owner_id !== ctx.user.id) throw errors.missingPermissions();
  const deleted = await deps.tx(async (tx) => {
    await tx.purgeChannels(await tx.channels.idsByGuild(guildId));
    if (!(await tx.guilds.delete(guildId))) return false;
    await tx.attachments.queueDeletion(`icons/${guildId}/`, Date.now());
    await tx.attachments.queueDeletion(guildEmojiPrefix(guildId), Date.now());
    tx.emit({ guild: guildId }, 'GUILD_DELETE', { id: guildId });
    return true;
  });
  if (!deleted) throw errors.unknown('guild');
}

export async function leaveGuild(deps: GuildDeps, ctx: Ctx, guildId: string): Promise<void> {
  const { state } = await deps.access.guild(ctx, guildId);
  if (state.guild.owner_id === ctx.user.id) throw new ApiError(400, ErrorCodes.INVALID_GUILD, 'Invalid Guild: the owner cannot leave; transfer or delete it');
  await deps.tx(async (tx) => {
    if (!(await tx.guilds.removeMember(guildId, ctx.user.id))) return;
    tx.emit({ guild: guildId }, 'GUILD_MEMBER_REMOVE', { guild_id: guildId, user: wireUser(ctx.user) });
  });
}

/**
 * Adds a user to a guild (invite accepted, bot authorised). Bots get a managed role with the requested
 * permissions. Emits GUILD_MEMBER_ADD to the guild and GUILD_CREATE (via @GUILD_JOIN) to the user.
 */
export async function addMember(
  deps: MemberDeps,
  guildId: string,
  user: UserRecord,
  opts: { botRolePermissions?: bigint; botName?: string; /** Who authorised the bot: the audit log's BOT_ADD. */ addedBy?: Ctx } = {},
): Promise<{ member: Member; added: boolean }> {
  const existing = await deps.guilds.getMember(guildId, user.id);
  if (existing) return { member: wireMember(existing, user), added: false };
  return deps.tx(async (tx) => {
    if (await tx.moderation.getBan(guildId, user.id)) throw bannedError();
    const record = newMemberRecord(guildId, user.id);
    const role = user.bot && opts.botRolePermissions !== undefined ? await addBotRole(deps, tx, guildId, user, opts.botRolePermissions, opts.botName) : undefined;
    if (role) record.roles.push(role.id);
    const added = await tx.guilds.addMember(record);
    // Someone else added them meanwhile: the bot role goes with the rollback.
    if (!added) throw new MemberExists();
    if (opts.addedBy) await recordAudit(deps, tx, opts.addedBy, guildId, { action_type: AuditLogEvents.BOT_ADD, target_id: user.id });
    await announceMember(deps, tx, user, record, role);
    return { member: wireMember(record, user), added };
  }).then(async (r) => {
    // AutoMod's member-profile rules judge the newcomer's names.
    await screenMember(deps, guildId, user.id);
    return r;
  }).catch(async (err) => {
    if (!(err instanceof MemberExists)) throw err;
    const now = await deps.guilds.getMember(guildId, user.id);
    return { member: wireMember(now ?? newMemberRecord(guildId, user.id), user), added: false };
  });
}

class MemberExists extends Error {}

/** Discord's answer to a banned user joining (through any invite, or a bot being added back). */
export const bannedError = () => new ApiError(403, ErrorCodes.USER_BANNED, 'The user is banned from this guild.');

/** A bot joins with a managed role carrying the permissions it was authorised with, above every other role. */
async function addBotRole(deps: Pick<Deps, 'ids'>, tx: Tx<'guilds'>, guildId: string, user: UserRecord, permissions: bigint, name?: string) {
  const roles = await tx.guilds.roles(guildId);
  const role: RoleRecord = {
    id: deps.ids.next(),
    guild_id: guildId,
    name: name ?? user.username,
    color: 0,
    hoist: false,
    position: Math.max(0, ...roles.map((r) => r.position)) + 1,
    permissions: permissions.toString(),
    managed: true,
    mentionable: false,
    bot_id: user.id,
  };
  await tx.guilds.createRole(role);
  return role;
}

/** A plain new member record (no roles), as an invite join stores it. */
export function newMemberRecord(guildId: string, userId: string): MemberRecord {
  return { guild_id: guildId, user_id: userId, nick: null, joined_at: Date.now(), deaf: false, mute: false, communication_disabled_until: null, roles: [] };
}

/**
 * A member's row is written in `tx`: after the commit, GUILD_MEMBER_ADD (and presence) to the guild and
 * GUILD_CREATE (through the GUILD_JOIN control) to the user, and the join notice in the system channel.
 */
export async function announceMember(deps: Pick<Deps, 'presence' | 'ids'>, tx: Tx<'guilds' | 'messages'>, user: UserRecord, record: MemberRecord, role?: RoleRecord): Promise<void> {
  const guild = { guild: record.guild_id };
  const member = wireMember(record, user);
  if (role) tx.emit(guild, 'GUILD_ROLE_CREATE', { guild_id: record.guild_id, role: wireRole(role) });
  tx.emit(guild, 'GUILD_MEMBER_ADD', { ...member, guild_id: record.guild_id }, { exclude_user_ids: [user.id] });
  // Someone already online joins: the guild learns it now, as it would have at their connect.
  const shown = (await deps.presence.shown([user.id])).get(user.id);
  if (shown && shown.status !== 'offline') tx.emit(guild, 'PRESENCE_UPDATE', presenceData(user.id, shown, record.guild_id));
  tx.control(user.id, { type: 'GUILD_JOIN', guild_id: record.guild_id });
  await postJoinNotice(deps, tx, record.guild_id, user, member);
}

export async function listMembers(deps: GuildDeps, ctx: Ctx, guildId: string, q: { limit?: number; after?: string }) {
  await deps.access.guild(ctx, guildId);
  const members = await deps.guilds.listMembers(guildId, { after: q.after, limit: q.limit ?? 1 });
  const users = new Map((await deps.users.getMany(members.map((m) => m.user_id))).map((u) => [u.id, u]));
  return members.map((m) => wireMember(m, users.get(m.user_id)));
}

/** `GET /guilds/:id/members/search`: members whose username starts with `query`, the first `limit` (default 1). */
export async function searchGuildMembers(deps: GuildDeps, ctx: Ctx, guildId: string, q: { query: string; limit?: number }) {
  await deps.access.guild(ctx, guildId);
  const limit = q.limit ?? 1;
  for await (const page of searchMembers(deps, guildId, { query: q.query, limit })) return page.members.slice(0, limit);
  return [];
}

export async function getMember(deps: GuildDeps, ctx: Ctx, guildId: string, userId: string) {
  const { state } = await deps.access.guild(ctx, guildId);
  const id = userId === '@me' ? ctx.user.id : userId;
  const member = isSnowflake(id) ? await deps.cache.member(state, id) : undefined;
  if (!member) throw errors.unknown('member');
  return member;
}
