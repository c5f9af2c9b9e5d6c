/**
 * GatewayClient: one Discord Gateway v10 session over whichever WebSocket the host provides.
 *
 * States: idle -> connecting -> identifying | resuming -> ready -> (drop) reconnecting -> connecting ...
 *         any -> closed (disconnect() or a fatal close code).
 * Dispatches are emitted in the order received. After a drop it resumes from the last seq; if the server
 * answers op 9, or the close code says re-identify, it identifies afresh and emits `resync` after the new
 * READY so the app can refetch what it had loaded (events between the two sessions are gone).
 * Resumes go to the configured URL rather than READY's resume_gateway_url: a browser must stay on the origin
 * it was served from. Behind a load balancer a resume that lands on another node is answered with op 9, and
 * the client re-identifies and resyncs.
 */
import {
  closeCodeInfo,
  GatewayOpcodes as Op,
  type DispatchEvent,
  type HelloData,
  type PresenceUpdateInput,
  type ReadyData,
  type XMessageAckData,
} from '@concord/protocol';
import { Emitter } from './emitter.js';

/** The part of the WebSocket API both the browser's WebSocket and `ws` implement. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: any) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: any) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export type GatewayState = 'idle' | 'connecting' | 'identifying' | 'resuming' | 'ready' | 'reconnecting' | 'closed';

/** A dispatch as received: the contract's event plus its sequence number. */
export type GatewayDispatch = DispatchEvent & { s: number };

export interface GatewayEvents {
  state: [state: GatewayState, previous: GatewayState];
  dispatch: [event: GatewayDispatch];
  /** The session was replaced by a new one (after op 9 or a re-identify close): refetch loaded state. */
  resync: [ready: ReadyData];
  ack: [ack: XMessageAckData];
  /** An op 11 arrived; carries the round trip of the beat it answers. */
  heartbeatAck: [latencyMs: number];
  /** The socket closed; `willReconnect` is false only for disconnect() and fatal codes. */
  close: [info: { code: number; reason: string; willReconnect: boolean; delayMs: number }];
  /** Diagnostic lines (zombie connections, backoff) for logs and tests. */
  debug: [message: string];
}

export interface GatewayOptions {
  /** e.g. `ws://localhost:8080/gateway`; `?v=10&encoding=json` is added. */
  url: string;
  token: string;
  intents: number;
  WebSocket: WebSocketConstructor;
  properties?: Record<string, string>;
  /** The presence Identify carries (status, activities); `updatePresence` changes it. */
  presence?: PresenceUpdateInput;
  /** Waits between reconnect attempts; the last repeats. */
  backoffMs?: number[];
  /** Give up on a socket that has not said Hello after this long. */
  helloTimeoutMs?: number;
  random?: () => number;
}

export const DEFAULT_BACKOFF_MS = [1000, 2000, 5000, 10_000, 30_000];

/** Close codes a client may send (1000 would end the session on the server, so drops use 4000 to keep it). */
const CLOSE_KEEP_SESSION = 4000;
const CLOSE_END_SESSION = 1000;

export class GatewayClient extends Emitter<GatewayEvents> {
  state: GatewayState = 'idle';
  sessionId: string | null = null;
  seq: number | null = null;
  /** Round trip of the last acknowledged heartbeat, for a status line. */
  latencyMs: number | null = null;

  private ws: WebSocketLike | null = null;
  private heartbeatTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private helloTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatAcked = true;
  private lastBeatAt = 0;
  private attempt = 0;
  /** True once a READY has been seen: a later READY is a new session, hence `resync`. */
  private hadSession = false;
  private readonly backoff: number[];
  private readonly random: () => number;

  constructor(private readonly opts: GatewayOptions) {
    super();
    this.backoff = opts.backoffMs ?? DEFAULT_BACKOFF_MS;
    this.random = opts.random ?? Math.random;
  }

  get token(): string {
    return this.opts.token;
  }

  connect(): void {
    if (this.state !== 'idle' && this.state !== 'closed') return;
    this.open();
  }

