/**
 * Routes bus events to this process's sessions. One subscription per guild and per user that has local
 * sessions (ref-counted). Per event: pick sessions, filter by shard, intents and VIEW_CHANNEL, and encode
 * the payload once per variant (full, or content-redacted for bots without MESSAGE_CONTENT); each session
 * only appends its own sequence number.
 */
import { EventInfo, GatewayIntents, Permissions, hasPermission, intentFor, type DispatchPayloads } from '@concord/protocol';
import type { BusMessage, DispatchMessage, Route } from '../bus/bus.js';
import { guildTopic, shardOf, userTopic } from '../bus/topics.js';
import { addressedTo, redacted, type ContentPayload } from '../modules/messages/content.js';
import type { Deps } from '../modules/deps.js';
import type { GuildState } from '../modules/guilds/cache.js';
import type { Session } from './session.js';

interface Group {
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

export interface FanoutHooks {
  /** The user joined a guild: add it to their local sessions and send GUILD_CREATE. */
  onGuildJoin(session: Session, guildId: string): Promise<void>;
  /** The session lost a guild (left, removed, deleted). */
  onGuildLeave(session: Session, guildId: string): void;
  /** The token the session identified with was revoked (logout). */
  onTokenRevoked(session: Session): void;
}

export class Fanout {
  private readonly byGuild = new Map<string, Group>();
  private readonly byUser = new Map<string, Group>();

  constructor(
    private readonly deps: Deps,
    private readonly hooks: FanoutHooks,
  ) {}

  async addUserSession(session: Session): Promise<void> {
    await this.join(this.byUser, userTopic(session.user.id), session.user.id, session, (ev) => this.onUserEvent(session.user.id, ev));
  }

  removeUserSession(session: Session): void {
    this.leave(this.byUser, session.user.id, session);
  }

  async addGuildSession(guildId: string, session: Session): Promise<void> {
    await this.join(this.byGuild, guildTopic(guildId), guildId, session, (ev) => this.onGuildEvent(guildId, ev));
  }

  removeGuildSession(guildId: string, session: Session): void {
    this.leave(this.byGuild, guildId, session);
  }

  sessionsInGuild(guildId: string): number {
    return this.byGuild.get(guildId)?.sessions.size ?? 0;
  }

  private async join(index: Map<string, Group>, topic: string, key: string, session: Session, handler: (message: BusMessage) => void) {
    let group = index.get(key);
    if (!group) {
      const g: Group = { sessions: new Set(), subscribed: this.deps.bus.subscribe(topic, handler) };
      index.set(key, g);
      group = g;
    }
    group.sessions.add(session);
    await group.subscribed;
  }

  private leave(index: Map<string, Group>, key: string, session: Session) {
    const group = index.get(key);
    if (!group) return;
    group.sessions.delete(session);
    if (group.sessions.size === 0) {
      index.delete(key);
      void group.subscribed.then((unsubscribe) => unsubscribe(), () => undefined);
    }
  }

  /** A user's topic: control messages, the user's own changes and their private channels' events (private-scope intents). */
  private onUserEvent(userId: string, message: BusMessage): void {
    const group = this.byUser.get(userId);
    if (!group) return;
    if (message.kind === 'control') {
      const c = message.control;
      if (c.type === 'GUILD_JOIN') {
        for (const s of group.sessions) {
          if (!s.guilds.has(c.guild_id)) this.hooks.onGuildJoin(s, c.guild_id).catch((err) => console.error('guild join dispatch failed:', err));
        }
      } else {
        for (const s of [...group.sessions]) if (s.tokenHash === c.token_hash) this.hooks.onTokenRevoked(s);
      }
      return;
    }
    const intent = intentFor(message.t, 'private');
    let prefix: Buffer | undefined;
    for (const s of group.sessions) {
      if (intent !== undefined && !(s.intents & intent)) continue;
      s.dispatch((prefix ??= framePrefix(message.t, message.d)));
    }
  }

