/**
 * Voice state: joining, moving and leaving voice channels (op 4), what moderators do to others (move, disconnect,
 * server mute and deafen), and cleanup when a session or membership ends. States live in the voice state store
 * (memory or Redis, beside presence); every change is told to the guild as VOICE_STATE_UPDATE, and a new voice
 * connection gets its token and endpoint as VOICE_SERVER_UPDATE (sent to the joining session by the op).
 */
import { randomBytes } from 'node:crypto';
import {
  ChannelTypes,
  ErrorCodes,
  Permissions,
  hasPermission,
  type Channel,
  type Member,
  type VoiceServerUpdateData,
  type VoiceState,
  type VoiceStateUpdateBody,
} from '@concord/protocol';
import { ApiError, errors } from '../../lib/errors.js';
import type { Ctx } from '../access.js';
import type { Deps } from '../deps.js';
import type { GuildState } from '../guilds/cache.js';
import type { VoiceRecord } from './store.js';

export type VoiceDeps = Pick<Deps, 'events' | 'access' | 'cache' | 'voiceStates'>;

/** The wire voice state; GUILD_CREATE leaves out guild_id and member. */
export function wireVoiceState(r: VoiceRecord): VoiceState {
  return {
    channel_id: r.channelId,
    user_id: r.userId,
    session_id: r.sessionId,
    deaf: r.deaf,
    mute: r.mute,
    self_deaf: r.selfDeaf,
    self_mute: r.selfMute,
    self_stream: r.selfStream,
    self_video: r.selfVideo,
    suppress: r.suppress,
    request_to_speak_timestamp: null,
  };
}

async function announce(deps: VoiceDeps, r: VoiceRecord, left = false): Promise<void> {
  const state = await deps.cache.get(r.guildId);
  const member = state && !left ? await deps.cache.member(state, r.userId) : undefined;
  await deps.events.dispatch({ guild: r.guildId }, 'VOICE_STATE_UPDATE', {
    ...wireVoiceState(r),
    guild_id: r.guildId,
    ...(left ? { channel_id: null } : {}),
    ...(member ? { member } : {}),
  });
}

/**
 * A user's voice changes run one after another in this process (ops are not serialised per connection, and a
 * join read before a mute's write would undo it). States held in a shared store are written by the process
 * holding the user's voice session, or by a moderator's request, rarely at once.
 */
const chains = new Map<string, Promise<unknown>>();
function serial<T>(userId: string, fn: () => Promise<T>): Promise<T> {
  const run = (chains.get(userId) ?? Promise.resolve()).then(fn, fn);
  const tail = run.catch(() => undefined);
  chains.set(userId, tail);
  void tail.then(() => {
    if (chains.get(userId) === tail) chains.delete(userId);
  });
  return run;
}

const notVoice = () => errors.invalidField(['channel_id'], 'CHANNEL_TYPE_INVALID', 'Must be a voice channel.');
const notConnected = () => new ApiError(400, ErrorCodes.TARGET_NOT_CONNECTED_TO_VOICE, 'Target user is not connected to voice.');

function voiceChannel(state: GuildState, channelId: string): Channel {
  const channel = state.channels.get(channelId);
  if (!channel) throw errors.unknown('channel');
  if (channel.type !== ChannelTypes.GUILD_VOICE) throw notVoice();
  return channel;
}

function perms(deps: VoiceDeps, state: GuildState, channelId: string, userId: string, member: Member): bigint {
  return deps.cache.channelPermissions(state, channelId, userId, member);
}

/** Discord lets holders of MOVE_MEMBERS into a full channel. */
async function checkRoom(deps: VoiceDeps, state: GuildState, channel: Channel, userId: string, p: bigint): Promise<void> {
  const limit = channel.user_limit ?? 0;
  if (limit === 0 || hasPermission(p, Permissions.MOVE_MEMBERS)) return;
  const inside = (await deps.voiceStates.inGuild(state.guild.id)).filter((r) => r.channelId === channel.id && r.userId !== userId);
  if (inside.length >= limit) throw errors.missingPermissions();
}

/**
 * Op 4 from `sessionId`. Joining or moving needs CONNECT (a timed-out member has none) and room under
 * `user_limit`; a join from another session takes the user's voice over from the session that had it. Answers
 * the VOICE_SERVER_UPDATE for a new voice connection (a join, or the first of this session in this guild).
 */
export function updateVoiceState(deps: VoiceDeps, ctx: Ctx, sessionId: string, body: VoiceStateUpdateBody, endpoint: string): Promise<VoiceServerUpdateData | undefined> {
  return serial(ctx.user.id, () => applyVoiceState(deps, ctx, sessionId, body, endpoint));
}

