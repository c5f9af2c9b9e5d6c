/**
 * This process's gateway sessions: the registry, the account record a user's sessions share, the guilds each
 * session follows (pinned in the replica, grouped in the fan-out), the link between a session and its socket,
 * how sessions end (a close code that ends them, heartbeat timeouts (4009) and the resume window), and when a
 * session counts in its user's presence (from READY until its socket has been gone for the grace period).
 */
import { shardOf } from '../bus/topics.js';
import { randomBytes } from 'node:crypto';
import { closeCodeInfo, GatewayCloseCodes as Close, GatewayIntents } from '@concord/protocol';
import type { Deps } from '../modules/deps.js';
import { sessionGone, sessionPresent } from '../modules/presence/service.js';
import { leftGuild, sessionEnded } from '../modules/voice/service.js';
import type { UserRecord } from '../modules/users/store.js';
import type { Connection } from './connection.js';
import { Fanout, framePrefix } from './fanout.js';
import { Session } from './session.js';
import { buildGuildCreate } from './snapshot.js';
import { log } from '../lib/log.js';

export interface SessionOptions {
  intents: number;
  shard: [number, number];
  largeThreshold: number;
  /** False for bots without the MESSAGE_CONTENT intent. */
  seesContent: boolean;
  tokenHash: string;
}

export class Sessions {
  readonly byId = new Map<string, Session>();
  /** One account record per user with sessions here, shared by all of them (people connect from several devices). */
  private readonly accounts = new Map<string, { user: UserRecord; sessions: number }>();
  readonly fanout: Fanout;

  constructor(private readonly deps: Deps) {
    this.fanout = new Fanout(deps, {
      onGuildJoin: async (s, guildId) => void (await this.addGuild(s, guildId, true)),
      onGuildLeave: (s, guildId) => {
        this.removeGuild(s, guildId);
        leftGuild(this.deps, s.user.id, guildId).catch((err) => log.error('voice state cleanup failed', { err }));
      },
      onTokenRevoked: (s) => {
        s.socket?.close(Close.AuthenticationFailed, 'Authentication failed.');
        this.destroy(s);
      },
    });
  }

  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  /** A new session for `user`, registered and attached to `conn`. */
  open(conn: Connection, user: UserRecord, o: SessionOptions): Session {
    const id = randomBytes(16).toString('hex');
    const session = new Session(id, this.account(user), o.intents, o.shard, o.largeThreshold, o.seesContent, this.deps.config.replayBufferSize);
    session.tokenHash = o.tokenHash;
    this.byId.set(id, session);
    this.link(session, conn);
    return session;
  }

  /** Moves a resumed session onto `conn`; the socket it had (a resume from elsewhere) is closed. */
  attach(session: Session, conn: Connection, tokenHash: string): void {
    const old = session.socket;
    this.link(session, conn);
    session.tokenHash = tokenHash;
    session.detachedAt = 0;
    if (old && old !== conn) old.close(Close.UnknownError, 'Session resumed elsewhere.');
  }

  private link(session: Session, conn: Connection): void {
    session.socket = conn;
    conn.session = session;
  }

  /** Socket gone: the session ends when the close code says so (or READY never went out); else it awaits a resume. */
  detach(conn: Connection, code: number): void {
    const session = conn.session;
    conn.session = null;
    // A session that moved to another socket is that socket's now.
    if (!session || session.socket !== conn) return;
    session.socket = null;
    if (closeCodeInfo(code)?.endsSession || session.pending) this.destroy(session);
    else session.detachedAt = Date.now();
  }

