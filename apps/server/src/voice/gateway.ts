/**
 * The voice gateway at `/voice` (the endpoint VOICE_SERVER_UPDATE names), speaking Discord's voice protocol in
 * JSON: Hello (8), Identify (0) against the voice state's token, Ready (2), Select Protocol (1) with `webrtc` and
 * the browser's SDP offer, Session Description (4) with the answer, Heartbeat (3) / Ack (6), Speaking (5),
 * Resume (7) / Resumed (9), Clients Connect (11) / Disconnect (13). Op 12 tells a client which receive slot
 * (SDP mid) carries whose audio, camera and screen (fields `x_*_mid`, an extension).
 *
 * It follows the voice states of the guilds it serves through their bus topics, so a move, a server mute or a
 * disconnect made anywhere in a cluster reaches the connection: a move changes the peer's room, a disconnect
 * closes 4014.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomInt } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { VoiceStateUpdateData } from '@concord/protocol';
import type { BusMessage } from '../bus/bus.js';
import { guildTopic } from '../bus/topics.js';
import type { Deps } from '../modules/deps.js';
import type { VoiceRecord } from '../modules/voice/store.js';
import { log } from '../lib/log.js';
import type { MediaFlags, MediaPeer, MediaServer } from './media.js';

export const VoiceOp = {
  Identify: 0,
  SelectProtocol: 1,
  Ready: 2,
  Heartbeat: 3,
  SessionDescription: 4,
  Speaking: 5,
  HeartbeatAck: 6,
  Resume: 7,
  Hello: 8,
  Resumed: 9,
  ClientsConnect: 11,
  Video: 12,
  ClientDisconnect: 13,
} as const;

export const VoiceClose = {
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  SessionInvalid: 4006,
  SessionTimeout: 4009,
  UnknownProtocol: 4012,
  Disconnected: 4014,
} as const;

const HEARTBEAT_MS = 13_750;
/** Media sections an offer may carry: three to send and the receive slots (25 people each with camera and screen fit). */
const MAX_MEDIA_SECTIONS = 3 + 24 * 3;
/** A connection whose socket dropped keeps its media this long for a Resume. */
const RESUME_WINDOW_MS = 15_000;

type Frame = { op: number; d?: any; seq?: number };

/** One voice connection: a user's session in a guild, its socket (while attached) and its media peer. */
class VoiceConnection {
  ws: WebSocket | null = null;
  peer: MediaPeer | null = null;
  speaking = false;
  lastBeat = Date.now();
  detachedAt = 0;
  seq = 0;
  readonly ssrc = randomInt(1, 2 ** 31);

  constructor(
    readonly guildId: string,
    readonly userId: string,
    readonly sessionId: string,
    readonly token: string,
    public channelId: string,
    public flags: MediaFlags,
  ) {}

  send(op: number, d: unknown): void {
    if (this.ws?.readyState === 1) this.ws.send(JSON.stringify({ op, d, seq: ++this.seq }));
  }
}

const flagsOf = (r: Pick<VoiceRecord, 'mute' | 'selfMute' | 'suppress' | 'deaf' | 'selfDeaf'>): MediaFlags => ({
  sendAudio: !r.mute && !r.selfMute && !r.suppress,
  receiveAudio: !r.deaf && !r.selfDeaf,
});