  /** Ends the session for good (the server forgets it). */
  disconnect(): void {
    this.clearTimers();
    this.sessionId = null;
    this.seq = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      detach(ws);
      ws.close(CLOSE_END_SESSION, 'Client disconnect');
    }
    this.setState('closed');
  }

  /** Sends a frame if the socket is open and the session usable; false otherwise (queue and retry later). */
  send(op: number, d: unknown): boolean {
    if (!this.ws || this.ws.readyState !== 1) return false;
    this.ws.send(JSON.stringify({ op, d }));
    return true;
  }

  /** Extension op 100; the answer arrives as an `ack` event carrying the same nonce. */
  /** Op 3 now if connected, and the presence every later Identify carries. */
  updatePresence(presence: PresenceUpdateInput): void {
    this.opts.presence = presence;
    if (this.state === 'ready') this.send(Op.PresenceUpdate, presence);
  }

  sendMessage(channelId: string, nonce: string, content: string, extra: { message_reference?: { message_id: string; fail_if_not_exists?: boolean }; allowed_mentions?: { parse?: ('users' | 'roles' | 'everyone')[]; replied_user?: boolean } } = {}): boolean {
    if (this.state !== 'ready') return false;
    return this.send(Op.XSendMessage, { channel_id: channelId, nonce, content, ...extra });
  }

  private open(): void {
    this.clearTimers();
    this.setState('connecting');
    const sep = this.opts.url.includes('?') ? '&' : '?';
    let ws: WebSocketLike;
    try {
      ws = new this.opts.WebSocket(`${this.opts.url}${sep}v=10&encoding=json`);
    } catch (err) {
      this.emit('debug', `socket constructor failed: ${String(err)}`);
      this.scheduleReconnect(1006, 'constructor failed');
      return;
    }
    this.ws = ws;
    ws.onmessage = (ev) => this.onFrame(typeof ev.data === 'string' ? ev.data : String(ev.data));
    ws.onclose = (ev) => this.onSocketClose(ws, ev.code, ev.reason);
    // An error is always followed by close, which does the work.
    ws.onerror = () => undefined;
    this.helloTimer = setTimeout(() => this.drop('no Hello'), this.opts.helloTimeoutMs ?? 15_000);
  }

  private onFrame(raw: string): void {
    let frame: { op: number; d: any; s?: number | null; t?: string | null };
    try {
      frame = JSON.parse(raw);
    } catch {
      return this.drop('undecodable frame');
    }
    switch (frame.op) {
      case Op.Hello:
        return this.onHello(frame.d as HelloData);
      case Op.HeartbeatAck:
        this.heartbeatAcked = true;
        this.latencyMs = Date.now() - this.lastBeatAt;
        this.emit('heartbeatAck', this.latencyMs);
        return;
      case Op.Heartbeat:
        // The server asks for a beat now.
        this.beat();
        return;
      case Op.Reconnect:
        this.emit('debug', 'server asked to reconnect (op 7)');
        return this.drop('op 7', 0);
      case Op.InvalidSession:
        return this.onInvalidSession(Boolean(frame.d));
      case Op.XMessageAck:
        this.emit('ack', frame.d as XMessageAckData);
        return;
      case Op.Dispatch:
        return this.onDispatch(frame.t ?? '', frame.d, frame.s ?? 0);
      default:
        return;
    }
  }

  private onHello(d: HelloData): void {
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = null;
    this.startHeartbeat(d.heartbeat_interval);
    this.identifyOrResume();
  }

  private identifyOrResume(): void {
    if (this.sessionId && this.seq !== null) {
      this.setState('resuming');
      this.send(Op.Resume, { token: this.opts.token, session_id: this.sessionId, seq: this.seq });
    } else {
      this.setState('identifying');
      this.send(Op.Identify, {
        token: this.opts.token,
        intents: this.opts.intents,
        properties: this.opts.properties ?? { os: 'unknown', browser: 'concord', device: 'concord' },
        ...(this.opts.presence ? { presence: this.opts.presence } : {}),
      });
    }
  }

  private onDispatch(t: string, d: any, s: number): void {
    if (s) this.seq = s;
    // The server speaks the contract; an event this client does not know passes through untyped.
    const ev = { t, d, s } as GatewayDispatch;
    if (t === 'READY') {
      const ready = d as ReadyData;
      this.sessionId = ready.session_id;
      this.attempt = 0;
      this.setState('ready');
      this.emit('dispatch', ev);
      if (this.hadSession) this.emit('resync', ready);
      this.hadSession = true;
      return;
    }
    if (t === 'RESUMED') {
      this.attempt = 0;
      this.setState('ready');
    }
    this.emit('dispatch', ev);
  }

  private onInvalidSession(resumable: boolean): void {
    this.emit('debug', `invalid session (resumable: ${resumable})`);
    if (!resumable) {
      this.sessionId = null;
      this.seq = null;
    }
    // Discord asks for a random 1-5 s wait before identifying again; the socket stays open for it.
    const delay = 1000 + Math.floor(this.random() * 4000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.ws) this.identifyOrResume();
    }, delay);
  }

  private startHeartbeat(interval: number): void {
    if (interval <= 0) return;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatAcked = true;
    // The first beat is jittered so a server restart does not get every client's beat at the same instant.
    const tick = (delay: number) => {
      this.heartbeatTimer = setTimeout(() => {
        if (!this.heartbeatAcked) {
          // No op 11 since the last beat: the connection is a zombie. Close and resume on a fresh socket.
          this.emit('debug', 'heartbeat not acknowledged; zombie connection');
          return this.drop('zombie connection', 0);
        }
        this.beat();
        tick(interval);
      }, delay);
    };
    tick(Math.floor(interval * this.random()));
  }

  private beat(): void {
    this.heartbeatAcked = false;
    this.lastBeatAt = Date.now();
    this.send(Op.Heartbeat, this.seq);
  }

  /** Closes the current socket ourselves, keeping the session for a resume. */
  private drop(reason: string, delayMs?: number): void {
    const ws = this.ws;
    if (!ws) return;
    detach(ws);
    this.ws = null;
    try {
      ws.close(CLOSE_KEEP_SESSION, reason);
    } catch {
      // Already closing.
    }
    this.scheduleReconnect(CLOSE_KEEP_SESSION, reason, delayMs);
  }

  private onSocketClose(ws: WebSocketLike, code: number, reason: string): void {
    if (ws !== this.ws) return;
    detach(ws);
    this.ws = null;
    // Codes outside the table (1005, 1006: the network) are drops: the session is still there to resume.
    const action = closeCodeInfo(code)?.client ?? 'resume';
    if (action === 'fatal') {
      this.clearTimers();
      this.sessionId = null;
      this.seq = null;
      this.emit('close', { code, reason, willReconnect: false, delayMs: 0 });
      this.setState('closed');
      return;
    }
    if (action === 'reidentify') {
      this.sessionId = null;
      this.seq = null;
    }
    this.scheduleReconnect(code, reason);
  }

  private scheduleReconnect(code: number, reason: string, delayMs?: number): void {
    this.clearTimers();
    const delay = delayMs ?? this.backoff[Math.min(this.attempt, this.backoff.length - 1)]!;
    this.attempt++;
    this.emit('close', { code, reason, willReconnect: true, delayMs: delay });
    this.emit('debug', `reconnecting in ${delay} ms (close ${code} ${reason})`);
    this.setState('reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.open();
    }, delay);
  }

  private clearTimers(): void {
    for (const t of [this.heartbeatTimer, this.reconnectTimer, this.helloTimer]) if (t) clearTimeout(t);
    this.heartbeatTimer = this.reconnectTimer = this.helloTimer = null;
  }

  private setState(next: GatewayState): void {
    const prev = this.state;
    if (prev === next) return;
    this.state = next;
    this.emit('state', next, prev);
  }
}

function detach(ws: WebSocketLike): void {
  ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
}
