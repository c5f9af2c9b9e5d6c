/**
 * The pure client-side state reducer: READY + GUILD_CREATE snapshot, then every dispatch applied in order.
 * Shared by the web client and tests; "snapshot + events = fresh snapshot" is checked against it.
 *
 * Checklist when the contract (events.ts) or the snapshot (the server's gateway/snapshot.ts) changes: give the
 * event a handler below (the compiler insists), make the snapshot carry the state the event changes, and add the
 * event to the server's snapshot test, which applies each event to a READY and compares with a fresh one.
 */
import type { Activity, DispatchEvent, DispatchPayloads, EventName, PresenceUpdateData, ReactionEmojiData } from './events.js';
import { ChannelTypes, MessageFlags, type Channel, type GuildEmoji, type GuildCreateData, type Member, type Message, type ReadyData, type RelationshipType, type Role, type User, type VoiceState } from './schemas.js';
import { compareSnowflakes } from './snowflake.js';
import { countsAsMention } from './readstates.js';

/** A guild as the client holds it (not the server's replica). */
export interface ClientGuild {
  id: string;
  name: string;
  icon: string | null;
  owner_id: string;
  roles: Record<string, Role>;
  /** The guild's custom emoji, in the order the server lists them (GUILD_CREATE, then GUILD_EMOJIS_UPDATE). */
  emojis: GuildEmoji[];
  channelIds: string[];
  members: Record<string, Member>;
  member_count: number;
  /** Who is in the guild's voice channels, by user id (without guild_id and member). */
  voiceStates: Record<string, VoiceState>;
}

export interface ClientState {
  user: User | null;
  sessionId: string | null;
  /** Guild channels carry guild_id; private channels (DMs, group DMs) do not. */
  guilds: Record<string, ClientGuild>;
  channels: Record<string, Channel>;
  /** Loaded messages per channel, oldest first, unique by id. */
  messages: Record<string, Message[]>;
  users: Record<string, User>;
  /** Visible status per user id; absent means offline. */
  presences: Record<string, PresenceStatus>;
  /** What each online user is doing (a game, a custom status), for those who show something; absent means nothing. */
  activities: Record<string, Activity[]>;
  /** Where this user stopped reading, per channel id, and the mentions since (READY's read_state, then acks and messages). */
  readStates: Record<string, ReadState>;
  /** Extension: per private channel and other recipient, how far messages were delivered and read ('0': nothing yet). */
  receipts: Record<string, Record<string, ReceiptCursor>>;
  /** Friends, blocks and pending requests by the other user's id (READY's relationships, then RELATIONSHIP_ADD/REMOVE). */
  relationships: Record<string, ClientRelationship>;
}

export interface ClientRelationship {
  type: RelationshipType;
  since: string;
}

export interface ReceiptCursor {
  delivered: string;
  read: string | null;
}

export interface ReadState {
  last_message_id: string;
  mention_count: number;
}

export type PresenceStatus = 'online' | 'idle' | 'dnd' | 'offline';

export const initialClientState: ClientState = {
  user: null,
  sessionId: null,
  guilds: {},
  channels: {},
  messages: {},
  users: {},
  presences: {},
  activities: {},
  readStates: {},
  receipts: {},
  relationships: {},
};

function upsertMessage(list: readonly Message[], msg: Message): Message[] {
  const idx = list.findIndex((m) => m.id === msg.id);
  if (idx >= 0) {
    const copy = list.slice();
    copy[idx] = msg;
    return copy;
  }
  const last = list[list.length - 1];
  if (!last || compareSnowflakes(last.id, msg.id) < 0) return [...list, msg];
  const copy = [...list, msg];
  copy.sort((a, b) => compareSnowflakes(a.id, b.id));
  return copy;
}

/** Merge a page of history (any order) into a channel's loaded messages. */
export function mergeMessages(list: readonly Message[], page: readonly Message[]): Message[] {
  const byId = new Map(list.map((m) => [m.id, m]));
  for (const m of page) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => compareSnowflakes(a.id, b.id));
}

