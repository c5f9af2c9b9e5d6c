/**
 * The gateway: accepts sockets at /gateway (checking `v` and `encoding`), keeps this process's connections,
 * runs the session sweeper, and shuts down gracefully (op 7, then 4000). Sessions live in sessions.ts, the
 * handshakes in handshake.ts, the ops in ops/.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { GatewayCloseCodes as Close, GatewayOpcodes as Op, GATEWAY_SEND_LIMIT } from '@concord/protocol';
import type { Deps } from '../modules/deps.js';
import { Connection, type ConnectionHost } from './connection.js';
import { ops, type OpContext } from './ops/index.js';
import type { Session } from './session.js';
import { Sessions } from './sessions.js';
import { resyncOnBusGap } from './resync.js';
import type { FanoutObserver } from './fanout.js';
import { log } from '../lib/log.js';

export class Gateway implements ConnectionHost<OpContext> {
  readonly connections = new Set<Connection>();
  readonly heartbeatInterval: number;
  /** Frames a connection may send per GATEWAY_SEND_LIMIT window (Infinity when rate limits are off). */
  readonly floodLimit: number;
  readonly ops = ops;
  readonly context: OpContext;
  private readonly registry: Sessions;
  private readonly wss: WebSocketServer;
  private readonly sweeper: NodeJS.Timeout;
  private readonly presenceRefresher: NodeJS.Timeout;
  private closing = false;
  private readonly stopResync: () => void;

  constructor(private readonly deps: Deps) {
    this.heartbeatInterval = deps.config.heartbeatIntervalMs;
    // Discord's protocol limit (clients pace themselves to it), so it is not scaled; RATE_LIMIT_SCALE=0 lifts it.
    this.floodLimit = deps.config.rateLimitScale > 0 ? GATEWAY_SEND_LIMIT.count : Infinity;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, perMessageDeflate: false });
    this.registry = new Sessions(deps);
    this.context = { deps, sessions: this.registry };
    // The replica owns each guild's bus subscription and hands every applied event to the fan-out.
    const { fanout } = this.registry;
    deps.cache.onGuildEvent = (guildId, ev) => fanout.onGuildEvent(guildId, ev);
    // Events missed while the bus link was down can never be sent: every session here resyncs.
    this.stopResync = deps.bus.onGap(resyncOnBusGap({ sessions: this.registry.byId, connections: this.connections }, (s) => this.registry.destroy(s)));
    this.sweeper = setInterval(() => this.registry.sweep(this.connections, this.heartbeatInterval), Math.min(1000, this.heartbeatInterval / 4));
    this.sweeper.unref();
    this.presenceRefresher = setInterval(() => this.refreshPresence(), 30_000);
    this.presenceRefresher.unref();
  }

  /** Told once per event fanned out here (metrics). */
  observeFanout(observer: FanoutObserver): void {
    this.registry.fanout.observe = observer;
  }

  /** This process's sessions by id. */
  get sessions(): ReadonlyMap<string, Session> {
    return this.registry.byId;
  }

  /** Serves the gateway on the HTTP server's upgrade requests for /gateway; `other` may take the rest (the voice gateway). */
  attach(server: Server, other?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/gateway' && url.pathname !== '/gateway/') {
        if (!other?.(req, socket, head)) socket.destroy();
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

  onConnectionClosed(conn: Connection, code: number): void {
    this.connections.delete(conn);
    this.registry.detach(conn, code);
  }

  /** Ends a session here at once (as a restart would). */
  destroySession(session: Session): void {
    this.registry.destroy(session);
  }

  private refreshPresence(): void {
    const live = [...this.registry.byId.values()].filter((s) => s.present).map((s) => ({ userId: s.user.id, sessionId: s.id }));
    this.deps.presence.refresh(live).catch((err) => log.error('presence refresh failed', { err }));
    this.deps.voiceStates.refresh([...new Set(live.map((s) => s.userId))]).catch((err) => log.error('voice state refresh failed', { err }));
  }

  stats(): { connections: number; sessions: number } {
    return { connections: this.connections.size, sessions: this.registry.byId.size };
  }

  /** Graceful shutdown: op 7 tells clients to reconnect (and resume or re-identify elsewhere). */
  async close(graceMs = 500): Promise<void> {
    this.closing = true;
    this.stopResync();
    clearInterval(this.sweeper);
    clearInterval(this.presenceRefresher);
    for (const c of this.connections) c.sendOp(Op.Reconnect, null);
    if (this.connections.size > 0) await new Promise((r) => setTimeout(r, graceMs));
    for (const c of [...this.connections]) c.close(Close.UnknownError, 'Reconnect');
    for (const s of [...this.registry.byId.values()]) this.registry.destroy(s);
    this.deps.cache.onGuildEvent = undefined;
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}
