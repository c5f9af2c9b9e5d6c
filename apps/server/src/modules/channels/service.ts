import { AuditLogEvents, ChannelTypes, Permissions, hasPermission, isForumType, mayWriteOverwrites, overwriteChange, type AuditLogChange, type Channel } from '@concord/protocol';
import { channelsGone } from '../voice/service.js';
import { diffChanges, recordAudit } from '../audit/service.js';
import type { GuildChannelScope } from '../access.js';
import type { Tx } from '../deps.js';
import { errors } from '../../lib/errors.js';
import type { Ctx } from '../access.js';
import type { GuildState } from '../guilds/cache.js';
import type { Needs } from '../deps.js';
import { wireChannel } from '../wire.js';
import type { GuildPatch } from '../guilds/store.js';
import { writeGuild } from '../guilds/service.js';
import { deleteThread, modifyThread, syncChannelThreads, type ThreadInput } from '../threads/service.js';
import { forumPatch, newForum, type ForumInput } from '../threads/forum.js';
import type { ChannelPatch, ChannelRecord, OverwriteRecord } from './store.js';

/** What this domain's services use. */
type ChannelDeps = Needs<'channels' | 'guilds' | 'threads' | 'messages' | 'audit' | 'emojis', 'access' | 'cache' | 'ids' | 'events' | 'voiceStates'>;

/** What a channel's audit entries compare (Discord's keys); overwrites get entries of their own. */
const AUDITED_CHANNEL = ['name', 'type', 'topic', 'parent_id', 'position', 'nsfw', 'rate_limit_per_user', 'bitrate', 'user_limit'] as const;
type Overwrites = NonNullable<Channel['permission_overwrites']>;

/** One entry per overwrite created, changed or removed (13/14/15), as Discord logs them. */
async function auditOverwrites(deps: Pick<ChannelDeps, 'ids'>, tx: Tx<'audit'>, ctx: Ctx, state: GuildState, channelId: string, before: Overwrites, after: Overwrites): Promise<void> {
  const old = new Map(before.map((o) => [o.id, o]));
  const options = (o: Overwrites[number]): Record<string, string> => ({
    id: o.id,
    type: String(o.type),
    ...(o.type === 0 && state.roles.get(o.id) ? { role_name: state.roles.get(o.id)!.name } : {}),
  });
  for (const o of after) {
    const prev = old.get(o.id);
    old.delete(o.id);
    if (!prev) {
      const changes: AuditLogChange[] = [{ key: 'id', new_value: o.id }, { key: 'type', new_value: o.type }, { key: 'allow', new_value: o.allow }, { key: 'deny', new_value: o.deny }];
      await recordAudit(deps, tx, ctx, state.guild.id, { action_type: AuditLogEvents.CHANNEL_OVERWRITE_CREATE, target_id: channelId, changes, options: options(o) });
    } else if (prev.allow !== o.allow || prev.deny !== o.deny) {
      await recordAudit(deps, tx, ctx, state.guild.id, { action_type: AuditLogEvents.CHANNEL_OVERWRITE_UPDATE, target_id: channelId, changes: diffChanges(prev, o, ['allow', 'deny']), options: options(o) });
    }
  }
  for (const o of old.values()) {
    const changes: AuditLogChange[] = [{ key: 'id', old_value: o.id }, { key: 'type', old_value: o.type }, { key: 'allow', old_value: o.allow }, { key: 'deny', old_value: o.deny }];
    await recordAudit(deps, tx, ctx, state.guild.id, { action_type: AuditLogEvents.CHANNEL_OVERWRITE_DELETE, target_id: channelId, changes, options: options(o) });
  }
}

interface ChannelInput {
  name?: string;
  type?: number;
  topic?: string | null;
  position?: number;
  parent_id?: string | null;
  nsfw?: boolean;
  rate_limit_per_user?: number;
  bitrate?: number;
  user_limit?: number;
  permission_overwrites?: { id: string; type: 0 | 1; allow?: string; deny?: string }[];
}

