import { ALL_PERMISSIONS, ChannelTypes, Permissions, hasPermission, type Channel } from '@concord/protocol';
import { ApiError, errors } from '../../lib/errors.js';
import { guildTopic } from '../../bus/bus.js';
import type { Ctx } from '../access.js';
import type { GuildState } from '../guilds/cache.js';
import { emit, type Deps } from '../deps.js';
import { wireChannel } from '../wire.js';
import type { GuildPatch } from '../guilds/store.js';
import { updateGuild } from '../guilds/service.js';
import type { ChannelPatch, ChannelRecord, OverwriteRecord } from './store.js';

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

/**
 * Writing overwrites is managing permissions, as on Discord: it needs MANAGE_ROLES, and every bit an overwrite
 * changes (allowed, denied or cleared) must be one the caller has. Overwrites sent back unchanged need nothing.
 */
function checkOverwriteChanges(perms: bigint, next: OverwriteRecord[] | undefined, current: Channel['permission_overwrites']): void {
  if (!next) return;
  const before = new Map((current ?? []).map((o) => [`${o.type}:${o.id}`, { allow: BigInt(o.allow), deny: BigInt(o.deny) }]));
  let changed = 0n;
  for (const o of next) {
    const key = `${o.type}:${o.id}`;
    const old = before.get(key) ?? { allow: 0n, deny: 0n };
    before.delete(key);
    changed |= (old.allow ^ BigInt(o.allow)) | (old.deny ^ BigInt(o.deny));
  }
  for (const removed of before.values()) changed |= removed.allow | removed.deny;
  const touched = next.length !== (current ?? []).length || changed !== 0n;
  if (!touched) return;
  // Bits no permission uses carry no power, so they need none.
  if (!hasPermission(perms, Permissions.MANAGE_ROLES) || !hasPermission(perms, changed & ALL_PERMISSIONS)) throw errors.missingPermissions();
}

/** Channels of a guild the caller can see. */
export async function listChannels(deps: Deps, ctx: Ctx, guildId: string): Promise<Channel[]> {
  const { state, member } = await deps.access.guild(ctx, guildId);
  return [...state.channels.values()]
    .filter((c) => hasPermission(deps.cache.channelPermissions(state, c.id, ctx.user.id, member), Permissions.VIEW_CHANNEL))
    .map((c) => ({ ...c, guild_id: guildId }))
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || (a.id < b.id ? -1 : 1));
}

export async function createChannel(deps: Deps, ctx: Ctx, guildId: string, body: ChannelInput & { name: string }): Promise<Channel> {
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
    created_at: Date.now(),
    overwrites: overwrites(body.permission_overwrites) ?? [],
  };
  await deps.channels.create(channel);
  const wire = wireChannel(channel);
  await emit(deps, guildTopic(guildId), { t: 'CHANNEL_CREATE', d: wire, guild_id: guildId, channel_id: channel.id });
  return wire;
}

export async function getChannel(deps: Deps, ctx: Ctx, channelId: string): Promise<Channel> {
  const { channel, state } = await deps.access.channel(ctx, channelId);
  return { ...channel, guild_id: state.guild.id };
}

export async function modifyChannel(deps: Deps, ctx: Ctx, channelId: string, body: ChannelInput): Promise<Channel> {
  const { state, channel, perms } = await deps.access.channel(ctx, channelId, Permissions.MANAGE_CHANNELS);
  if (body.parent_id !== undefined) checkParent(state, channel.type, body.parent_id);
  checkOverwriteChanges(perms, overwrites(body.permission_overwrites), channel.permission_overwrites);
  const patch: ChannelPatch = {
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
  const updated = await deps.channels.update(channelId, patch);
  if (!updated) throw errors.unknown('channel');
  const wire = wireChannel(updated);
  await emit(deps, guildTopic(state.guild.id), {
    t: 'CHANNEL_UPDATE',
    d: wire,
    guild_id: state.guild.id,
    channel_id: channelId,
    // Who could see it before: fan-out turns the update into CHANNEL_DELETE / CHANNEL_CREATE where that changed.
    ...(patch.overwrites ? { previous: { permission_overwrites: channel.permission_overwrites ?? [] } } : {}),
  });
  return wire;
}

export async function deleteChannel(deps: Deps, ctx: Ctx, channelId: string): Promise<Channel> {
  const { state, channel } = await deps.access.channel(ctx, channelId, Permissions.MANAGE_CHANNELS);
  const children = [...state.channels.values()].filter((c) => c.parent_id === channelId);
  // A concurrent delete already took it: that one answers and announces; this one found nothing.
  if (!(await deps.channels.delete(channelId))) throw errors.unknown('channel');
  const wire = { ...channel, guild_id: state.guild.id };
  // Not channel-scoped: everyone who had it must drop it, and the viewer check would fail once it is gone.
  await emit(deps, guildTopic(state.guild.id), { t: 'CHANNEL_DELETE', d: wire, guild_id: state.guild.id });
  // The store moved a deleted category's channels to the top level; say so, as Discord does.
  for (const child of children) {
    await emit(deps, guildTopic(state.guild.id), { t: 'CHANNEL_UPDATE', d: { ...child, parent_id: null }, guild_id: state.guild.id, channel_id: child.id });
  }
  // The guild no longer points at it, as on Discord.
  const cleared: GuildPatch = {};
  if (state.guild.system_channel_id === channelId) cleared.system_channel_id = null;
  if (state.guild.afk_channel_id === channelId) cleared.afk_channel_id = null;
  if (Object.keys(cleared).length > 0) {
    // A guild deleted meanwhile has nothing left to clear.
    await updateGuild(deps, state.guild.id, cleared).catch((err) => {
      if (!(err instanceof ApiError)) throw err;
    });
  }
  return wire;
}
