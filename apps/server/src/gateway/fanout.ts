/**
 * Routes bus events to this process's sessions. User topics are subscribed here (one subscription per user with
 * local sessions, ref-counted); guild events arrive from the guild replica, which owns the one `g:` subscription
 * per guild and hands each event on after applying it. Per event: pick sessions, filter by shard, intents and
 * VIEW_CHANNEL, and encode the payload once per variant (full, or content-redacted for bots without
 * MESSAGE_CONTENT); each session only appends its own sequence number.
 */
import { EventInfo, GatewayIntents, MessageFlags, Permissions, hasPermission, intentFor, type DispatchPayloads } from '@concord/protocol';
import type { BusMessage, DispatchMessage, Route } from '../bus/bus.js';
import { shardKeyOf, userTopic } from '../bus/topics.js';
import { contentView, redactFor, redacted, type ContentPayload } from '../modules/messages/content.js';
import type { Deps } from '../modules/deps.js';
import type { GuildState } from '../modules/guilds/cache.js';
import type { Session } from './session.js';
import { deliveryBuffer } from '../modules/receipts/service.js';
import { log } from '../lib/log.js';

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

export interface FanoutHooks {
  /** The user joined a guild: add it to their local sessions and send GUILD_CREATE. */
  onGuildJoin(session: Session, guildId: string): Promise<void>;
  /** The session lost a guild (left, removed, deleted). */
  onGuildLeave(session: Session, guildId: string): void;
  /** The token the session identified with was revoked (logout). */
  onTokenRevoked(session: Session): void;
}

/** Told once per event: how many sessions here got it and how long the fan-out took (metrics). */
export type FanoutObserver = (t: string, delivered: number, seconds: number) => void;

export class Fanout {
  observe: FanoutObserver | undefined;
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

  /** A user's topic: control messages, the user's own changes and their private channels' events (private-scope intents). */
  private onUserEvent(userId: string, message: BusMessage): void {
    const group = this.byUser.get(userId);
    if (!group) return;
    if (message.kind === 'control') {
      const c = message.control;
      if (c.type === 'GUILD_JOIN') {
        for (const s of group.sessions) {
          if (!s.guilds.has(c.guild_id)) this.hooks.onGuildJoin(s, c.guild_id).catch((err) => log.error('guild join dispatch failed', { err }));
        }
      } else if (c.type === 'LAST_SEEN_SETTING') {
        for (const s of group.sessions) s.user.show_last_seen = c.show_last_seen;
      } else {
        for (const s of [...group.sessions]) if (s.tokenHash === c.token_hash) this.hooks.onTokenRevoked(s);
      }
      return;
    }
    // A guild channel's message aimed at one user (an ephemeral interaction answer) is gated as a guild message.
    const inGuild = message.t.startsWith('MESSAGE_') && Boolean((message.d as { guild_id?: string }).guild_id);
    const intent = intentFor(message.t, inGuild ? 'guild' : 'private');
    const started = performance.now();
    let prefix: Buffer | undefined;
    let delivered = 0;
    let connected = false;
    for (const s of group.sessions) {
      if (intent !== undefined && !(s.intents & intent)) continue;
      s.dispatch((prefix ??= framePrefix(message.t, message.d)));
      delivered++;
      connected ||= s.socket !== null;
    }
    // A private channel's message reached a connected session of this recipient: a delivery receipt.
    if (connected && message.t === 'MESSAGE_CREATE' && !message.d.guild_id && message.d.author.id !== userId && !(message.d.flags & MessageFlags.EPHEMERAL)) {
      deliveryBuffer(this.deps).note({ userId, channelId: message.d.channel_id, messageId: message.d.id });
    }
    this.observe?.(message.t, delivered, (performance.now() - started) / 1000);
  }

  /** One of the guild's events, handed on by the replica once applied (GUILD_DELETE before it drops the guild). */
  onGuildEvent(guildId: string, message: BusMessage): void {
    const group = this.byGuild.get(guildId);
    if (!group || message.kind !== 'dispatch') return;
    if (message.t === 'GUILD_DELETE' || message.t === 'GUILD_MEMBER_REMOVE') return this.onGuildLoss(guildId, group, message);
    const { t, d, route } = message;
    const state = this.deps.cache.peek(guildId);
    const intent = intentFor(t, 'guild');
    const contentScoped = 'content' in EventInfo[t];
    const required = route.permission ? BigInt(route.permission) : 0n;
    // Computed once per event: sharded sessions (bots) compare it with plain number arithmetic.
    const shardKey = shardKeyOf(guildId);
    const started = performance.now();
    let delivered = 0;
    let full: Buffer | undefined;
    let hidden: Buffer | undefined;
    let appeared: Buffer | undefined;
    let vanished: Buffer | undefined;
    // Last seen (an extension) reaches people who show their own; bots and those who hide it get the update without it.
    const lastSeen = t === 'PRESENCE_UPDATE' && (d as DispatchPayloads['PRESENCE_UPDATE']).last_seen !== undefined;

    for (const s of group) {
      if (s.shard[1] > 1 && shardKey % s.shard[1] !== s.shard[0]) continue;
      if (route.user_ids && !route.user_ids.includes(s.user.id)) continue;
      if (route.exclude_user_ids?.includes(s.user.id)) continue;
      // A session's own member is always kept current, whatever its intents (as on Discord).
      const own = t === 'GUILD_MEMBER_UPDATE' && (d as DispatchPayloads['GUILD_MEMBER_UPDATE']).user?.id === s.user.id;
      if (intent !== undefined && !own && !(s.intents & intent)) continue;
      if (route.guild_permission && !this.hasGuildPermission(state, s, BigInt(route.guild_permission))) continue;
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
      if (lastSeen && (s.user.bot || s.user.show_last_seen === false)) {
        const { last_seen: _, ...rest } = d as DispatchPayloads['PRESENCE_UPDATE'];
        s.dispatch((hidden ??= framePrefix(t, rest)));
        delivered++;
        continue;
      }
      const view = contentScoped && !s.seesContent ? contentView(d as ContentPayload, s.user.id) : 'full';
      if (view === 'none') s.dispatch((hidden ??= framePrefix(t, redacted(d as ContentPayload))));
      else if (view === 'mixed') s.dispatch(framePrefix(t, redactFor(s.user.id, d as ContentPayload)));
      else s.dispatch((full ??= framePrefix(t, d)));
      delivered++;
    }
    this.observe?.(t, delivered, (performance.now() - started) / 1000);
  }

  /** The guild is gone, or a member left: that member's sessions (or all) get GUILD_DELETE and drop it. */
  private onGuildLoss(guildId: string, group: Set<Session>, ev: Extract<DispatchMessage, { t: 'GUILD_DELETE' | 'GUILD_MEMBER_REMOVE' }>): void {
    const leaver = ev.t === 'GUILD_MEMBER_REMOVE' ? ev.d.user.id : undefined;
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

  private hasGuildPermission(state: GuildState | undefined, s: Session, required: bigint): boolean {
    const member = state?.members.get(s.user.id);
    return Boolean(state && member && hasPermission(this.deps.cache.basePermissions(state, s.user.id, member), required));
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