function checkParent(state: GuildState, type: number, parentId: string | null | undefined): void {
  if (!parentId) return;
  const parent = state.channels.get(parentId);
  if (type === ChannelTypes.GUILD_CATEGORY) throw errors.invalidField(['parent_id'], 'CHANNEL_PARENT_INVALID', 'A category cannot have a parent.');
  if (!parent || parent.type !== ChannelTypes.GUILD_CATEGORY) {
    throw errors.invalidField(['parent_id'], 'CHANNEL_PARENT_INVALID', 'parent_id must be a category in this guild.');
  }
}

const overwrites = (list: ChannelInput['permission_overwrites']): OverwriteRecord[] | undefined =>
  list?.map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow ?? 0).toString(), deny: BigInt(o.deny ?? 0).toString() }));

/** Writing overwrites is managing permissions, as on Discord (see `mayWriteOverwrites`); unchanged ones need nothing. */
function checkOverwriteChanges(perms: bigint, next: OverwriteRecord[] | undefined, current: Channel['permission_overwrites']): void {
  if (next && !mayWriteOverwrites(perms, overwriteChange(current ?? [], next))) throw errors.missingPermissions();
}

/** Channels of a guild the caller can see. */
export async function listChannels(deps: ChannelDeps, ctx: Ctx, guildId: string): Promise<Channel[]> {
  const { state, member } = await deps.access.guild(ctx, guildId);
  return [...state.channels.values()]
    .filter((c) => hasPermission(deps.cache.channelPermissions(state, c.id, ctx.user.id, member), Permissions.VIEW_CHANNEL))
    .map((c) => ({ ...c, guild_id: guildId }))
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || (a.id < b.id ? -1 : 1));
}

export async function createChannel(deps: ChannelDeps, ctx: Ctx, guildId: string, body: ChannelInput & ForumInput & { name: string }): Promise<Channel> {
  const { state, perms } = await deps.access.guild(ctx, guildId, Permissions.MANAGE_CHANNELS);
  checkOverwriteChanges(perms, overwrites(body.permission_overwrites), []);
  const type = body.type ?? ChannelTypes.GUILD_TEXT;
  checkParent(state, type, body.parent_id);
  const siblings = [...state.channels.values()].filter((c) => (c.parent_id ?? null) === (body.parent_id ?? null));
  const channel: ChannelRecord = {
    id: deps.ids.next(),
    guild_id: guildId,
    type,
    // Text channel names are lowercase with dashes, as on Discord.
    name: type === ChannelTypes.GUILD_TEXT ? body.name.toLowerCase().replace(/\s+/g, '-') : body.name,
    position: body.position ?? Math.max(-1, ...siblings.map((c) => c.position ?? 0)) + 1,
    parent_id: body.parent_id ?? null,
    topic: body.topic ?? null,
    nsfw: body.nsfw ?? false,
    rate_limit_per_user: body.rate_limit_per_user ?? 0,
    bitrate: type === ChannelTypes.GUILD_VOICE ? (body.bitrate ?? 64000) : null,
    user_limit: type === ChannelTypes.GUILD_VOICE ? (body.user_limit ?? 0) : null,
    last_message_id: null,
    owner_id: null,
    created_at: Date.now(),
    overwrites: overwrites(body.permission_overwrites) ?? [],
    ...(isForumType(type) ? newForum(type, body, () => deps.ids.next()) : {}),
  };
  const wire = wireChannel(channel);
  await deps.tx(async (tx) => {
    await tx.channels.create(channel);
    const changes = diffChanges(undefined, wire, [...AUDITED_CHANNEL, 'permission_overwrites']).filter((c) => c.new_value !== null);
    await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.CHANNEL_CREATE, target_id: channel.id, changes });
    tx.emit({ guild: guildId }, 'CHANNEL_CREATE', wire, { channel_id: channel.id });
  });
  return wire;
}