function guildFromCreate(d: GuildCreateData): ClientGuild {
  const members: Record<string, Member> = {};
  for (const m of d.members) if (m.user) members[m.user.id] = m;
  return {
    id: d.id,
    name: d.name,
    icon: d.icon,
    owner_id: d.owner_id,
    roles: Object.fromEntries(d.roles.map((r) => [r.id, r])),
    emojis: d.emojis,
    channelIds: d.channels.map((c) => c.id),
    members,
    member_count: d.member_count,
    voiceStates: Object.fromEntries(d.voice_states.map((v) => [v.user_id, bareVoiceState(v)])),
  };
}

/** A voice state as the guild holds it: the guild and member are known there already. */
function bareVoiceState(v: VoiceState): VoiceState {
  const { guild_id: _g, member: _m, ...rest } = v;
  return rest;
}


type Handler<K extends EventName> = (state: ClientState, d: DispatchPayloads[K]) => ClientState;
const keep = (state: ClientState): ClientState => state;

/** Writes one user's presence into copies of the two maps (offline and nothing shown are absent). */
function withPresence(presences: Record<string, PresenceStatus>, activities: Record<string, Activity[]>, p: PresenceUpdateData): void {
  if (p.status === 'offline') delete presences[p.user.id];
  else presences[p.user.id] = p.status;
  if (p.status === 'offline' || p.activities.length === 0) delete activities[p.user.id];
  else activities[p.user.id] = p.activities;
}

function withUsers(state: ClientState, list: readonly (User | undefined)[]): Record<string, User> {
  const users = { ...state.users };
  for (const u of list) if (u) users[u.id] = u;
  return users;
}

function putChannel(state: ClientState, c: Channel): ClientState {
  const channels = { ...state.channels, [c.id]: c };
  const users = c.recipients?.length ? withUsers(state, c.recipients) : state.users;
  const g = c.guild_id ? state.guilds[c.guild_id] : undefined;
  if (!g) return { ...state, channels, users };
  const channelIds = g.channelIds.includes(c.id) ? g.channelIds : [...g.channelIds, c.id];
  return { ...state, channels, users, guilds: { ...state.guilds, [g.id]: { ...g, channelIds } } };
}

function withoutChannels(state: ClientState, ids: Iterable<string>): Pick<ClientState, 'channels' | 'messages'> {
  const channels = { ...state.channels };
  const messages = { ...state.messages };
  for (const id of ids) {
    delete channels[id];
    delete messages[id];
  }
  return { channels, messages };
}

/** Applies `f` to one loaded message; channels whose history is not loaded are left as they are. */
function updateMessage(state: ClientState, channelId: string, messageId: string, f: (m: Message) => Message): ClientState {
  const list = state.messages[channelId];
  const idx = list ? list.findIndex((m) => m.id === messageId) : -1;
  if (!list || idx < 0) return state;
  const copy = list.slice();
  copy[idx] = f(list[idx]!);
  return { ...state, messages: { ...state.messages, [channelId]: copy } };
}

/** A thread as snapshots hold it: THREAD_CREATE's one-off flag left off. */
function threadOf(raw: Channel): Channel {
  const { newly_created: _n, ...t } = raw;
  return t;
}

/** The starter message of a thread (same id, in the parent) carries the thread as it is now. */
function withStarter(state: ClientState, t: Channel, f: (m: Message) => Message = (m) => ({ ...m, thread: asStarterThread(t) })): ClientState {
  return t.parent_id ? updateMessage(state, t.parent_id, t.id, f) : state;
}

/** The thread as a starter message carries it: whom it is followed by is the channel list's, not the message's. */
function asStarterThread(t: Channel): Channel {
  const { member: _m, ...rest } = t;
  return rest;
}

