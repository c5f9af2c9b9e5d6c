/**
 * The pure client-side state reducer: READY + GUILD_CREATE snapshot, then every dispatch applied in order.
 * Shared by the web client and tests; "snapshot + events = fresh snapshot" is checked against it.
 */
import type { Channel, GuildCreateData, Member, Message, ReadyData, Role, User } from './schemas.js';
import { compareSnowflakes } from './snowflake.js';

export interface GuildState {
  id: string;
  name: string;
  icon: string | null;
  owner_id: string;
  roles: Record<string, Role>;
  channelIds: string[];
  members: Record<string, Member>;
  member_count: number;
}

export interface ClientState {
  user: User | null;
  sessionId: string | null;
  guilds: Record<string, GuildState>;
  channels: Record<string, Channel>;
  /** Loaded messages per channel, oldest first, unique by id. */
  messages: Record<string, Message[]>;
  users: Record<string, User>;
  /** Visible status per user id; absent means offline. */
  presences: Record<string, PresenceStatus>;
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
};

export interface DispatchEvent {
  t: string;
  d: any;
}

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

function guildFromCreate(d: GuildCreateData): GuildState {
  const members: Record<string, Member> = {};
  for (const m of d.members) if (m.user) members[m.user.id] = m;
  return {
    id: d.id,
    name: d.name,
    icon: d.icon,
    owner_id: d.owner_id,
    roles: Object.fromEntries(d.roles.map((r) => [r.id, r])),
    channelIds: d.channels.map((c) => c.id),
    members,
    member_count: d.member_count,
  };
}

export function reduce(state: ClientState, ev: DispatchEvent): ClientState {
  const d = ev.d;
  switch (ev.t) {
    case 'READY': {
      const r = d as ReadyData;
      return { ...initialClientState, user: r.user, sessionId: r.session_id, users: { [r.user.id]: r.user } };
    }
    case 'GUILD_CREATE': {
      const g = d as GuildCreateData;
      const channels = { ...state.channels };
      for (const c of g.channels) channels[c.id] = { ...c, guild_id: g.id };
      const users = { ...state.users };
      for (const m of g.members) if (m.user) users[m.user.id] = m.user;
      const presences = { ...state.presences };
      for (const p of g.presences as { user: { id: string }; status: PresenceStatus }[]) presences[p.user.id] = p.status;
      return { ...state, guilds: { ...state.guilds, [g.id]: guildFromCreate(g) }, channels, users, presences };
    }
    case 'GUILD_UPDATE': {
      const g = state.guilds[d.id];
      if (!g) return state;
      return { ...state, guilds: { ...state.guilds, [d.id]: { ...g, name: d.name, icon: d.icon, owner_id: d.owner_id } } };
    }
    case 'GUILD_DELETE': {
      const g = state.guilds[d.id];
      if (!g) return state;
      const guilds = { ...state.guilds };
      delete guilds[d.id];
      const channels = { ...state.channels };
      const messages = { ...state.messages };
      for (const id of g.channelIds) {
        delete channels[id];
        delete messages[id];
      }
      return { ...state, guilds, channels, messages };
    }
    case 'CHANNEL_CREATE':
    case 'CHANNEL_UPDATE': {
      const c = d as Channel;
      const channels = { ...state.channels, [c.id]: c };
      const g = c.guild_id ? state.guilds[c.guild_id] : undefined;
      if (!g) return { ...state, channels };
      const channelIds = g.channelIds.includes(c.id) ? g.channelIds : [...g.channelIds, c.id];
      return { ...state, channels, guilds: { ...state.guilds, [g.id]: { ...g, channelIds } } };
    }
    case 'CHANNEL_DELETE': {
      const c = d as Channel;
      const channels = { ...state.channels };
      delete channels[c.id];
      const messages = { ...state.messages };
      delete messages[c.id];
      const g = c.guild_id ? state.guilds[c.guild_id] : undefined;
      if (!g) return { ...state, channels, messages };
      const guild = { ...g, channelIds: g.channelIds.filter((id) => id !== c.id) };
      return { ...state, channels, messages, guilds: { ...state.guilds, [g.id]: guild } };
    }
    case 'GUILD_ROLE_CREATE':
    case 'GUILD_ROLE_UPDATE': {
      const g = state.guilds[d.guild_id];
      if (!g) return state;
      const role = d.role as Role;
      return { ...state, guilds: { ...state.guilds, [g.id]: { ...g, roles: { ...g.roles, [role.id]: role } } } };
    }
    case 'GUILD_ROLE_DELETE': {
      const g = state.guilds[d.guild_id];
      if (!g) return state;
      const roles = { ...g.roles };
      delete roles[d.role_id];
      return { ...state, guilds: { ...state.guilds, [g.id]: { ...g, roles } } };
    }
    case 'GUILD_MEMBER_ADD':
    case 'GUILD_MEMBER_UPDATE': {
      const g = state.guilds[d.guild_id];
      if (!g || !d.user) return state;
      const existed = Boolean(g.members[d.user.id]);
      const { guild_id: _g, ...member } = d;
      const guild = {
        ...g,
        members: { ...g.members, [d.user.id]: member as Member },
        member_count: g.member_count + (ev.t === 'GUILD_MEMBER_ADD' && !existed ? 1 : 0),
      };
      return { ...state, guilds: { ...state.guilds, [g.id]: guild }, users: { ...state.users, [d.user.id]: d.user } };
    }
    case 'GUILD_MEMBER_REMOVE': {
      const g = state.guilds[d.guild_id];
      if (!g) return state;
      const members = { ...g.members };
      const existed = Boolean(members[d.user.id]);
      delete members[d.user.id];
      const guild = { ...g, members, member_count: Math.max(0, g.member_count - (existed ? 1 : 0)) };
      return { ...state, guilds: { ...state.guilds, [g.id]: guild } };
    }
    case 'MESSAGE_CREATE': {
      const m = d as Message;
      const list = state.messages[m.channel_id];
      const channel = state.channels[m.channel_id];
      const channels = channel ? { ...state.channels, [m.channel_id]: { ...channel, last_message_id: m.id } } : state.channels;
      // Only channels whose history is loaded keep messages; others learn of them through last_message_id.
      if (!list) return { ...state, channels };
      return { ...state, channels, messages: { ...state.messages, [m.channel_id]: upsertMessage(list, m) } };
    }
    case 'MESSAGE_UPDATE': {
      const list = state.messages[d.channel_id];
      if (!list) return state;
      const idx = list.findIndex((m) => m.id === d.id);
      if (idx < 0) return state;
      const copy = list.slice();
      copy[idx] = { ...list[idx]!, ...d };
      return { ...state, messages: { ...state.messages, [d.channel_id]: copy } };
    }
    case 'MESSAGE_DELETE': {
      const list = state.messages[d.channel_id];
      if (!list) return state;
      return { ...state, messages: { ...state.messages, [d.channel_id]: list.filter((m) => m.id !== d.id) } };
    }
    case 'PRESENCE_UPDATE': {
      const presences = { ...state.presences };
      if (d.status === 'offline') delete presences[d.user.id];
      else presences[d.user.id] = d.status;
      return { ...state, presences };
    }
    case 'USER_UPDATE': {
      const u = d as User;
      return { ...state, user: state.user?.id === u.id ? u : state.user, users: { ...state.users, [u.id]: u } };
    }
    default:
      return state;
  }
}
