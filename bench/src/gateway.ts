/**
 * A minimal Gateway v10 client for load generation: Hello -> Identify -> READY, heartbeats, and a raw
 * callback for every dispatch frame (the receiver decides how much of it to parse).
 */
import WebSocket from 'ws';

/** GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT */
export const BENCH_INTENTS = (1 << 0) | (1 << 9) | (1 << 15);

export class GatewaySession {
  private heartbeat: NodeJS.Timeout | undefined;
  private seq: number | null = null;
  /** True once the server closed or dropped the socket after READY. */
  lostAfterReady = false;
  /** Extension op 101: the answer to an op 100 send ({nonce, channel_id, id} or {nonce, error}). */
  onAck?: (d: { nonce: string; id?: string; error?: unknown }) => void;
  private isReady = false;
  closeCode = 0;

  private constructor(
    readonly ws: WebSocket,
    private readonly onDispatch: (frame: string) => void,
  ) {}

  /** Connects and identifies; resolves after READY (when the session is subscribed to its guilds). */
  static connect(url: string, token: string, onDispatch: (frame: string) => void, timeoutMs = 30_000, intents = BENCH_INTENTS): Promise<GatewaySession> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const s = new GatewaySession(ws, onDispatch);
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        s.stopHeartbeat();
        ws.terminate();
        reject(new Error(why));
      };
      const timer = setTimeout(() => fail('timed out before READY'), timeoutMs);
      ws.on('error', (err) => (s.isReady ? undefined : fail(err.message)));
      ws.on('close', (code) => {
        s.closeCode = code;
        s.stopHeartbeat();
        if (s.isReady) s.lostAfterReady = code !== 1000;
        else fail(`closed with ${code} before READY`);
      });
      ws.on('message', (data) => {
        const text = data.toString();
        if (s.isReady && text.startsWith('{"op":0')) return s.onDispatch(text);
        const frame = JSON.parse(text) as { op: number; d: any; s: number | null; t: string | null };
        if (frame.s !== null && frame.s !== undefined) s.seq = frame.s;
        if (frame.op === 10) {
          s.startHeartbeat(frame.d.heartbeat_interval);
          ws.send(JSON.stringify({ op: 2, d: { token, intents, properties: { os: 'linux', browser: 'concord-bench', device: 'concord-bench' } } }));
        } else if (frame.op === 0 && frame.t === 'READY') {
          s.isReady = true;
          clearTimeout(timer);
          resolve(s);
        } else if (frame.op === 0 && s.isReady) {
          s.onDispatch(text);
        } else if (frame.op === 9) {
          fail('invalid session');
        } else if (frame.op === 101) {
          s.onAck?.(frame.d);
        }
      });
    });
  }

  private startHeartbeat(intervalMs: number): void {
    const beat = () => {
      if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ op: 1, d: this.seq }));
    };
    // Discord clients wait a random fraction of the interval first, which spreads thousands of sessions out.
    this.heartbeat = setTimeout(() => {
      beat();
      this.heartbeat = setInterval(beat, intervalMs);
    }, Math.random() * intervalMs);
  }

  private stopHeartbeat(): void {
    clearTimeout(this.heartbeat);
    clearInterval(this.heartbeat);
  }

  /** Sends a gateway frame (e.g. the op 100 send extension). */
  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  private readonly acks = new Map<string, (d: { id?: string; error?: unknown }) => void>();

  /** Extension op 100: sends a message over the gateway and resolves with the op 101 answer. */
  sendMessage(channelId: string, content: string, nonce: string): Promise<{ id?: string; error?: unknown }> {
    this.onAck ??= (d) => {
      this.acks.get(String(d.nonce))?.(d);
      this.acks.delete(String(d.nonce));
    };
    return new Promise((resolve, reject) => {
      if (this.ws.readyState !== WebSocket.OPEN) return reject(new Error(`gateway closed (${this.closeCode})`));
      const onClose = () => reject(new Error(`gateway closed (${this.closeCode}) before op 101`));
      this.ws.once('close', onClose);
      this.acks.set(nonce, (d) => {
        this.ws.off('close', onClose);
        resolve(d);
      });
      this.send({ op: 100, d: { channel_id: channelId, nonce, content } });
    });
  }

  close(): Promise<void> {
    this.stopHeartbeat();
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 5000);
      this.ws.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      this.ws.close(1000);
    });
  }
}
