/**
 * READY and GUILD_CREATE, shaped per session (intents, large_threshold), from the guild replica and the stores.
 * Checklist: state added here needs the events that change it (packages/protocol/src/events.ts), a handler in
 * the client reducer, and an entry in the server's snapshot test (snapshot + events = fresh snapshot).
 */
import {
  GatewayIntents,
  Permissions,
  hasPermission,
  type Channel,
  type GuildCreateData,
  type Member,
  type PresenceUpdateData,
  type ReadyData,
  type ReadStateEntry,
  type ReceiptCursorData,
  type Relationship,
} from '@concord/protocol';
import type { Deps } from '../modules/deps.js';
import type { GuildState } from '../modules/guilds/cache.js';
import { wireChannel, wireMember, wirePrivateChannel, wirePrivateUser } from '../modules/wire.js';
import type { Session } from './session.js';
import { presenceData } from '../modules/presence/service.js';
import { visibleThreads, wireThreadMember } from '../modules/threads/service.js';
import { guildVoiceStates } from '../modules/voice/service.js';

/** The user's DMs and group DMs, each with the other recipients; not DMs they closed or have not been written in yet. */
export async function loadPrivateChannels(deps: Pick<Deps, 'channels' | 'users' | 'dms'>, userId: string): Promise<Channel[]> {
  const hidden = new Set(await deps.dms.hiddenFor(userId));
  const list = (await deps.channels.privateChannelsOf(userId)).filter((c) => !hidden.has(c.channel.id));
  const users = new Map((await deps.users.getMany([...new Set(list.flatMap((c) => c.recipients))])).map((u) => [u.id, u]));
  return list.map(({ channel, recipients }) =>
    wirePrivateChannel(channel, recipients.filter((id) => id !== userId).flatMap((id) => users.get(id) ?? [])),
  );
}

export function buildReady(session: Session, resumeUrl: string, applicationId: string | undefined, privateChannels: Channel[], readState?: ReadStateEntry[], receipts?: ReceiptCursorData[], relationships: Relationship[] = []): ReadyData {
  return {
    v: 10,
    user: wirePrivateUser(session.user),
    guilds: [...session.guilds].map((id) => ({ id, unavailable: true as const })),
    session_id: session.id,
    resume_gateway_url: resumeUrl,
    shard: session.shard,
    ...(applicationId ? { application: { id: applicationId, flags: 0 } } : {}),
    private_channels: privateChannels,
    user_settings: {},
    ...(readState ? { read_state: { version: 1, partial: false, entries: readState } } : {}),
    ...(receipts && receipts.length > 0 ? { x_receipts: receipts } : {}),
    relationships,
  };
}

export async function buildGuildCreate(deps: Deps, state: GuildState, session: Session, self: Member): Promise<GuildCreateData> {
  const large = state.memberCount > session.largeThreshold;
  let members: Member[] = [self];
  // Small guilds come with their member list (for people always; for bots with GUILD_MEMBERS); large ones with just the session's own member.
  if (!large && (!session.user.bot || session.intents & GatewayIntents.GuildMembers)) {
    const records = await deps.guilds.listMembers(state.guild.id, { limit: session.largeThreshold });
    const users = new Map((await deps.users.getMany(records.map((m) => m.user_id))).map((u) => [u.id, u]));
    members = records.map((m) => wireMember(m, users.get(m.user_id)));
  }
  // People always see who is online; bots need GUILD_PRESENCES.
  let presences: PresenceUpdateData[] = [];
  if (!session.user.bot || session.intents & GatewayIntents.GuildPresences) {
    const shown = await deps.presence.shown(members.map((m) => m.user!.id));
    presences = [...shown].filter(([, s]) => s.status !== 'offline').map(([id, s]) => presenceData(id, s));
  }
  const canView = (channelId: string) => hasPermission(deps.cache.channelPermissions(state, channelId, session.user.id, self), Permissions.VIEW_CHANNEL);
  const channels = [...state.channels.values()].filter((c) => canView(c.id));
  const visible = await visibleThreads(deps, state, session.user.id, self, await deps.channels.threadsByGuild(state.guild.id));
  // Followed threads carry the session's membership (join time and flags, as Discord's GUILD_CREATE does).
  const mine = new Map((await deps.threads.membershipsOf(session.user.id, visible.map((t) => t.id))).map((m) => [m.channel_id, m]));
  const threads = visible.map((t) => {
    const m = mine.get(t.id);
    return m ? { ...wireChannel(t), member: { join_timestamp: wireThreadMember(m).join_timestamp, flags: 0 } } : wireChannel(t);
  });
  return {
    ...state.guild,
    roles: [...state.roles.values()],
    unavailable: false,
    joined_at: self.joined_at,
    large,
    member_count: state.memberCount,
    channels,
    threads,
    members,
    presences,
    voice_states: await guildVoiceStates(deps, state.guild.id),
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