export class VoiceGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024, perMessageDeflate: false });
  /** By `guildId:userId`. */
  private readonly connections = new Map<string, VoiceConnection>();
  private readonly guildSubs = new Map<string, { count: number; unsubscribe: Promise<() => void> }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly deps: Deps,
    private readonly media: MediaServer,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  /** Takes the upgrade when it is for /voice; answers whether it did. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/voice' && path !== '/voice/') return false;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    return true;
  }

  stats() {
    return { connections: this.connections.size, ...this.media.stats() };
  }

  private accept(ws: WebSocket): void {
    let conn: VoiceConnection | null = null;
    const timer = setTimeout(() => !conn && ws.close(VoiceClose.NotAuthenticated, 'Not authenticated.'), 30_000);
    timer.unref();
    const sendRaw = (op: number, d: unknown) => ws.readyState === 1 && ws.send(JSON.stringify({ op, d }));
    sendRaw(VoiceOp.Hello, { v: 8, heartbeat_interval: HEARTBEAT_MS });
    ws.on('message', (raw, binary) => {
      let frame: Frame;
      try {
        if (binary) throw new Error('binary');
        frame = JSON.parse(raw.toString()) as Frame;
        if (typeof frame !== 'object' || frame === null || typeof frame.op !== 'number') throw new Error('shape');
      } catch {
        return ws.close(VoiceClose.DecodeError, 'Failed to decode payload.');
      }
      this.onFrame(ws, frame, () => conn, (c) => (conn = c), sendRaw).catch((err: unknown) => {
        log.warn('voice frame failed', { err: String(err) });
        ws.close(VoiceClose.SessionInvalid, 'Session no longer valid.');
      });
    });
    ws.on('close', () => {
      clearTimeout(timer);
      if (conn && conn.ws === ws) {
        conn.ws = null;
        conn.detachedAt = Date.now();
      }
    });
  }

  private async onFrame(ws: WebSocket, f: Frame, get: () => VoiceConnection | null, set: (c: VoiceConnection) => void, sendRaw: (op: number, d: unknown) => void): Promise<void> {
    const conn = get();
    switch (f.op) {
      case VoiceOp.Heartbeat: {
        if (conn) conn.lastBeat = Date.now();
        // v8 sends {t, seq_ack}; older versions a bare nonce.
        const nonce = f.d && typeof f.d === 'object' ? f.d.t : f.d;
        return sendRaw(VoiceOp.HeartbeatAck, f.d && typeof f.d === 'object' ? { t: nonce } : nonce);
      }
      case VoiceOp.Identify:
      case VoiceOp.Resume: {
        if (conn) return ws.close(VoiceClose.AlreadyAuthenticated, 'Already authenticated.');
        const d = (f.d ?? {}) as { server_id?: string; user_id?: string; session_id?: string; token?: string };
        // Resume names no user: the connection it resumes does.
        const userId = d.user_id ?? [...this.connections.values()].find((c) => c.guildId === String(d.server_id) && c.sessionId === d.session_id)?.userId;
        const record = userId ? await this.deps.voiceStates.get(String(userId)) : undefined;
        if (!record || record.guildId !== String(d.server_id) || record.sessionId !== d.session_id || record.token !== d.token) {
          return ws.close(VoiceClose.AuthenticationFailed, 'Authentication failed.');
        }
        const key = `${record.guildId}:${record.userId}`;
        const existing = this.connections.get(key);
        if (f.op === VoiceOp.Resume) {
          if (!existing || existing.token !== record.token) return ws.close(VoiceClose.SessionInvalid, 'Session no longer valid.');
          existing.ws?.close(VoiceClose.SessionInvalid, 'Resumed elsewhere.');
          existing.ws = ws;
          existing.detachedAt = 0;
          existing.lastBeat = Date.now();
          set(existing);
          sendRaw(VoiceOp.Resumed, null);
          return;
        }
        if (existing) this.end(existing, VoiceClose.SessionInvalid, 'Session no longer valid.');
        const c = new VoiceConnection(record.guildId, record.userId, record.sessionId, record.token, record.channelId, flagsOf(record));
        c.ws = ws;
        this.connections.set(key, c);
        this.follow(record.guildId);
        set(c);
        c.send(VoiceOp.Ready, { ssrc: c.ssrc, ip: '127.0.0.1', port: 0, modes: [], experiments: [], streams: [] });
        return;
      }
      case VoiceOp.SelectProtocol: {
        if (!conn) return ws.close(VoiceClose.NotAuthenticated, 'Not authenticated.');
        const d = (f.d ?? {}) as { protocol?: string; data?: unknown; sdp?: unknown };
        const sdp = typeof d.sdp === 'string' ? d.sdp : typeof d.data === 'string' ? d.data : undefined;
        if (d.protocol !== 'webrtc' || !sdp) return ws.close(VoiceClose.UnknownProtocol, 'Unknown protocol.');
        if ((sdp.match(/^m=/gm)?.length ?? 0) > MAX_MEDIA_SECTIONS) return ws.close(VoiceClose.DecodeError, 'Too many media sections.');
        conn.peer?.close();
        conn.peer = await this.media.connect(conn.channelId, conn.userId, sdp, conn.flags, {
          speaking: (speaking) => this.speaking(conn, speaking),
          sources: (sources) => {
            for (const s of sources) conn.send(VoiceOp.Video, { user_id: s.userId, x_audio_mid: s.audio ?? null, x_video_mid: s.video ?? null, x_screen_mid: s.screen ?? null });
          },
        });
        conn.send(VoiceOp.SessionDescription, { audio_codec: 'opus', video_codec: 'VP8', media_session_id: conn.ssrc.toString(16), sdp: conn.peer.answer });
        const others = [...this.connections.values()].filter((o) => o !== conn && o.guildId === conn.guildId && o.channelId === conn.channelId);
        if (others.length) conn.send(VoiceOp.ClientsConnect, { user_ids: others.map((o) => o.userId) });
        for (const o of others) o.send(VoiceOp.ClientsConnect, { user_ids: [conn.userId] });
        return;
      }
      case VoiceOp.Speaking: {
        // Clients announce their own speaking too; the levels the server sees decide for browsers.
        if (!conn) return ws.close(VoiceClose.NotAuthenticated, 'Not authenticated.');
        this.speaking(conn, Boolean(f.d?.speaking));
        return;
      }
      case VoiceOp.Video:
        return;
      default:
        // Discord clients send ops this server has nothing for (codecs, client flags, platform): ignored.
        if (f.op >= 0 && f.op < 100) return;
        return ws.close(VoiceClose.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private speaking(conn: VoiceConnection, speaking: boolean): void {
    if (speaking && !conn.flags.sendAudio) return;
    if (speaking === conn.speaking) return;
    conn.speaking = speaking;
    for (const o of this.roomOf(conn)) o.send(VoiceOp.Speaking, { user_id: conn.userId, ssrc: conn.ssrc, speaking: speaking ? 1 : 0 });
  }

  private roomOf(conn: VoiceConnection): VoiceConnection[] {
    return [...this.connections.values()].filter((o) => o.guildId === conn.guildId && o.channelId === conn.channelId);
  }

  /** Voice state changes of the guild reach its connections here, wherever they were made. */
  private follow(guildId: string): void {
    const sub = this.guildSubs.get(guildId);
    if (sub) {
      sub.count++;
      return;
    }
    const handler = (m: BusMessage) => {
      if (m.kind === 'dispatch' && m.t === 'VOICE_STATE_UPDATE') this.onVoiceState(m.d);
    };
    this.guildSubs.set(guildId, { count: 1, unsubscribe: this.deps.bus.subscribe(guildTopic(guildId), handler) });
  }

  private unfollow(guildId: string): void {
    const sub = this.guildSubs.get(guildId);
    if (!sub || --sub.count > 0) return;
    this.guildSubs.delete(guildId);
    void sub.unsubscribe.then((off) => off()).catch(() => undefined);
  }

  private onVoiceState(d: VoiceStateUpdateData): void {
    const conn = this.connections.get(`${d.guild_id}:${d.user_id}`);
    if (!conn) return;
    if (d.channel_id === null || d.session_id !== conn.sessionId) return this.end(conn, VoiceClose.Disconnected, 'Disconnected.');
    conn.flags = flagsOf({ mute: d.mute, selfMute: d.self_mute, suppress: d.suppress, deaf: d.deaf, selfDeaf: d.self_deaf });
    conn.peer?.setFlags(conn.flags);
    if (!conn.flags.sendAudio) this.speaking(conn, false);
    if (d.channel_id !== conn.channelId) {
      for (const o of this.roomOf(conn)) if (o !== conn) o.send(VoiceOp.ClientDisconnect, { user_id: conn.userId });
      conn.channelId = d.channel_id;
      conn.peer?.moveTo(d.channel_id);
      for (const o of this.roomOf(conn)) if (o !== conn) o.send(VoiceOp.ClientsConnect, { user_ids: [conn.userId] });
    }
  }

  private end(conn: VoiceConnection, code: number, reason: string): void {
    const key = `${conn.guildId}:${conn.userId}`;
    if (this.connections.get(key) !== conn) return;
    this.connections.delete(key);
    conn.peer?.close();
    conn.ws?.close(code, reason);
    this.speaking(conn, false);
    for (const o of this.roomOf(conn)) o.send(VoiceOp.ClientDisconnect, { user_id: conn.userId });
    this.unfollow(conn.guildId);
  }

  private sweep(): void {
    const now = Date.now();
    for (const c of [...this.connections.values()]) {
      if (c.detachedAt && now - c.detachedAt > RESUME_WINDOW_MS) this.end(c, VoiceClose.SessionTimeout, 'Session timed out.');
      else if (c.ws && now - c.lastBeat > HEARTBEAT_MS * 2 + 5000) c.ws.close(VoiceClose.SessionTimeout, 'Session timed out.');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const c of [...this.connections.values()]) this.end(c, 1001, 'Going away.');
    await this.media.close();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}