async function applyVoiceState(deps: VoiceDeps, ctx: Ctx, sessionId: string, body: VoiceStateUpdateBody, endpoint: string): Promise<VoiceServerUpdateData | undefined> {
  const userId = ctx.user.id;
  const { state, member } = await deps.access.guild(ctx, body.guild_id);
  const current = await deps.voiceStates.get(userId);
  if (body.channel_id === null) {
    if (current?.guildId !== body.guild_id) return undefined;
    await deps.voiceStates.remove(userId);
    await announce(deps, current, true);
    return undefined;
  }
  const channel = voiceChannel(state, body.channel_id);
  const p = perms(deps, state, channel.id, userId, member);
  const self = { selfMute: body.self_mute ?? false, selfDeaf: body.self_deaf ?? false, selfVideo: body.self_video ?? false, selfStream: body.self_stream ?? false };
  const sameConnection = current?.guildId === body.guild_id && current.sessionId === sessionId;
  if (sameConnection && current.channelId === channel.id) {
    const next = { ...current, ...self };
    await deps.voiceStates.put(next);
    await announce(deps, next);
    return undefined;
  }
  if (!hasPermission(p, Permissions.VIEW_CHANNEL | Permissions.CONNECT)) throw errors.missingPermissions();
  await checkRoom(deps, state, channel, userId, p);
  const next: VoiceRecord = {
    guildId: body.guild_id,
    channelId: channel.id,
    userId,
    sessionId,
    // A move inside the guild keeps the connection; anything else is a new one.
    token: sameConnection ? current.token : randomBytes(16).toString('hex'),
    mute: member.mute,
    deaf: member.deaf,
    ...self,
    suppress: !hasPermission(p, Permissions.SPEAK),
  };
  const before = await deps.voiceStates.put(next);
  if (before && before.guildId !== next.guildId) await announce(deps, before, true);
  await announce(deps, next);
  return sameConnection ? undefined : { token: next.token, guild_id: next.guildId, endpoint };
}

/**
 * A moderator's move (`channel_id`) or disconnect (null), checked before anything is written: MOVE_MEMBERS
 * where the member is and, for a move, MOVE_MEMBERS and CONNECT in the destination, which the member must be
 * allowed to connect to. Answers the change to apply once the rest of the edit committed.
 */
export async function prepareMove(deps: VoiceDeps, ctx: Ctx, state: GuildState, actor: Member, userId: string, target: Member, channelId: string | null): Promise<() => Promise<void>> {
  const current = await deps.voiceStates.get(userId);
  if (current?.guildId !== state.guild.id) throw notConnected();
  const may = (cid: string, bits: bigint) => hasPermission(perms(deps, state, cid, ctx.user.id, actor), bits);
  if (!may(current.channelId, Permissions.MOVE_MEMBERS)) throw errors.missingPermissions();
  if (channelId === null) {
    return () =>
      serial(userId, async () => {
        const gone = await deps.voiceStates.remove(userId, current.sessionId);
        if (gone) await announce(deps, gone, true);
      });
  }
  const channel = voiceChannel(state, channelId);
  if (!may(channel.id, Permissions.VIEW_CHANNEL | Permissions.CONNECT | Permissions.MOVE_MEMBERS)) throw errors.missingPermissions();
  const theirs = perms(deps, state, channel.id, userId, target);
  if (!hasPermission(theirs, Permissions.VIEW_CHANNEL | Permissions.CONNECT)) throw errors.missingPermissions();
  return () =>
    serial(userId, async () => {
      const now = await deps.voiceStates.get(userId);
      if (now?.guildId !== state.guild.id || now.sessionId !== current.sessionId) return;
      const next = { ...now, channelId: channel.id, suppress: !hasPermission(theirs, Permissions.SPEAK) };
      await deps.voiceStates.put(next);
      await announce(deps, next);
    });
}

/** After a member's server mute or deafen changed: their voice state says so. */
export function serverMuteChanged(deps: VoiceDeps, guildId: string, userId: string, flags: { mute: boolean; deaf: boolean }): Promise<void> {
  return serial(userId, async () => {
    const current = await deps.voiceStates.get(userId);
    if (current?.guildId !== guildId || (current.mute === flags.mute && current.deaf === flags.deaf)) return;
    const next = { ...current, ...flags };
    await deps.voiceStates.put(next);
    await announce(deps, next);
  });
}

/** A gateway session ended: the voice connection it held ends with it. */
export function sessionEnded(deps: VoiceDeps, userId: string, sessionId: string): Promise<void> {
  return serial(userId, async () => {
    const gone = await deps.voiceStates.remove(userId, sessionId);
    if (gone) await announce(deps, gone, true);
  });
}

/** The user is no longer in the guild (left, kicked, banned): out of its voice channel too. */
export function leftGuild(deps: VoiceDeps, userId: string, guildId: string): Promise<void> {
  return serial(userId, async () => {
    const current = await deps.voiceStates.get(userId);
    if (current?.guildId !== guildId) return;
    const gone = await deps.voiceStates.remove(userId, current.sessionId);
    if (gone) await announce(deps, gone, true);
  });
}

/** Voice channels were deleted: whoever was in them is disconnected. */
export async function channelsGone(deps: VoiceDeps, guildId: string, channelIds: readonly string[]): Promise<void> {
  const ids = new Set(channelIds);
  for (const r of await deps.voiceStates.inGuild(guildId)) {
    if (!ids.has(r.channelId)) continue;
    const gone = await deps.voiceStates.remove(r.userId, r.sessionId);
    if (gone) await announce(deps, gone, true);
  }
}

/** `GET /guilds/:id/voice-states/:user_id` (and `@me`): a member's voice state in the guild. */
export async function getVoiceState(deps: VoiceDeps, ctx: Ctx, guildId: string, userId: string): Promise<VoiceState & { guild_id: string }> {
  await deps.access.guild(ctx, guildId);
  const r = await deps.voiceStates.get(userId === '@me' ? ctx.user.id : userId);
  if (r?.guildId !== guildId) throw errors.unknown('voiceState');
  return { ...wireVoiceState(r), guild_id: guildId };
}

/** One region: the media server this process runs (or the one configured). */
export const VOICE_REGIONS = [{ id: 'concord', name: 'Concord', optimal: true, deprecated: false, custom: true }];

/** The voice states of a guild, as GUILD_CREATE carries them. */
export async function guildVoiceStates(deps: Pick<Deps, 'voiceStates'>, guildId: string): Promise<VoiceState[]> {
  return (await deps.voiceStates.inGuild(guildId)).map(wireVoiceState);
}
