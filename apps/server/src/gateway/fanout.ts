/**
 * Routes bus events to this process's sessions. User topics are subscribed here (one subscription per user with
 * local sessions, ref-counted); guild events arrive from the guild replica, which owns the one `g:` subscription
 * per guild and hands each event on after applying it. Per event: pick sessions, filter by shard, intents and
 * VIEW_CHANNEL, and encode the payload once per variant (full, or content-redacted for bots without
 * MESSAGE_CONTENT); each session only appends its own sequence number.
 */
import { GatewayIntents, Permissions, hasPermission, intentForEvent } from '@concord/protocol';
import { userTopic, type BusEvent } from '../bus/bus.js';
import type { Deps } from '../modules/deps.js';
import type { GuildState } from '../modules/guilds/cache.js';
import type { Session } from './session.js';

interface UserGroup {
  sessions: Set<Session>;
  /** Resolves to the unsubscribe function once the bus delivers this topic here. */
  subscribed: Promise<() => void>;
}

/**
 * Encoded once per dispatch and shared by every session that receives it. Allocated outside Node's 8 KiB
 * buffer pool: sessions keep prefixes for resume, and a kept slice of a pool slab would pin the whole slab.
 */
export function framePrefix(t: string, d: unknown): Buffer {
  const text = `{"op":0,"t":"${t}","d":${JSON.stringify(d)},"s":`;
  const out = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  out.write(text);
  return out;
}

const CONTENT_EVENTS = new Set(['MESSAGE_CREATE', 'MESSAGE_UPDATE']);

function redacted(d: any): any {
  return { ...d, content: '', embeds: [], attachments: [], components: [] };
}

export interface FanoutHooks {
  /** The user joined a guild: add it to their local sessions and send GUILD_CREATE. */
  onGuildJoin(session: Session, guildId: string): Promise<void>;
  /** The session lost a guild (left, removed, deleted). */
  onGuildLeave(session: Session, guildId: string): void;
  /** The token the session identified with was revoked (logout). */
  onTokenRevoked(session: Session): void;
}

export class Fanout {
  private readonly byGuild = new Map<string, Set<Session>>();
  private readonly byUser = new Map<string, UserGroup>();

  constructor(
    private readonly deps: Deps,
    private readonly hooks: FanoutHooks,
  ) {}

  async addUserSession(session: Session): Promise<void> {
    const userId = session.user.id;
    let group = this.byUser.get(userId);
    if (!group) {
      const g: UserGroup = { sessions: new Set(), subscribed: this.deps.bus.subscribe(userTopic(userId), (ev) => this.onUserEvent(userId, ev)) };
      this.byUser.set(userId, g);
      group = g;
    }
    group.sessions.add(session);
    await group.subscribed;
  }

  removeUserSession(session: Session): void {
    const group = this.byUser.get(session.user.id);
    if (!group) return;
    group.sessions.delete(session);
    if (group.sessions.size === 0) {
      this.byUser.delete(session.user.id);
      void group.subscribed.then((unsubscribe) => unsubscribe(), () => undefined);
    }
  }

  /** The session hears the guild's events from now on (the replica must hold the guild: it delivers them). */
  addGuildSession(guildId: string, session: Session): void {
    let group = this.byGuild.get(guildId);
    if (!group) this.byGuild.set(guildId, (group = new Set()));
    group.add(session);
  }

  removeGuildSession(guildId: string, session: Session): void {
    const group = this.byGuild.get(guildId);
    if (!group) return;
    group.delete(session);
    if (group.size === 0) this.byGuild.delete(guildId);
  }

  private onUserEvent(userId: string, ev: BusEvent): void {
    const group = this.byUser.get(userId);
    if (!group) return;
    if (ev.t === '@GUILD_JOIN') {
      for (const s of group.sessions) {
        if (!s.guilds.has(ev.d.guild_id)) {
          this.hooks.onGuildJoin(s, ev.d.guild_id).catch((err) => console.error('guild join dispatch failed:', err));
        }
      }
      return;
    }
    if (ev.t === '@TOKEN_REVOKED') {
      for (const s of [...group.sessions]) if (s.tokenHash === ev.d.token_hash) this.hooks.onTokenRevoked(s);
      return;
    }
    let prefix: Buffer | undefined;
    for (const s of group.sessions) s.dispatch((prefix ??= framePrefix(ev.t, ev.d)));
  }

