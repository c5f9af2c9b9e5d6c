import { ChannelTypes, DEFAULT_EVERYONE_PERMISSIONS, Permissions, isSnowflake, type Member } from '@concord/protocol';
import { ApiError, errors } from '../../lib/errors.js';
import { guildTopic, userTopic } from '../../bus/bus.js';
import type { Ctx } from '../access.js';
import { emit, type Deps } from '../deps.js';
import type { ChannelRecord } from '../channels/store.js';
import type { UserRecord } from '../users/store.js';
import { wireChannel, wireGuild, wireMember, wireRole, wireUser } from '../wire.js';
import { presenceData } from '../presence/service.js';
import type { GuildPatch, GuildRecord, MemberRecord, RoleRecord } from './store.js';

function newChannel(deps: Deps, guildId: string, type: number, name: string, position: number, parentId: string | null, now: number): ChannelRecord {
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
    created_at: now,
    overwrites: [],
  };
}

/** A new guild: @everyone (id = guild id), "Text Channels" with #general, "Voice Channels" with General. */
export async function createGuild(deps: Deps, ctx: Ctx, body: { name: string; icon?: string | null }) {
  const now = Date.now();
  const id = deps.ids.next();
  const textCat = newChannel(deps, id, ChannelTypes.GUILD_CATEGORY, 'Text Channels', 0, null, now);
  const general = newChannel(deps, id, ChannelTypes.GUILD_TEXT, 'general', 0, textCat.id, now);
  const voiceCat = newChannel(deps, id, ChannelTypes.GUILD_CATEGORY, 'Voice Channels', 1, null, now);
  const voice = newChannel(deps, id, ChannelTypes.GUILD_VOICE, 'General', 0, voiceCat.id, now);
  const guild: GuildRecord = {
    id,
    name: body.name,
    icon: body.icon ?? null,
    description: null,
    owner_id: ctx.user.id,
    system_channel_id: general.id,
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
  await deps.guilds.create(guild, everyone, channels, owner);
  await emit(deps, userTopic(ctx.user.id), { t: '@GUILD_JOIN', d: { guild_id: id }, user_ids: [ctx.user.id] });
  return { ...wireGuild(guild, [everyone]), channels: channels.map(wireChannel) };
}

export async function getGuild(deps: Deps, ctx: Ctx, guildId: string, withCounts: boolean) {
  const { state } = await deps.access.guild(ctx, guildId);
  return {
    ...state.guild,
    roles: [...state.roles.values()],
    ...(withCounts ? { approximate_member_count: state.memberCount, approximate_presence_count: 0 } : {}),
  };
}

/** `GET /guilds/:id/roles` (and one role): any member may read them, as on Discord. */
export async function listRoles(deps: Deps, ctx: Ctx, guildId: string) {
  const { state } = await deps.access.guild(ctx, guildId);
  return [...state.roles.values()].sort((x, y) => x.position - y.position || (BigInt(x.id) < BigInt(y.id) ? -1 : 1));
}

export async function getRole(deps: Deps, ctx: Ctx, guildId: string, roleId: string) {
  const { state } = await deps.access.guild(ctx, guildId);
  const role = state.roles.get(roleId);
  if (!role) throw errors.unknown('role');
  return role;
}

export async function modifyGuild(deps: Deps, ctx: Ctx, guildId: string, body: GuildPatch) {
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
  return updateGuild(deps, guildId, body);
}

/** Writes a guild change and announces it (GUILD_UPDATE); the guild's own routes and the channel module use it. */
export async function updateGuild(deps: Deps, guildId: string, patch: GuildPatch) {
  const updated = await deps.guilds.update(guildId, patch);
  if (!updated) throw errors.unknown('guild');
  const roles = await deps.guilds.roles(guildId);
  const wire = wireGuild(updated, roles);
  await emit(deps, guildTopic(guildId), { t: 'GUILD_UPDATE', d: wire, guild_id: guildId });
  return wire;
}

export async function deleteGuild(deps: Deps, ctx: Ctx, guildId: string): Promise<void> {
  const { state } = await deps.access.guild(ctx, guildId);
  if (state.guild.owner_id !== ctx.user.id) throw errors.missingPermissions();
  if (!(await deps.guilds.delete(guildId))) throw errors.unknown('guild');
  await emit(deps, guildTopic(guildId), { t: 'GUILD_DELETE', d: { id: guildId }, guild_id: guildId });
}

export async function leaveGuild(deps: Deps, ctx: Ctx, guildId: string): Promise<void> {
  const { state } = await deps.access.guild(ctx, guildId);
  if (state.guild.owner_id === ctx.user.id) throw new ApiError(400, 50055, 'Invalid Guild: the owner cannot leave; transfer or delete it');
  await removeMember(deps, guildId, ctx.user);
}

export async function removeMember(deps: Deps, guildId: string, user: UserRecord): Promise<void> {
  if (!(await deps.guilds.removeMember(guildId, user.id))) return;
  await emit(deps, guildTopic(guildId), { t: 'GUILD_MEMBER_REMOVE', d: { guild_id: guildId, user: wireUser(user) }, guild_id: guildId });
}

/**
 * Adds a user to a guild (invite accepted, bot authorised). Bots get a managed role with the requested
 * permissions. Emits GUILD_MEMBER_ADD to the guild and GUILD_CREATE (via @GUILD_JOIN) to the user.
 */
export async function addMember(
  deps: Deps,
  guildId: string,
  user: UserRecord,
  opts: { botRolePermissions?: bigint; botName?: string } = {},
): Promise<{ member: Member; added: boolean }> {
  const existing = await deps.guilds.getMember(guildId, user.id);
  if (existing) return { member: wireMember(existing, user), added: false };
  const now = Date.now();
  let role: RoleRecord | undefined;
  if (user.bot && opts.botRolePermissions !== undefined) {
    const roles = await deps.guilds.roles(guildId);
    role = {
      id: deps.ids.next(),
      guild_id: guildId,
      name: opts.botName ?? user.username,
      color: 0,
      hoist: false,
      position: Math.max(0, ...roles.map((r) => r.position)) + 1,
      permissions: opts.botRolePermissions.toString(),
      managed: true,
      mentionable: false,
      bot_id: user.id,
    };
    await deps.guilds.createRole(role);
  }
  const record: MemberRecord = {
    guild_id: guildId,
    user_id: user.id,
    nick: null,
    joined_at: now,
    deaf: false,
    mute: false,
    communication_disabled_until: null,
    roles: role ? [role.id] : [],
  };
  const added = await deps.guilds.addMember(record);
  const member = wireMember(record, user);
  if (added) await announceMember(deps, user, record, role);
  return { member, added };
}

/** A plain new member record (no roles), as an invite join stores it. */
export function newMemberRecord(guildId: string, userId: string): MemberRecord {
  return { guild_id: guildId, user_id: userId, nick: null, joined_at: Date.now(), deaf: false, mute: false, communication_disabled_until: null, roles: [] };
}

/** After a member's row committed: GUILD_MEMBER_ADD (and presence) to the guild, GUILD_CREATE (via @GUILD_JOIN) to the user. */
export async function announceMember(deps: Deps, user: UserRecord, record: MemberRecord, role?: RoleRecord): Promise<void> {
  const guildId = record.guild_id;
  const member = wireMember(record, user);
  if (role) await emit(deps, guildTopic(guildId), { t: 'GUILD_ROLE_CREATE', d: { guild_id: guildId, role: wireRole(role) }, guild_id: guildId });
  await emit(deps, guildTopic(guildId), { t: 'GUILD_MEMBER_ADD', d: { ...member, guild_id: guildId }, guild_id: guildId, exclude_user_ids: [user.id] });
  // Someone already online joins: the guild learns it now, as it would have at their connect.
  const status = (await deps.presence.statuses([user.id])).get(user.id) ?? 'offline';
  if (status !== 'offline') await emit(deps, guildTopic(guildId), { t: 'PRESENCE_UPDATE', d: presenceData(user.id, status, guildId), guild_id: guildId });
  await emit(deps, userTopic(user.id), { t: '@GUILD_JOIN', d: { guild_id: guildId }, user_ids: [user.id] });
}

export async function listMembers(deps: Deps, ctx: Ctx, guildId: string, q: { limit?: number; after?: string }) {
  await deps.access.guild(ctx, guildId);
  const members = await deps.guilds.listMembers(guildId, { after: q.after, limit: q.limit ?? 1 });
  const users = new Map((await deps.users.getMany(members.map((m) => m.user_id))).map((u) => [u.id, u]));
  return members.map((m) => wireMember(m, users.get(m.user_id)));
}

export async function getMember(deps: Deps, ctx: Ctx, guildId: string, userId: string) {
  const { state } = await deps.access.guild(ctx, guildId);
  const id = userId === '@me' ? ctx.user.id : userId;
  const member = isSnowflake(id) ? await deps.cache.member(state, id) : undefined;
  if (!member) throw errors.unknown('member');
  return member;
}