/** The current user's membership as a thread in a snapshot carries it (join time and flags only). */
const followed = (m: { join_timestamp: string; flags: number }) => ({ join_timestamp: m.join_timestamp, flags: m.flags });

/** Sets or clears the current user's membership of a known thread. */
function withMembership(state: ClientState, threadId: string, member: Channel['member']): ClientState {
  const t = state.channels[threadId];
  if (!t) return state;
  const { member: _m, ...rest } = t;
  return { ...state, channels: { ...state.channels, [threadId]: member ? { ...rest, member } : rest } };
}

/**
 * Snapshots hold active threads only: an archived one leaves the channel list (its loaded messages stay). Thread
 * events carry no membership: the one the client knows stays.
 */
function putThread(state: ClientState, raw: Channel): ClientState {
  const known = state.channels[raw.id]?.member;
  const t = threadOf(raw.member || !known ? raw : { ...raw, member: known });
  const next = withStarter(state, t, (m) => ({ ...m, thread: asStarterThread(t), flags: m.flags | MessageFlags.HAS_THREAD }));
  const channels = { ...next.channels };
  if (t.thread_metadata?.archived) delete channels[t.id];
  else channels[t.id] = t;
  return { ...next, channels };
}

/** A message came or went in a thread: its counts (and its starter's copy) follow. */
function countThreadMessage(state: ClientState, channelId: string, delta: 1 | -1): ClientState {
  const t = state.channels[channelId];
  if (!t?.thread_metadata) return state;
  const next: Channel = {
    ...t,
    message_count: Math.max(0, (t.message_count ?? 0) + delta),
    total_message_sent: (t.total_message_sent ?? 0) + (delta > 0 ? 1 : 0),
  };
  return withStarter({ ...state, channels: { ...state.channels, [t.id]: next } }, next);
}

const emojiKey = (e: ReactionEmojiData) => e.id ?? e.name ?? '';

/** Whether `m` counts toward this user's mention count in its channel (see countsAsMention). */
function mentionsMe(state: ClientState, m: Message): boolean {
  const me = state.user?.id;
  const channel = state.channels[m.channel_id];
  if (!me || !channel) return false;
  const roles = channel.guild_id ? (state.guilds[channel.guild_id]?.members[me]?.roles ?? []) : [];
  return countsAsMention(m, me, roles, !channel.guild_id);
}

/** Channels whose messages count toward unread and mentions: private ones, and guild text and announcement channels. */
const COUNTED_GUILD_TYPES: readonly number[] = [ChannelTypes.GUILD_TEXT, ChannelTypes.GUILD_ANNOUNCEMENT];

/**
 * Adds `delta` to the channel's mention count if `m` is unread and counts. A channel never read gets a read state
 * (position "0") on its first mention, as READY has one for it (private channels, and guild text channels).
 */
function countMention(state: ClientState, m: Message, delta: 1 | -1): ClientState {
  const rs = state.readStates[m.channel_id];
  const channel = state.channels[m.channel_id];
  const counted = Boolean(channel) && (!channel!.guild_id || COUNTED_GUILD_TYPES.includes(channel!.type));
  // A thread one follows gets a read state on its first mention too; so does one that names the user, which
  // makes them follow it (the server's READY lists followed threads never read that have mentions).
  const followsThread = Boolean(channel?.thread_metadata) && (Boolean(channel!.member) || m.mentions.some((u) => u.id === state.user?.id));
  if (!mentionsMe(state, m)) return state;
  if (!rs && !((counted || followsThread) && delta > 0)) return state;
  const last = rs?.last_message_id ?? '0';
  if (compareSnowflakes(m.id, last) <= 0) return state;
  const mention_count = Math.max(0, (rs?.mention_count ?? 0) + delta);
  return { ...state, readStates: { ...state.readStates, [m.channel_id]: { last_message_id: last, mention_count } } };
}

function withoutReadStates(readStates: Record<string, ReadState>, ids: Iterable<string>): Record<string, ReadState> {
  const out = { ...readStates };
  for (const id of ids) delete out[id];
  return out;
}

