/** The gateway: accepts sockets at /gateway, owns this process's sessions, and times them out. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import {
  ALL_INTENTS,
  GatewayCloseCodes as Close,
  GatewayIntents,
  GatewayOpcodes as Op,
  GATEWAY_SEND_LIMIT,
  PRIVILEGED_INTENTS,
  type IdentifyData,
  type RequestGuildMembersData,
  type ResumeData,
  type XSendMessageData,
} from '@concord/protocol';
import { ApiError } from '../lib/errors.js';
import type { Deps } from '../modules/deps.js';
import type { UserRecord } from '../modules/users/store.js';
import { userForToken } from '../modules/auth/service.js';
import { hashToken } from '../modules/auth/tokens.js';
import { grantedPrivilegedIntents } from '../modules/applications/service.js';
import { sendMessage } from '../modules/messages/service.js';
import { wireMember } from '../modules/wire.js';
import { gatewayUrl } from '../modules/gateway/routes.js';
import { consumeBucket } from '../http/ratelimit.js';
import { Connection } from './connection.js';
import { Fanout, framePrefix } from './fanout.js';
import { Session } from './session.js';
import { resyncOnBusGap } from './resync.js';
import { buildGuildCreate, buildReady } from './snapshot.js';
import { parseStatus, sessionOffline, sessionOnline } from '../modules/presence/service.js';

export class Gateway {
  readonly sessions = new Map<string, Session>();
  /** One account record per user with sessions here, shared by all of them (people connect from several devices). */
  private readonly accounts = new Map<string, { user: UserRecord; sessions: number }>();
  readonly connections = new Set<Connection>();
  readonly heartbeatInterval: number;
  /** Frames a connection may send per GATEWAY_SEND_LIMIT window (Infinity when rate limits are off). */
  readonly floodLimit: number;
  private readonly wss: WebSocketServer;
  private readonly fanout: Fanout;
  private readonly sweeper: NodeJS.Timeout;
  private readonly presenceRefresher: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly deps: Deps) {
    this.heartbeatInterval = deps.config.heartbeatIntervalMs;
    // Discord's protocol limit (clients pace themselves to it), so it is not scaled; RATE_LIMIT_SCALE=0 lifts it.
    this.floodLimit = deps.config.rateLimitScale > 0 ? GATEWAY_SEND_LIMIT.count : Infinity;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, perMessageDeflate: false });
    this.fanout = new Fanout(deps, {
      onGuildJoin: async (s, guildId) => void (await this.addGuild(s, guildId, true)),
      onGuildLeave: (s, guildId) => this.removeGuild(s, guildId),
      onTokenRevoked: (s) => {
        const conn = this.connectionOf(s);
        if (conn) conn.close(Close.AuthenticationFailed, 'Authentication failed.');
        this.destroySession(s);
      },
    });
    this.sweeper = setInterval(() => this.sweep(), Math.min(1000, this.heartbeatInterval / 4));
    this.sweeper.unref();
    this.presenceRefresher = setInterval(() => {
      const live = [...this.sessions.values()].map((s) => ({ userId: s.user.id, sessionId: s.id }));
      deps.presence.refresh(live).catch((err) => console.error('presence refresh failed:', err));
    }, 30_000);
    this.presenceRefresher.unref();
    deps.bus.onGap(resyncOnBusGap(this, (s) => this.destroySession(s)));
  }

  /** Serves the gateway on the HTTP server's upgrade requests for /gateway. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/gateway' && url.pathname !== '/gateway/') {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        if (this.closing) return ws.close(1012, 'Server restarting');
        const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
        const conn = new Connection(ws, this, req.headers.host ? `${scheme}://${req.headers.host}` : undefined);
        this.connections.add(conn);
        const v = url.searchParams.get('v');
        const encoding = url.searchParams.get('encoding');
        if (v !== null && v !== '9' && v !== '10') conn.close(Close.InvalidAPIVersion, 'Invalid API version.');
        else if (encoding !== null && encoding !== 'json') conn.close(Close.DecodeError, 'Only encoding=json is supported.');
      });
    });
  }

  /** Where to resume: the public URL, else the host this client reached us by (as GET /gateway/bot answers). */
  private resumeUrl(conn: Connection): string {
    return gatewayUrl(this.deps.config.publicUrl ?? conn.baseUrl ?? `http://localhost:${this.deps.config.port}`);
  }

  async identify(conn: Connection, d: IdentifyData): Promise<void> {
    const token = d.token.replace(/^Bot /, '');
    const user = await userForToken(this.deps, token);
    if (!user) return conn.close(Close.AuthenticationFailed, 'Authentication failed.');
    // Bitwise operators see only the low 32 bits, so anything above every defined intent is refused first.
    if (d.intents > ALL_INTENTS || d.intents & ~ALL_INTENTS) return conn.close(Close.InvalidIntents, 'Invalid intent(s).');
    const starts = await consumeBucket(this.deps.limiter, this.deps.config.rateLimitScale, 'gateway.identify', user.id);
    if (starts && !starts.allowed) return conn.close(Close.RateLimited, 'Too many sessions started today.');
    let applicationId: string | undefined;
    if (user.bot) {
      const app = await this.deps.applications.getByBot(user.id);
      applicationId = app?.id;
      const granted = this.deps.config.privilegedIntents === 'all' ? PRIVILEGED_INTENTS : grantedPrivilegedIntents(app?.flags ?? 0);
      if (d.intents & PRIVILEGED_INTENTS & ~granted) return conn.close(Close.DisallowedIntents, 'Disallowed intent(s).');
    }
    const shard = d.shard ?? [0, 1];
    if (shard[0] >= shard[1]) return conn.close(Close.InvalidShard, 'Invalid shard.');
    if (conn.closed) return;

    const seesContent = !user.bot || Boolean(d.intents & GatewayIntents.MessageContent);
    const session = new Session(randomBytes(16).toString('hex'), this.account(user), d.intents, shard, d.large_threshold ?? 50, seesContent, this.deps.config.replayBufferSize);
    session.tokenHash = hashToken(token);
    this.sessions.set(session.id, session);
    session.socket = conn;
    conn.session = session;

    await this.fanout.addUserSession(session);
    const guildIds = await this.deps.guilds.guildIdsForUser(user.id);
    const creates: Buffer[] = [];
    for (const guildId of guildIds) {
      // Dropped mid-identify: the session is already destroyed; adding guilds would pin them to it for good.
      if (conn.closed) return;
      const prefix = await this.addGuild(session, guildId, false);
      if (prefix) creates.push(prefix);
    }
    if (conn.closed) return;
    session.dispatchFirst(framePrefix('READY', buildReady(session, this.resumeUrl(conn), applicationId)));
    if (session.intents & GatewayIntents.Guilds) for (const p of creates) session.dispatchFirst(p);
    session.flushPending();
    conn.state = 'ready';
    await sessionOnline(this.deps, user.id, session.id, parseStatus(d.presence));
  }

  /** Op 3: the user's chosen status (online, idle, dnd, invisible) for all of their sessions. */
  async updatePresence(session: Session, d: unknown): Promise<void> {
    await sessionOnline(this.deps, session.user.id, session.id, parseStatus(d));
  }

  /**
   * Adds a guild to a session: pins the guild's replica, tracks the member, subscribes, and builds its
   * GUILD_CREATE (dispatched at once for a join, or returned for READY to send in order).
   */
  private async addGuild(session: Session, guildId: string, dispatchNow: boolean): Promise<Buffer | undefined> {
    if (session.guilds.has(guildId)) return undefined;
    // Another shard's guild is not this session's at all: not in READY, no GUILD_CREATE, none of its events.
    const shardKey = Number(BigInt(guildId) >> 22n);
    if (session.shard[1] > 1 && shardKey % session.shard[1] !== session.shard[0]) return undefined;
    session.guilds.add(guildId);
    // Load the replica before the fan-out subscribes: the bus calls a topic's handlers in subscription order,
    // and fan-out reads the replica (VIEW_CHANNEL), so the replica must apply an event (a new channel) first.
    // Anything published in between is already in the replica that GUILD_CREATE is built from.
    const state = await this.deps.cache.get(guildId);
    const self = state && (await this.deps.cache.member(state, session.user.id));
    if (!state || !self) {
      session.guilds.delete(guildId);
      return undefined;
    }
    this.deps.cache.pin(state, session.user.id);
    await this.fanout.addGuildSession(guildId, session);
    const prefix = framePrefix('GUILD_CREATE', await buildGuildCreate(this.deps, state, session, self));
    if (!dispatchNow) return prefix;
    if (session.intents & GatewayIntents.Guilds) session.dispatch(prefix);
    return undefined;
  }

  private removeGuild(session: Session, guildId: string): void {
    if (!session.guilds.delete(guildId)) return;
    this.fanout.removeGuildSession(guildId, session);
    this.deps.cache.unpin(guildId, session.user.id);
  }

  async resume(conn: Connection, d: ResumeData): Promise<void> {
    const token = d.token.replace(/^Bot /, '');
    const user = await userForToken(this.deps, token);
    if (!user) return conn.close(Close.AuthenticationFailed, 'Authentication failed.');
    // The socket dropped while the token was checked: leave the session detached (resumable, then expiring).
    if (conn.closed) return;
    const session = this.sessions.get(d.session_id);
    if (!session || session.user.id !== user.id) {
      conn.state = 'new';
      return conn.sendOp(Op.InvalidSession, false);
    }
    const seq = d.seq ?? 0;
    if (seq > session.seq) return conn.close(Close.InvalidSeq, 'Invalid seq.');
    const frames = session.replayAfter(seq);
    if (!frames) {
      this.destroySession(session);
      conn.state = 'new';
      return conn.sendOp(Op.InvalidSession, false);
    }
    const old = this.connectionOf(session);
    if (old && old !== conn) {
      old.session = null;
      old.close(Close.UnknownError, 'Session resumed elsewhere.');
    }
    session.socket = conn;
    session.tokenHash = hashToken(token);
    session.detachedAt = 0;
    conn.session = session;
    for (const f of frames) conn.sendRaw(f);
    session.dispatch(framePrefix('RESUMED', {}));
    conn.state = 'ready';
  }

  private connectionOf(session: Session): Connection | undefined {
    for (const c of this.connections) if (c.session === session) return c;
    return undefined;
  }

  /** Socket gone: sessions closed by the client with 1000/1001 end; others stay resumable for a while. */
  onConnectionClosed(conn: Connection, code: number, byServer: boolean): void {
    this.connections.delete(conn);
    const session = conn.session;
    conn.session = null;
    if (!session) return;
    session.socket = null;
    const fatal = [Close.AuthenticationFailed, Close.InvalidShard, Close.ShardingRequired, Close.InvalidAPIVersion, Close.InvalidIntents, Close.DisallowedIntents] as number[];
    if ((!byServer && (code === 1000 || code === 1001)) || fatal.includes(code) || session.pending) this.destroySession(session);
    else session.detachedAt = Date.now();
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

  private destroySession(session: Session): void {
    if (!this.sessions.delete(session.id)) return;
    const entry = this.accounts.get(session.user.id);
    if (entry && --entry.sessions === 0) this.accounts.delete(session.user.id);
    for (const guildId of [...session.guilds]) this.removeGuild(session, guildId);
    this.fanout.removeUserSession(session);
    sessionOffline(this.deps, session.user.id, session.id).catch((err) => console.error('presence update failed:', err));
  }

  private sweep(): void {
    const now = Date.now();
    // Discord clients heartbeat every interval (after a random first delay); allow one and a half.
    const deadline = now - this.heartbeatInterval * 1.5 - 1000;
    for (const c of this.connections) if (c.lastHeartbeat < deadline) c.close(Close.SessionTimedOut, 'Session timed out.');
    const expiry = now - this.deps.config.resumeTimeoutMs;
    for (const s of this.sessions.values()) if (s.detachedAt && s.detachedAt < expiry) this.destroySession(s);
  }

  /** Extension op 100: send a message and answer op 101 with the nonce and the stored id, or the error. */
  async sendMessage(conn: Connection, session: Session, d: XSendMessageData): Promise<void> {
    const { channel_id, ...body } = d;
    try {
      // The same bucket and key as POST /channels/:id/messages, so the two paths share one allowance.
      const r = await consumeBucket(this.deps.limiter, this.deps.config.rateLimitScale, 'messages.create', `${channel_id}:u${session.user.id}`);
      if (r && !r.allowed) {
        const retryAfter = Number((r.resetAfterMs / 1000).toFixed(3));
        const error = { code: 0, message: 'You are being rate limited.', status: 429, retry_after: retryAfter };
        return conn.sendOp(Op.XMessageAck, { nonce: d.nonce, channel_id, error });
      }
      const message = await sendMessage(this.deps, { user: session.user }, channel_id, { ...body, enforce_nonce: true });
      conn.sendOp(Op.XMessageAck, { nonce: d.nonce, channel_id, id: message.id });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      conn.sendOp(Op.XMessageAck, { nonce: d.nonce, channel_id, error: { code: err.code, message: err.message, status: err.status } });
    }
  }

  /** Op 8: members of a guild as GUILD_MEMBERS_CHUNK (one chunk per 1000), echoing the nonce. */
  async requestGuildMembers(session: Session, d: RequestGuildMembersData): Promise<void> {
    const guildIds = Array.isArray(d.guild_id) ? d.guild_id : [d.guild_id];
    for (const guildId of guildIds) {
      if (!session.guilds.has(guildId)) continue;
      let members = [];
      let after: string | undefined;
      for (;;) {
        const page = await this.deps.guilds.listMembers(guildId, { after, limit: 1000 });
        members.push(...page);
        if (page.length < 1000) break;
        after = page[page.length - 1]!.user_id;
      }
      const users = new Map((await this.deps.users.getMany(members.map((m) => m.user_id))).map((u) => [u.id, u]));
      const wanted = d.user_ids ? new Set(Array.isArray(d.user_ids) ? d.user_ids : [d.user_ids]) : undefined;
      const query = (d.query ?? '').toLowerCase();
      members = members.filter((m) => (!wanted || wanted.has(m.user_id)) && (!query || users.get(m.user_id)?.username.startsWith(query)));
      if (d.limit) members = members.slice(0, d.limit);
      const chunks = Math.max(1, Math.ceil(members.length / 1000));
      for (let i = 0; i < chunks; i++) {
        const slice = members.slice(i * 1000, (i + 1) * 1000);
        const notFound = wanted && i === 0 ? [...wanted].filter((id) => !members.some((m) => m.user_id === id)) : [];
        session.dispatch(
          framePrefix('GUILD_MEMBERS_CHUNK', {
            guild_id: guildId,
            members: slice.map((m) => wireMember(m, users.get(m.user_id))),
            chunk_index: i,
            chunk_count: chunks,
            ...(notFound.length ? { not_found: notFound } : {}),
            ...(d.nonce ? { nonce: d.nonce } : {}),
          }),
        );
      }
    }
  }

  stats(): { connections: number; sessions: number } {
    return { connections: this.connections.size, sessions: this.sessions.size };
  }

  /** Graceful shutdown: op 7 tells clients to reconnect (and resume or re-identify elsewhere). */
  async close(graceMs = 500): Promise<void> {
    this.closing = true;
    clearInterval(this.sweeper);
    clearInterval(this.presenceRefresher);
    for (const c of this.connections) c.sendOp(Op.Reconnect, null);
    if (this.connections.size > 0) await new Promise((r) => setTimeout(r, graceMs));
    for (const c of [...this.connections]) c.close(4000, 'Reconnect');
    for (const s of [...this.sessions.values()]) this.destroySession(s);
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}