  /**
   * Adds a guild to a session: pins the guild's replica, tracks the member, joins the fan-out group, and builds its
   * GUILD_CREATE (dispatched at once for a join, or returned for READY to send in order).
   */
  async addGuild(session: Session, guildId: string, dispatchNow: boolean): Promise<Buffer | undefined> {
    if (session.guilds.has(guildId)) return undefined;
    // Another shard's guild is not this session's at all: not in READY, no GUILD_CREATE, none of its events.
    if (session.shard[1] > 1 && shardOf(guildId, session.shard[1]) !== session.shard[0]) return undefined;
    session.guilds.add(guildId);
    // The replica delivers the guild's events to the fan-out once loaded; anything published before the session
    // joins the group is already in the replica that GUILD_CREATE is built from.
    const state = await this.deps.cache.get(guildId);
    const self = state && (await this.deps.cache.member(state, session.user.id));
    if (!state || !self) {
      session.guilds.delete(guildId);
      return undefined;
    }
    this.deps.cache.pin(state, session.user.id);
    this.fanout.addGuildSession(guildId, session);
    const prefix = framePrefix('GUILD_CREATE', await buildGuildCreate(this.deps, state, session, self));
    if (!dispatchNow) return prefix;
    if (session.intents & GatewayIntents.Guilds) session.dispatch(prefix);
    return undefined;
  }

  removeGuild(session: Session, guildId: string): void {
    if (!session.guilds.delete(guildId)) return;
    this.fanout.removeGuildSession(guildId, session);
    this.deps.cache.unpin(guildId, session.user.id);
  }

  destroy(session: Session): void {
    if (!this.byId.delete(session.id)) return;
    const entry = this.accounts.get(session.user.id);
    if (entry && --entry.sessions === 0) this.accounts.delete(session.user.id);
    for (const guildId of [...session.guilds]) this.removeGuild(session, guildId);
    this.fanout.removeUserSession(session);
    this.absent(session);
    sessionEnded(this.deps, session.user.id, session.id).catch((err) => log.error('voice state cleanup failed', { err }));
  }

  /** The session counts in its user's presence, with what it set (READY, a resume, op 3). */
  async present(session: Session): Promise<void> {
    session.present = true;
    await sessionPresent(this.deps, session.user.id, session.id, session.presence);
  }

  private absent(session: Session): void {
    if (!session.present) return;
    session.present = false;
    sessionGone(this.deps, session.user.id, session.id).catch((err) => log.error('presence update failed', { err }));
  }

  /** Closes silent connections with 4009 (their sessions stay resumable) and ends sessions detached too long. */
  sweep(connections: Iterable<Connection>, heartbeatInterval: number): void {
    const now = Date.now();
    // Discord clients heartbeat every interval (after a random first delay); allow one and a half.
    const deadline = now - heartbeatInterval * 1.5 - 1000;
    // Heartbeats alone do not keep a socket that never identifies: it would hold memory and a file descriptor.
    const identifyBy = now - this.deps.config.identifyTimeoutMs;
    for (const c of connections) {
      if (c.lastHeartbeat < deadline) c.close(Close.SessionTimedOut, 'Session timed out.');
      else if (c.state === 'new' && c.openedAt < identifyBy) c.close(Close.NotAuthenticated, 'Identify timed out.');
    }
    const expiry = now - this.deps.config.resumeTimeoutMs;
    // A session stays resumable for minutes, but its user shows offline once its socket has been gone a moment.
    const goneBy = now - this.deps.config.presenceGraceMs;
    for (const s of this.byId.values()) {
      if (!s.detachedAt) continue;
      if (s.detachedAt < expiry) this.destroy(s);
      else if (s.detachedAt < goneBy) this.absent(s);
    }
  }

  /** The shared record for a user's sessions, kept without its password hash (it lives as long as they do). */
  private account(user: UserRecord): UserRecord {
    let entry = this.accounts.get(user.id);
    if (!entry) this.accounts.set(user.id, (entry = { user: { ...user, password_hash: null }, sessions: 0 }));
    // Just read from the store: newer than what the user's other sessions hold.
    else Object.assign(entry.user, user, { password_hash: null });
    entry.sessions++;
    return entry.user;
  }
}