function guildMember(state: ClientState, d: Member & { guild_id: string }, added: boolean): ClientState {
  const g = state.guilds[d.guild_id];
  if (!g || !d.user) return state;
  const existed = Boolean(g.members[d.user.id]);
  const { guild_id: _g, ...member } = d;
  const guild = { ...g, members: { ...g.members, [d.user.id]: member }, member_count: g.member_count + (added && !existed ? 1 : 0) };
  return { ...state, guilds: { ...state.guilds, [g.id]: guild }, users: withUsers(state, [d.user]) };
}

/** One handler per event of the contract; an event with no effect on this state says so with `keep`. */
const handlers: { [K in EventName]: Handler<K> } = {
  READY(_state, r) {
    const users = withUsers({ ...initialClientState, users: { [r.user.id]: r.user } }, r.private_channels.flatMap((c) => c.recipients ?? []));
    const channels = Object.fromEntries(r.private_channels.map((c) => [c.id, c]));
    const readStates = Object.fromEntries((r.read_state?.entries ?? []).map((e) => [e.id, { last_message_id: e.last_message_id, mention_count: e.mention_count }]));
    const receipts: ClientState['receipts'] = {};
    for (const c of r.x_receipts ?? []) (receipts[c.channel_id] ??= {})[c.user_id] = { delivered: c.delivered_message_id, read: c.read_message_id };
    const relationships = Object.fromEntries((r.relationships ?? []).map((x) => [x.id, { type: x.type, since: x.since }]));
    const withPeople = { ...users, ...Object.fromEntries((r.relationships ?? []).map((x) => [x.user.id, x.user])) };
    return { ...initialClientState, user: r.user, sessionId: r.session_id, users: withPeople, channels, readStates, receipts, relationships };
  },
  RESUMED: keep,
  GUILD_CREATE(state, g) {
    // The guild's channel list is replaced: channels deleted while this session was away go too.
    const current = new Set(g.channels.map((c) => c.id));
    const stale = Object.values(state.channels).filter((c) => c.guild_id === g.id && !current.has(c.id)).map((c) => c.id);
    const { channels, messages } = withoutChannels(state, stale);
    for (const c of g.channels) channels[c.id] = { ...c, guild_id: g.id };
    for (const t of g.threads) channels[t.id] = { ...t, guild_id: g.id };
    const presences = { ...state.presences };
    const activities = { ...state.activities };
    for (const p of g.presences) withPresence(presences, activities, p);
    const guilds = { ...state.guilds, [g.id]: guildFromCreate(g) };
    return { ...state, guilds, channels, messages, users: withUsers(state, g.members.map((m) => m.user)), presences, activities };
  },
  GUILD_UPDATE(state, d) {
    const g = state.guilds[d.id];
    if (!g) return state;
    return { ...state, guilds: { ...state.guilds, [d.id]: { ...g, name: d.name, icon: d.icon, owner_id: d.owner_id, emojis: d.emojis } } };
  },
  GUILD_EMOJIS_UPDATE(state, d) {
    const g = state.guilds[d.guild_id];
    if (!g) return state;
    return { ...state, guilds: { ...state.guilds, [g.id]: { ...g, emojis: d.emojis } } };
  },
  GUILD_DELETE(state, d) {
    const g = state.guilds[d.id];
    if (!g) return state;
    const guilds = { ...state.guilds };
    delete guilds[d.id];
    const inGuild = Object.values(state.channels).filter((c) => c.guild_id === d.id).map((c) => c.id);
    return { ...state, guilds, ...withoutChannels(state, inGuild), readStates: withoutReadStates(state.readStates, inGuild) };
  },
  GUILD_ROLE_CREATE(state, d) {
    const g = state.guilds[d.guild_id];
    if (!g) return state;
    return { ...state, guilds: { ...state.guilds, [g.id]: { ...g, roles: { ...g.roles, [d.role.id]: d.role } } } };
  },
  GUILD_ROLE_UPDATE(state, d) {
    const g = state.guilds[d.guild_id];
    if (!g) return state;
    return { ...state, guilds: { ...state.guilds, [g.id]: { ...g, roles: { ...g.roles, [d.role.id]: d.role } } } };
  },
  GUILD_ROLE_DELETE(state, d) {
    const g = state.guilds[d.guild_id];
    if (!g) return state;
    const roles = { ...g.roles };
    delete roles[d.role_id];
    // A deleted role leaves every member that had it, as the server's member_roles rows do.
    const members = Object.fromEntries(Object.entries(g.members).map(([id, m]) => [id, m.roles.includes(d.role_id) ? { ...m, roles: m.roles.filter((r) => r !== d.role_id) } : m]));
    return { ...state, guilds: { ...state.guilds, [g.id]: { ...g, roles, members } } };
  },
  // Bans and audit entries are fetched by the settings views when opened.
  GUILD_BAN_ADD: keep,
  GUILD_BAN_REMOVE: keep,
  GUILD_AUDIT_LOG_ENTRY_CREATE: keep,
  // AutoMod rules are fetched by the settings view when opened.
  AUTO_MODERATION_RULE_CREATE: keep,
  AUTO_MODERATION_RULE_UPDATE: keep,
  AUTO_MODERATION_RULE_DELETE: keep,
  AUTO_MODERATION_ACTION_EXECUTION: keep,
  GUILD_MEMBER_ADD: (state, d) => guildMember(state, d, true),
  GUILD_MEMBER_UPDATE: (state, d) => guildMember(state, d, false),
  GUILD_MEMBER_REMOVE(state, d) {
    const g = state.guilds[d.guild_id];
    if (!g) return state;
    const members = { ...g.members };
    const existed = Boolean(members[d.user.id]);
    delete members[d.user.id];
    const guild = { ...g, members, member_count: Math.max(0, g.member_count - (existed ? 1 : 0)) };
    return { ...state, guilds: { ...state.guilds, [g.id]: guild } };
  },
  GUILD_MEMBERS_CHUNK(state, d) {
    const g = state.guilds[d.guild_id];
    if (!g) return state;
    const members = { ...g.members };
    for (const m of d.members) if (m.user) members[m.user.id] = m;
    return { ...state, guilds: { ...state.guilds, [g.id]: { ...g, members } }, users: withUsers(state, d.members.map((m) => m.user)) };
  },
  CHANNEL_CREATE: putChannel,
  CHANNEL_UPDATE: putChannel,
  CHANNEL_DELETE(state, c) {
    const g = c.guild_id ? state.guilds[c.guild_id] : undefined;
    // Its threads go with it, and its read state.
    const threads = Object.values(state.channels).filter((t) => t.thread_metadata && t.parent_id === c.id).map((t) => t.id);
    const rest = { ...withoutChannels(state, [c.id, ...threads]), readStates: withoutReadStates(state.readStates, [c.id, ...threads]) };
    if (!g) return { ...state, ...rest };
    const guild = { ...g, channelIds: g.channelIds.filter((id) => id !== c.id) };
    return { ...state, ...rest, guilds: { ...state.guilds, [g.id]: guild } };
  },
  THREAD_CREATE: putThread,
  THREAD_UPDATE: putThread,
  THREAD_DELETE(state, d) {
    const t = state.channels[d.id] ?? { id: d.id, type: d.type, parent_id: d.parent_id };
    const next = withStarter(state, t, ({ thread: _t, ...m }) => ({ ...m, flags: m.flags & ~MessageFlags.HAS_THREAD }));
    // Its read state goes with it, as a channel's does.
    return { ...next, ...withoutChannels(next, [d.id]), readStates: withoutReadStates(next.readStates, [d.id]) };
  },
  THREAD_LIST_SYNC(state, d) {
    // Private threads are not part of a sync (see the server's threads module): the session keeps its own.
    const synced = (c: Channel) =>
      c.guild_id === d.guild_id && c.thread_metadata && c.type !== ChannelTypes.PRIVATE_THREAD && (!d.channel_ids || d.channel_ids.includes(c.parent_id ?? ''));
    const channels = Object.fromEntries(Object.entries(state.channels).filter(([, c]) => !synced(c)));
    // A membership comes from the sync's members, else stays as the client knew it.
    const mine = new Map(d.members.map((m) => [m.id, followed(m)]));
    return d.threads.reduce(
      (s, t) => putThread(s, { ...t, guild_id: d.guild_id, ...(mine.get(t.id) ?? state.channels[t.id]?.member ? { member: mine.get(t.id) ?? state.channels[t.id]?.member } : {}) }),
      { ...state, channels },
    );
  },
  // The current user follows the thread (joined, was added, posted or was mentioned in it).
  THREAD_MEMBER_UPDATE: (state, d) => withMembership(state, d.id, followed(d)),
  THREAD_MEMBERS_UPDATE(state, d) {
    const t = state.channels[d.id];
    if (!t) return state;
    const left = d.removed_member_ids?.includes(state.user?.id ?? '');
    const { member: _m, ...rest } = t;
    const next = { ...(left ? rest : t), member_count: d.member_count };
    return withStarter({ ...state, channels: { ...state.channels, [t.id]: next } }, next);
  },
  CHANNEL_RECIPIENT_ADD(state, d) {
    const c = state.channels[d.channel_id];
    if (!c || d.user.id === state.user?.id) return state;
    const recipients = [...(c.recipients ?? []).filter((u) => u.id !== d.user.id), d.user];
    return { ...state, channels: { ...state.channels, [c.id]: { ...c, recipients } }, users: withUsers(state, [d.user]) };
  },
  CHANNEL_RECIPIENT_REMOVE(state, d) {
    const c = state.channels[d.channel_id];
    if (!c) return state;
    return { ...state, channels: { ...state.channels, [c.id]: { ...c, recipients: (c.recipients ?? []).filter((u) => u.id !== d.user.id) } } };
  },
  // Invites are fetched when a dialog asks for them; typing lives in the app's own expiring state.
  INVITE_CREATE: keep,
  INVITE_DELETE: keep,
  TYPING_START: keep,
  WEBHOOKS_UPDATE: keep,
  // Interactions change no snapshot: their messages arrive as MESSAGE_CREATE / MESSAGE_UPDATE.
  INTERACTION_CREATE: keep,
  INTERACTION_SUCCESS: keep,
  INTERACTION_FAILURE: keep,
  INTERACTION_MODAL_CREATE: keep,
  APPLICATION_COMMAND_AUTOCOMPLETE_RESPONSE: keep,
  APPLICATION_COMMAND_PERMISSIONS_UPDATE: keep,
  // The pinned flag itself arrives as MESSAGE_UPDATE; the pins list is fetched when the popout opens.
  CHANNEL_PINS_UPDATE: keep,
  MESSAGE_CREATE(state, m) {
    const list = state.messages[m.channel_id];
    // An ephemeral message is shown to its one reader until a reload; it is no part of the channel's history.
    if (m.flags & MessageFlags.EPHEMERAL) return list ? { ...state, messages: { ...state.messages, [m.channel_id]: upsertMessage(list, m) } } : state;
    const channel = state.channels[m.channel_id];
    const channels = channel ? { ...state.channels, [m.channel_id]: { ...channel, last_message_id: m.id } } : state.channels;
    const known = list?.some((x) => x.id === m.id);
    // A retried send's echo is the same message: it counts once (in a thread's message_count, and as a mention).
    let next: ClientState = known ? { ...state, channels } : countThreadMessage({ ...state, channels }, m.channel_id, 1);
    // Sending reads the channel up to one's own message, as on Discord; someone else's may count as a mention.
    if (m.author.id === state.user?.id) next = { ...next, readStates: { ...next.readStates, [m.channel_id]: { last_message_id: m.id, mention_count: 0 } } };
    else if (!known) next = countMention(next, m, 1);
    // Only channels whose history is loaded keep messages; others learn of them through last_message_id.
    if (!list) return next;
    return { ...next, messages: { ...next.messages, [m.channel_id]: upsertMessage(list, m) } };
  },
  MESSAGE_UPDATE(state, d) {
    // An edit can add or take away a mention (of a loaded message; others are counted afresh by the next READY).
    const before = state.messages[d.channel_id]?.find((m) => m.id === d.id);
    const next = updateMessage(state, d.channel_id, d.id, (m) => ({ ...m, ...d }));
    const after = next.messages[d.channel_id]?.find((m) => m.id === d.id);
    if (!before || !after || mentionsMe(state, before) === mentionsMe(next, after)) return next;
    return countMention(next, mentionsMe(next, after) ? after : before, mentionsMe(next, after) ? 1 : -1);
  },
  MESSAGE_DELETE(state, d) {
    const counted = countThreadMessage(state, d.channel_id, -1);
    const list = counted.messages[d.channel_id];
    if (!list) return counted;
    const gone = list.find((m) => m.id === d.id);
    const next = { ...counted, messages: { ...counted.messages, [d.channel_id]: list.filter((m) => m.id !== d.id) } };
    return gone ? countMention(next, gone, -1) : next;
  },
  MESSAGE_DELETE_BULK(state, d) {
    const list = state.messages[d.channel_id];
    if (!list) return state;
    const gone = new Set(d.ids);
    let next: ClientState = { ...state, messages: { ...state.messages, [d.channel_id]: list.filter((m) => !gone.has(m.id)) } };
    for (const m of list) if (gone.has(m.id)) next = countMention(next, m, -1);
    return next;
  },
  X_MESSAGE_RECEIPT(state, d) {
    const channel = state.receipts[d.channel_id] ?? {};
    const was = channel[d.user_id] ?? { delivered: '0', read: null };
    const later = (a: string | null, b: string) => (a !== null && compareSnowflakes(a, b) >= 0 ? a : b);
    // Reading implies delivery; cursors only move forward.
    const next =
      d.status === 'read'
        ? { delivered: later(was.delivered, d.message_id), read: later(was.read, d.message_id) }
        : { delivered: later(was.delivered, d.message_id), read: was.read };
    return { ...state, receipts: { ...state.receipts, [d.channel_id]: { ...channel, [d.user_id]: next } } };
  },
  RELATIONSHIP_ADD: (state, d) => ({
    ...state,
    relationships: { ...state.relationships, [d.id]: { type: d.type, since: d.since } },
    users: withUsers(state, [d.user]),
  }),
  RELATIONSHIP_REMOVE(state, d) {
    // A removal names the type it removes: a later ADD of another type (a block after a friendship) stays.
    if (state.relationships[d.id]?.type !== d.type) return state;
    const relationships = { ...state.relationships };
    delete relationships[d.id];
    return { ...state, relationships };
  },
  MESSAGE_ACK: (state, d) => ({
    ...state,
    readStates: { ...state.readStates, [d.channel_id]: { last_message_id: d.message_id, mention_count: d.mention_count } },
  }),
  MESSAGE_REACTION_ADD(state, d) {
    const me = d.user_id === state.user?.id;
    return updateMessage(state, d.channel_id, d.message_id, (m) => {
      const list = m.reactions ?? [];
      const idx = list.findIndex((r) => emojiKey(r.emoji) === emojiKey(d.emoji));
      if (idx < 0) {
        const emoji = { id: d.emoji.id, name: d.emoji.name };
        const added = { emoji, count: 1, count_details: { burst: 0, normal: 1 }, me, me_burst: false, burst_colors: [] };
        return { ...m, reactions: [...list, added] };
      }
      const r = list[idx]!;
      const copy = list.slice();
      copy[idx] = { ...r, count: r.count + 1, count_details: { ...r.count_details, normal: r.count_details.normal + 1 }, me: r.me || me };
      return { ...m, reactions: copy };
    });
  },
  MESSAGE_REACTION_REMOVE(state, d) {
    const me = d.user_id === state.user?.id;
    return updateMessage(state, d.channel_id, d.message_id, (m) => {
      const list = m.reactions ?? [];
      const idx = list.findIndex((r) => emojiKey(r.emoji) === emojiKey(d.emoji));
      if (idx < 0) return m;
      const r = list[idx]!;
      if (r.count <= 1) return { ...m, reactions: list.filter((_, i) => i !== idx) };
      const copy = list.slice();
      copy[idx] = { ...r, count: r.count - 1, count_details: { ...r.count_details, normal: Math.max(0, r.count_details.normal - 1) }, me: r.me && !me };
      return { ...m, reactions: copy };
    });
  },
  MESSAGE_REACTION_REMOVE_ALL: (state, d) => updateMessage(state, d.channel_id, d.message_id, (m) => ({ ...m, reactions: [] })),
  MESSAGE_REACTION_REMOVE_EMOJI: (state, d) =>
    updateMessage(state, d.channel_id, d.message_id, (m) => ({ ...m, reactions: (m.reactions ?? []).filter((r) => emojiKey(r.emoji) !== emojiKey(d.emoji)) })),
  PRESENCE_UPDATE(state, d) {
    const presences = { ...state.presences };
    const activities = { ...state.activities };
    withPresence(presences, activities, d);
    return { ...state, presences, activities };
  },
  USER_UPDATE: (state, u) => ({ ...state, user: state.user?.id === u.id ? u : state.user, users: { ...state.users, [u.id]: u } }),
  VOICE_STATE_UPDATE(state, d) {
    const g = state.guilds[d.guild_id];
    if (!g) return state;
    const voiceStates = { ...g.voiceStates };
    if (d.channel_id === null) delete voiceStates[d.user_id];
    else voiceStates[d.user_id] = bareVoiceState(d);
    const users = d.member?.user ? withUsers(state, [d.member.user]) : state.users;
    return { ...state, users, guilds: { ...state.guilds, [g.id]: { ...g, voiceStates } } };
  },
  // Connection details for the voice gateway; the voice client takes them, the state keeps nothing.
  VOICE_SERVER_UPDATE: keep,
};