  /** One of the guild's events, handed on by the replica once applied (GUILD_DELETE before it drops the guild). */
  onGuildEvent(guildId: string, ev: BusEvent): void {
    const group = this.byGuild.get(guildId);
    if (!group) return;
    if (ev.t === 'GUILD_DELETE' || ev.t === 'GUILD_MEMBER_REMOVE') return this.onGuildLoss(guildId, group, ev);
    const state = this.deps.cache.peek(guildId);
    const intent = intentForEvent(ev.t, 'guild');
    const contentScoped = CONTENT_EVENTS.has(ev.t);
    const shardKey = Number(BigInt(guildId) >> 22n);
    const required = ev.permission ? BigInt(ev.permission) : 0n;
    let full: Buffer | undefined;
    let hidden: Buffer | undefined;
    let appeared: Buffer | undefined;
    let vanished: Buffer | undefined;

    for (const s of group) {
      if (s.shard[1] > 1 && shardKey % s.shard[1] !== s.shard[0]) continue;
      if (ev.user_ids && !ev.user_ids.includes(s.user.id)) continue;
      if (ev.exclude_user_ids?.includes(s.user.id)) continue;
      const own = ev.t === 'GUILD_MEMBER_UPDATE' && ev.d.user?.id === s.user.id;
      if (intent !== undefined && !own && !(s.intents & intent)) continue;
      if (ev.channel_id) {
        const sees = this.canView(state, ev.channel_id, s, required);
        if (ev.previous) {
          // A permission change: what this session is told depends on whether it saw the channel before.
          const saw = this.couldView(state, ev.channel_id, ev.previous, s);
          if (sees && !saw) s.dispatch((appeared ??= framePrefix('CHANNEL_CREATE', ev.d)));
          else if (!sees && saw) s.dispatch((vanished ??= framePrefix('CHANNEL_DELETE', ev.d)));
          if (sees !== saw) continue;
        }
        if (!sees) continue;
      }
      if (contentScoped && !s.seesContent && !this.mentions(ev.d, s.user.id)) {
        s.dispatch((hidden ??= framePrefix(ev.t, redacted(ev.d))));
      } else {
        s.dispatch((full ??= framePrefix(ev.t, ev.d)));
      }
    }
  }

  /** The guild is gone, or a member left: that member's sessions (or all) get GUILD_DELETE and drop it. */
  private onGuildLoss(guildId: string, group: Set<Session>, ev: BusEvent): void {
    const leaver: string | undefined = ev.t === 'GUILD_MEMBER_REMOVE' ? ev.d.user?.id : undefined;
    let removed: Buffer | undefined;
    let full: Buffer | undefined;
    for (const s of [...group]) {
      if (leaver !== undefined && s.user.id !== leaver) {
        if (s.intents & GatewayIntents.GuildMembers) s.dispatch((full ??= framePrefix(ev.t, ev.d)));
        continue;
      }
      this.hooks.onGuildLeave(s, guildId);
      if (s.intents & GatewayIntents.Guilds) s.dispatch((removed ??= framePrefix('GUILD_DELETE', { id: guildId })));
    }
  }

  private canView(state: GuildState | undefined, channelId: string, s: Session, required = 0n): boolean {
    if (!state) return false;
    const member = state.members.get(s.user.id);
    if (!member) return false;
    return hasPermission(this.deps.cache.channelPermissions(state, channelId, s.user.id, member), Permissions.VIEW_CHANNEL | required);
  }

  private couldView(state: GuildState | undefined, channelId: string, previous: NonNullable<BusEvent['previous']>, s: Session): boolean {
    const member = state?.members.get(s.user.id);
    // A channel no longer here was deleted after this change: its CHANNEL_DELETE has been sent already.
    if (!state || !member || !state.channels.has(channelId)) return false;
    return hasPermission(this.deps.cache.permissionsWith(state, previous.permission_overwrites ?? [], s.user.id, member), Permissions.VIEW_CHANNEL);
  }

  private mentions(d: any, userId: string): boolean {
    return d.author?.id === userId || (Array.isArray(d.mentions) && d.mentions.some((u: { id: string }) => u.id === userId));
  }
}
