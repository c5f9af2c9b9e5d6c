/**
 * One WebSocket: Hello, then frames checked (flood window, size, JSON, NUL) and dispatched through the host's
 * op table, which says in which state each op is allowed and how its payload is validated. Protocol violations
 * close with Discord's codes (see docs/gateway.md for the table).
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { ZodType } from 'zod';
import { GATEWAY_SEND_LIMIT, GatewayCloseCodes as Close, GatewayFrame, GatewayOpcodes as Op } from '@concord/protocol';
import { findNul } from '../lib/text.js';
import { parseJsonLossless } from '../lib/json.js';
import type { Session, SessionSocket } from './session.js';
import { log } from '../lib/log.js';

export type ConnectionState = 'new' | 'starting' | 'ready' | 'closed';

/** One client op: in which state it is allowed, how its payload is checked, and what it does. */
export interface OpHandler<Ctx = any, T = any> {
  /** `any`: always; `new`: starts the handshake (once per connection); `ready`: needs a ready session. */
  when: 'any' | 'new' | 'ready';
  /** A payload that fails it closes 4002 with `invalid` as the reason. */
  schema?: ZodType<T>;
  invalid?: string;
  /** For `new` ops: the 4005 reason when the connection has already begun a session. */
  repeated?: string;
  handle(ctx: Ctx, conn: Connection, d: T): void | Promise<void>;
}

export type OpTable<Ctx = any> = Readonly<Partial<Record<number, OpHandler<Ctx>>>>;

/** What a connection needs from the gateway that accepted it. */
export interface ConnectionHost<Ctx = any> {
  readonly heartbeatInterval: number;
  /** Frames a connection may send per GATEWAY_SEND_LIMIT window. */
  readonly floodLimit: number;
  readonly ops: OpTable<Ctx>;
  /** Passed to every op handler. */
  readonly context: Ctx;
  /** The socket is closed, by either side; called once. */
  onConnectionClosed(conn: Connection, code: number): void;
}

/** Larger than Discord's 4096 so a 2000-character message fits the send extension; still small. */
export const MAX_FRAME_BYTES = 16 * 1024;
/** A client that lets this much pile up unread is dropped (it can resume). */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** ws keeps the TCP socket it frames onto as `_socket`; corking it batches writes. */
const socketOf = (ws: WebSocket) => (ws as unknown as { _socket: Socket })._socket;

const connections = new WeakMap<WebSocket, Connection>();
function onSocketMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  connections.get(this)?.onMessage(data, isBinary);
}
function onSocketClose(this: WebSocket, code: number): void {
  connections.get(this)?.onClose(code);
}
const ignore = () => undefined;

function uncork(c: Connection): void {
  c.corked = false;
  socketOf(c.ws).uncork();
}

export class Connection implements SessionSocket {
  session: Session | null = null;
  state: ConnectionState = 'new';
  lastHeartbeat = Date.now();
  readonly openedAt = Date.now();
  corked = false;
  private windowStart = Date.now();
  private windowCount = 0;

  constructor(
    readonly ws: WebSocket,
    private readonly host: ConnectionHost,
    /** Origin the client reached us by (http[s]://host[:port]), for READY's resume_gateway_url. */
    readonly baseUrl?: string,
  ) {
    // Shared listeners (ws calls them with the socket as `this`): no closures per connection.
    connections.set(ws, this);
    ws.on('message', onSocketMessage);
    ws.on('close', onSocketClose);
    ws.on('error', ignore);
    this.sendOp(Op.Hello, { heartbeat_interval: host.heartbeatInterval });
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  send(frame: Buffer): void {
    this.sendRaw(frame);
  }

  /** Frames are JSON text, whether given as a string or as already-encoded bytes. */
  sendRaw(frame: string | Buffer): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(Close.UnknownError, 'Client is not reading fast enough');
      return;
    }
    if (!this.corked) {
      // Frames written in the same tick (a burst of dispatches) leave in one write instead of one each.
      this.corked = true;
      socketOf(this.ws).cork();
      process.nextTick(uncork, this);
    }
    this.ws.send(frame, { binary: false });
  }

  sendOp(op: number, d: unknown): void {
    this.sendRaw(JSON.stringify({ op, d, s: null, t: null }));
  }

  close(code: number, reason = ''): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.ws.close(code, reason);
    this.host.onConnectionClosed(this, code);
  }

  onClose(code: number): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.host.onConnectionClosed(this, code);
  }

  onMessage(data: Buffer, isBinary: boolean): void {
    if (this.state === 'closed') return;
    const now = Date.now();
    if (now - this.windowStart >= GATEWAY_SEND_LIMIT.windowMs) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (++this.windowCount > this.host.floodLimit) return this.close(Close.RateLimited, 'You are being rate limited.');
    if (isBinary || data.length > MAX_FRAME_BYTES) return this.close(Close.DecodeError, 'Error while decoding payload.');
    let frame: GatewayFrame;
    try {
      const raw: unknown = parseJsonLossless(data.toString('utf8'));
      // Text no store can hold (NUL) is an undecodable payload, whichever op carries it.
      if (findNul(raw)) return this.close(Close.DecodeError, 'Error while decoding payload.');
      const parsed = GatewayFrame.safeParse(raw);
      if (!parsed.success) return this.close(Close.DecodeError, 'Error while decoding payload.');
      frame = parsed.data;
    } catch {
      return this.close(Close.DecodeError, 'Error while decoding payload.');
    }
    this.handle(frame);
  }

  private handle(frame: GatewayFrame): void {
    const op = this.host.ops[frame.op];
    if (!op) {
      // Ops Discord clients legitimately send (31, 43, ...) are ignored rather than answered with 4001, which would
      // make them resume in a loop; an unknown op in Concord's extension range (or a negative one) is an error.
      if (frame.op >= 0 && frame.op < 100) return;
      return this.close(Close.UnknownOpcode, 'Unknown opcode.');
    }
    if (op.when === 'new' && this.state !== 'new') return this.close(Close.AlreadyAuthenticated, op.repeated ?? 'Already authenticated.');
    if (op.when === 'ready' && (this.state !== 'ready' || !this.session)) {
      return this.close(Close.NotAuthenticated, 'You sent a payload prior to identifying.');
    }
    let d = frame.d;
    if (op.schema) {
      const parsed = op.schema.safeParse(d);
      if (!parsed.success) return this.close(Close.DecodeError, op.invalid ?? 'Error while decoding payload.');
      d = parsed.data;
    }
    if (op.when === 'new') this.state = 'starting';
    this.run(op, d);
  }

  private run(op: OpHandler, d: unknown): void {
    try {
      const pending = op.handle(this.host.context, this, d);
      if (pending) pending.catch((err: unknown) => this.fail(err));
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    log.error('gateway connection error', { err });
    this.close(Close.UnknownError, 'Unknown error.');
  }
}