export async function getChannel(deps: ChannelDeps, ctx: Ctx, channelId: string): Promise<Channel> {
  const scope = await deps.access.channel(ctx, channelId);
  return scope.kind === 'private' ? scope.channel : { ...scope.channel, guild_id: scope.state.guild.id };
}

export async function modifyChannel(deps: ChannelDeps, ctx: Ctx, channelId: string, body: ChannelInput & ThreadInput & ForumInput): Promise<Channel> {
  const scope = await deps.access.guildChannel(ctx, channelId);
  // A thread has its own rules (owners, MANAGE_THREADS, archiving).
  if (scope.kind === 'thread') return modifyThread(deps, ctx, scope, body);
  if (!hasPermission(scope.perms, Permissions.MANAGE_CHANNELS)) throw errors.missingPermissions();
  const { state, channel, perms } = scope;
  if (body.parent_id !== undefined) checkParent(state, channel.type, body.parent_id);
  checkOverwriteChanges(perms, overwrites(body.permission_overwrites), channel.permission_overwrites);
  const record = isForumType(channel.type) ? await deps.channels.get(channelId) : undefined;
  const patch: ChannelPatch = {
    ...(record ? forumPatch(record, body, () => deps.ids.next()) : {}),
    name: body.name,
    topic: body.topic,
    position: body.position,
    parent_id: body.parent_id,
    nsfw: body.nsfw,
    rate_limit_per_user: body.rate_limit_per_user,
    bitrate: body.bitrate,
    user_limit: body.user_limit,
    overwrites: overwrites(body.permission_overwrites),
  };
  return writeChannel(deps, ctx, scope, patch);
}

/** The channel change, its audit entries (the channel's, each overwrite's) and CHANNEL_UPDATE, in one transaction. */
async function writeChannel(deps: ChannelDeps, ctx: Ctx, scope: GuildChannelScope, patch: ChannelPatch): Promise<Channel> {
  const { state, channel } = scope;
  const channelId = channel.id;
  const wire = await deps.tx(async (tx) => {
    if (!(await tx.channels.update(channelId, patch))) return undefined;
    const updated = await tx.channels.get(channelId);
    if (!updated) return undefined;
    const wire = wireChannel(updated);
    const changes = diffChanges(channel, wire, AUDITED_CHANNEL);
    if (changes.length > 0) await recordAudit(deps, tx, ctx, state.guild.id, { action_type: AuditLogEvents.CHANNEL_UPDATE, target_id: channelId, changes });
    if (patch.overwrites) await auditOverwrites(deps, tx, ctx, state, channelId, channel.permission_overwrites ?? [], wire.permission_overwrites ?? []);
    tx.emit({ guild: state.guild.id }, 'CHANNEL_UPDATE', wire, {
      channel_id: channelId,
      // Who could see it before: fan-out turns the update into CHANNEL_DELETE / CHANNEL_CREATE where that changed.
      ...(patch.overwrites ? { previous: { permission_overwrites: channel.permission_overwrites ?? [] } } : {}),
    });
    // Sessions that now see the channel learn its threads.
    if (patch.overwrites) await syncChannelThreads(tx, state.guild.id, channelId);
    return wire;
  });
  if (!wire) throw errors.unknown('channel');
  return wire;
}