export interface ReduceOptions {
  /**
   * On a READY for the same user (a re-identify), keep the guilds it still lists and their channels until
   * their GUILD_CREATE replaces them, so an open channel does not vanish for a moment. Loaded messages are not
   * kept: the gap may hide edits, deletes or more than a page, so history is fetched again.
   */
  carryOver?: boolean;
}

export function reduce(state: ClientState, ev: DispatchEvent | { t: string; d: unknown }, opts: ReduceOptions = {}): ClientState {
  // A newer server may send events this client does not know: they change nothing.
  const handler = (handlers as Record<string, Handler<any> | undefined>)[ev.t];
  if (!handler) return state;
  const next = handler(state, ev.d);
  if (ev.t === 'READY' && opts.carryOver) return carryOver(state, next, ev.d as ReadyData);
  return next;
}

function carryOver(prev: ClientState, next: ClientState, ready: ReadyData): ClientState {
  if (prev.user?.id !== ready.user.id) return next;
  const listed = new Set(ready.guilds.map((g) => g.id));
  const guilds = Object.fromEntries(Object.entries(prev.guilds).filter(([id]) => listed.has(id)));
  const kept = Object.entries(prev.channels).filter(([, c]) => c.guild_id && listed.has(c.guild_id));
  return { ...next, guilds, channels: { ...Object.fromEntries(kept), ...next.channels }, users: { ...prev.users, ...next.users } };
}