  private onGuildEvent(guildId: string, message: BusMessage): void {
    const group = this.byGuild.get(guildId);
    if (!group || message.kind !== 'dispatch') return;
    if (message.t === 'GUILD_DELETE' || message.t === 'GUILD_MEMBER_REMOVE') return this.onGuildLoss(guildId, group, message);
    const { t, d, route } = message;
    const state = this.deps.cache.peek(guildId);
    const intent = intentFor(t, 'guild');
    const contentScoped = 'content' in EventInfo[t];
    const required = route.permission ? BigInt(route.permission) : 0n;
    let full: Buffer | undefined;
    let hidden: Buffer | undefined;
    let appeared: Buffer | undefined;
    let vanished: Buffer | undefined;

    for (const s of group.sessions) {
      if (s.shard[1] > 1 && shardOf(guildId, s.shard[1]) !== s.shard[0]) continue;
      if (route.user_ids && !route.user_ids.includes(s.user.id)) continue;
      if (route.exclude_user_ids?.includes(s.user.id)) continue;
      if (intent !== undefined && !(s.intents & intent)) continue;
      if (route.channel_id) {
        const sees = this.canView(state, route, s, required);
        if (route.previous) {
          // A permission change: what this session is told depends on whether it saw the channel before.
          const saw = this.couldView(state, route.channel_id, route.previous, s);
          const channel = d as DispatchPayloads['CHANNEL_UPDATE'];
          if (sees && !saw) s.dispatch((appeared ??= framePrefix('CHANNEL_CREATE', channel)));
          else if (!sees && saw) s.dispatch((vanished ??= framePrefix('CHANNEL_DELETE', channel)));
          if (sees !== saw) continue;
        }
        if (!sees) continue;
      }
      if (contentScoped && !s.seesContent && !addressedTo(d as ContentPayload, s.user.id)) {
        s.dispatch((hidden ??= framePrefix(t, redacted(d as ContentPayload))));
      } else {
        s.dispatch((full ??= framePrefix(t, d)));
      }
    }
  }

  /** The guild is gone, or a member left: that member's sessions (or all) get GUILD_DELETE and drop it. */
  private onGuildLoss(guildId: string, group: Group, ev: Extract<DispatchMessage, { t: 'GUILD_DELETE' | 'GUILD_MEMBER_REMOVE' }>): void {
    const leaver = ev.t === 'GUILD_MEMBER_REMOVE' ? ev.d.user.id : undefined;
    let removed: Buffer | undefined;
    let full: Buffer | undefined;
    for (const s of [...group.sessions]) {
      if (leaver !== undefined && s.user.id !== leaver) {
        if (s.intents & GatewayIntents.GuildMembers) s.dispatch((full ??= framePrefix(ev.t, ev.d)));
        continue;
      }
      this.hooks.onGuildLeave(s, guildId);
      if (s.intents & GatewayIntents.Guilds) s.dispatch((removed ??= framePrefix('GUILD_DELETE', { id: guildId })));
    }
  }

  /** VIEW_CHANNEL plus the route's permission, which a private thread's members do not need. */
  private canView(state: GuildState | undefined, route: Route, s: Session, required: bigint): boolean {
    const member = state?.members.get(s.user.id);
    if (!state || !member || !route.channel_id) return false;
    const perms = this.deps.cache.channelPermissions(state, route.channel_id, s.user.id, member);
    const need = route.or_user_ids?.includes(s.user.id) ? 0n : required;
    return hasPermission(perms, Permissions.VIEW_CHANNEL | need);
  }

  private couldView(state: GuildState | undefined, channelId: string, previous: NonNullable<Route['previous']>, s: Session): boolean {
    const member = state?.members.get(s.user.id);
    // A channel no longer here was deleted after this change: its CHANNEL_DELETE has been sent already.
    if (!state || !member || !state.channels.has(channelId)) return false;
    return hasPermission(this.deps.cache.permissionsWith(state, previous.permission_overwrites, s.user.id, member), Permissions.VIEW_CHANNEL);
  }
}