/** `PUT /channels/:id/permissions/:overwrite_id`: one overwrite set (MANAGE_ROLES, and only bits the caller holds). */
export async function editPermission(deps: ChannelDeps, ctx: Ctx, channelId: string, targetId: string, body: { type: 0 | 1; allow?: string | null; deny?: string | null }): Promise<void> {
  const scope = await deps.access.guildChannel(ctx, channelId);
  if (scope.kind === 'thread') throw errors.invalidField(['channel_id'], 'CHANNEL_TYPE_INVALID', 'Threads have no permission overwrites.');
  if (!hasPermission(scope.perms, Permissions.MANAGE_ROLES)) throw errors.missingPermissions();
  if (body.type === 0 && !scope.state.roles.has(targetId)) throw errors.unknown('role');
  if (body.type === 1 && !(await deps.cache.member(scope.state, targetId))) throw errors.unknown('member');
  const current = overwrites(scope.channel.permission_overwrites) ?? [];
  const next = [...current.filter((o) => o.id !== targetId), { id: targetId, type: body.type, allow: BigInt(body.allow ?? 0).toString(), deny: BigInt(body.deny ?? 0).toString() }];
  checkOverwriteChanges(scope.perms, next, scope.channel.permission_overwrites);
  await writeChannel(deps, ctx, scope, { overwrites: next });
}

/** `DELETE /channels/:id/permissions/:overwrite_id`. */
export async function deletePermission(deps: ChannelDeps, ctx: Ctx, channelId: string, targetId: string): Promise<void> {
  const scope = await deps.access.guildChannel(ctx, channelId);
  if (scope.kind === 'thread') throw errors.invalidField(['channel_id'], 'CHANNEL_TYPE_INVALID', 'Threads have no permission overwrites.');
  if (!hasPermission(scope.perms, Permissions.MANAGE_ROLES)) throw errors.missingPermissions();
  const current = overwrites(scope.channel.permission_overwrites) ?? [];
  if (!current.some((o) => o.id === targetId)) return;
  const next = current.filter((o) => o.id !== targetId);
  checkOverwriteChanges(scope.perms, next, scope.channel.permission_overwrites);
  await writeChannel(deps, ctx, scope, { overwrites: next });
}

/**
 * One transaction: the channel, every module's rows of it (messages, reactions, ...), its children moved to the
 * top level, and the guild no longer pointing at it (system or AFK channel), each announced after the commit.
 */
export async function deleteChannel(deps: ChannelDeps, ctx: Ctx, channelId: string): Promise<Channel> {
  const scope = await deps.access.guildChannel(ctx, channelId);
  if (scope.kind === 'thread') return deleteThread(deps, scope);
  if (!hasPermission(scope.perms, Permissions.MANAGE_CHANNELS)) throw errors.missingPermissions();
  const { state, channel } = scope;
  const guild = { guild: state.guild.id };
  const wire = { ...channel, guild_id: state.guild.id };
  const deleted = await deps.tx(async (tx) => {
    await tx.purgeChannels([channelId]);
    // A concurrent delete already took it: that one answers and announces; this one found nothing.
    if (!(await tx.channels.delete(channelId))) return false;
    const gone = diffChanges(undefined, wire, ['name', 'type', 'nsfw', 'rate_limit_per_user', 'permission_overwrites']).map(({ key, new_value }) => ({ key, old_value: new_value }));
    await recordAudit(deps, tx, ctx, state.guild.id, { action_type: AuditLogEvents.CHANNEL_DELETE, target_id: channelId, changes: gone });
    // Not channel-scoped: everyone who had it must drop it, and the viewer check would fail once it is gone.
    tx.emit(guild, 'CHANNEL_DELETE', wire);
    // A deleted category's channels move to the top level; say so, as Discord does.
    for (const child of state.channels.values()) {
      if (child.parent_id === channelId) tx.emit(guild, 'CHANNEL_UPDATE', { ...child, parent_id: null }, { channel_id: child.id });
    }
    const cleared: GuildPatch = {};
    if (state.guild.system_channel_id === channelId) cleared.system_channel_id = null;
    if (state.guild.afk_channel_id === channelId) cleared.afk_channel_id = null;
    if (Object.keys(cleared).length > 0) await writeGuild(tx, state.guild.id, cleared);
    return true;
  });
  if (!deleted) throw errors.unknown('channel');
  if (channel.type === ChannelTypes.GUILD_VOICE) await channelsGone(deps, state.guild.id, [channelId]);
  return wire;
}
