/**
 * One WebSocket: Hello, then Identify or Resume, heartbeats, and the client ops. Protocol violations
 * close with Discord's codes (see docs/gateway.md for the table).
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import {
  GATEWAY_SEND_LIMIT,
  GatewayCloseCodes as Close,
  GatewayFrame,
  GatewayOpcodes as Op,
  IdentifyData,
  RequestGuildMembersData,
  ResumeData,
  XSendMessageData,
} from '@concord/protocol';
import { findNul } from '../lib/text.js';
import type { Gateway } from './gateway.js';
import type { Session, SessionSocket } from './session.js';

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
  state: 'new' | 'starting' | 'ready' | 'closed' = 'new';
  lastHeartbeat = Date.now();
  corked = false;
  private windowStart = Date.now();
  private windowCount = 0;

  constructor(
    readonly ws: WebSocket,
    private readonly gateway: Gateway,
    /** Origin the client reached us by (http[s]://host[:port]), for READY's resume_gateway_url. */
    readonly baseUrl?: string,
  ) {
    // Shared listeners (ws calls them with the socket as `this`): no closures per connection.
    connections.set(ws, this);
    ws.on('message', onSocketMessage);
    ws.on('close', onSocketClose);
    ws.on('error', ignore);
    this.sendOp(Op.Hello, { heartbeat_interval: gateway.heartbeatInterval });
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
    this.gateway.onConnectionClosed(this, code, true);
  }

  onClose(code: number): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.gateway.onConnectionClosed(this, code, false);
  }

  onMessage(data: Buffer, isBinary: boolean): void {
    if (this.state === 'closed') return;
    const now = Date.now();
    if (now - this.windowStart >= GATEWAY_SEND_LIMIT.windowMs) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (++this.windowCount > this.gateway.floodLimit) return this.close(Close.RateLimited, 'You are being rate limited.');
    if (isBinary || data.length > MAX_FRAME_BYTES) return this.close(Close.DecodeError, 'Error while decoding payload.');
    let frame: GatewayFrame;
    try {
      const raw: unknown = JSON.parse(data.toString('utf8'));
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
    switch (frame.op) {
      case Op.Heartbeat:
        this.lastHeartbeat = Date.now();
        if (typeof frame.d === 'number' && this.session) this.session.ack(frame.d);
        this.sendRaw('{"op":11,"d":null,"s":null,"t":null}');
        return;
      case Op.Identify: {
        if (this.state !== 'new') return this.close(Close.AlreadyAuthenticated, 'You sent more than one identify payload.');
        const d = IdentifyData.safeParse(frame.d);
        if (!d.success) return this.close(Close.DecodeError, 'Invalid identify payload.');
        this.state = 'starting';
        this.gateway.identify(this, d.data).catch((err) => this.fail(err));
        return;
      }
      case Op.Resume: {
        if (this.state !== 'new') return this.close(Close.AlreadyAuthenticated, 'Already authenticated.');
        const d = ResumeData.safeParse(frame.d);
        if (!d.success) return this.close(Close.DecodeError, 'Invalid resume payload.');
        this.state = 'starting';
        this.gateway.resume(this, d.data).catch((err) => this.fail(err));
        return;
      }
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
      case Op.RequestGuildMembers:
      case Op.XSendMessage:
        if (this.state !== 'ready' || !this.session) return this.close(Close.NotAuthenticated, 'You sent a payload prior to identifying.');
        if (frame.op === Op.PresenceUpdate) {
          this.gateway.updatePresence(this.session, frame.d).catch((err) => this.fail(err));
        } else if (frame.op === Op.RequestGuildMembers) {
          const d = RequestGuildMembersData.safeParse(frame.d);
          if (!d.success) return this.close(Close.DecodeError, 'Invalid request guild members payload.');
          this.gateway.requestGuildMembers(this.session, d.data).catch((err) => this.fail(err));
        } else if (frame.op === Op.XSendMessage) {
          const d = XSendMessageData.safeParse(frame.d);
          if (!d.success) return this.close(Close.DecodeError, 'Invalid send payload.');
          this.gateway.sendMessage(this, this.session, d.data).catch((err) => this.fail(err));
        }
        // Voice lands with its own subsystem; Discord clients send op 4 routinely, so it is accepted.
        return;
      default:
        // Ops Discord clients legitimately send (31, 43, ...) are ignored rather than answered with 4001, which would
        // make them resume in a loop; anything outside Discord's and Concord's ranges is an error.
        if (frame.op >= 0 && frame.op < 100) return;
        return this.close(Close.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private fail(err: unknown): void {
    console.error('gateway connection error:', err);
    this.close(Close.UnknownError, 'Unknown error.');
  }
}
