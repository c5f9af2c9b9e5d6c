/**
 * A small raw gateway client for tests, speaking Discord's Gateway v10 over the `ws` package: Hello,
 * Identify or Resume, heartbeats, and a log of every dispatch with helpers to wait for one. It never
 * reconnects by itself; tests drive reconnects explicitly.
 */
import WebSocket from 'ws';

export interface Frame {
  op: number;
  d: any;
  s: number | null;
  t: string | null;
}

export const Intents = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  GuildMessageTyping: 1 << 11,
  MessageContent: 1 << 15,
} as const;

/** Guilds | GuildMessages | MessageContent, what a typical discord.js bot sends. */
export const DEFAULT_INTENTS = 33281;

export interface GatewayOptions {
  /** ws://host:port/gateway (query added here). */
  url: string;
  token: string;
  intents?: number;
  /** Resume this session instead of identifying. */
  resume?: { sessionId: string; seq: number };
  /** Default wait for READY and for waitFor/until. */
  timeoutMs?: number;
}

export class GatewayClient {
  readonly frames: Frame[] = [];
  readonly dispatches: Frame[] = [];
  seq: number | null = null;
  sessionId: string | undefined;
  resumeUrl: string | undefined;
  ready: any;
  closeCode: number | undefined;
  closeReason = '';
  private ws: WebSocket;
  private heartbeat: NodeJS.Timeout | undefined;
  private waiters = new Set<() => void>();
  readonly closed: Promise<number>;

  constructor(readonly opts: GatewayOptions) {
    this.ws = new WebSocket(`${opts.url}?v=10&encoding=json`, { handshakeTimeout: opts.timeoutMs ?? 5000 });
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        clearInterval(this.heartbeat);
        this.notify();
        resolve(code);
      });
    });
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data) => this.onFrame(JSON.parse(data.toString()) as Frame));
  }

  /** Connects and identifies (or resumes); resolves on READY (or RESUMED / op 9). */
  static async connect(opts: GatewayOptions): Promise<GatewayClient> {
    const c = new GatewayClient(opts);
    if (opts.resume) await c.waitFor((f) => (f.op === 0 && f.t === 'RESUMED') || f.op === 9, 'RESUMED or op 9');
    else await c.waitFor((f) => f.op === 0 && f.t === 'READY', 'READY');
    return c;
  }

  private onFrame(f: Frame): void {
    this.frames.push(f);
    if (f.s != null) this.seq = f.s;
    if (f.op === 10) {
      const interval = Number(f.d.heartbeat_interval);
      this.heartbeat = setInterval(() => this.send(1, this.seq), interval);
      this.heartbeat.unref();
      if (this.opts.resume) this.send(6, { token: this.opts.token, session_id: this.opts.resume.sessionId, seq: this.opts.resume.seq });
      else this.identify();
    } else if (f.op === 0) {
      this.dispatches.push(f);
      if (f.t === 'READY') {
        this.ready = f.d;
        this.sessionId = f.d.session_id;
        this.resumeUrl = f.d.resume_gateway_url;
      }
    }
    this.notify();
  }

  identify(): void {
    this.send(2, { token: this.opts.token, intents: this.opts.intents ?? DEFAULT_INTENTS, properties: { os: 'linux', browser: 'concord-e2e', device: 'concord-e2e' } });
  }

  send(op: number, d: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ op, d }));
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Waits until some received frame (past or future) matches. */
  waitFor(pred: (f: Frame) => boolean, what: string, timeoutMs = this.opts.timeoutMs ?? 10_000): Promise<Frame> {
    return this.until(() => this.frames.find(pred), what, timeoutMs);
  }

  /** Waits until `check` answers something other than undefined (re-checked on every frame and on close). */
  until<T>(check: () => T | undefined, what: string, timeoutMs = this.opts.timeoutMs ?? 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        let v: T | undefined;
        try {
          v = check();
        } catch (err) {
          done();
          reject(err);
          return;
        }
        if (v !== undefined) {
          done();
          resolve(v);
        } else if (this.closeCode !== undefined) {
          done();
          reject(new Error(`gateway closed (${this.closeCode} ${this.closeReason}) while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(attempt);
      };
      this.waiters.add(attempt);
      attempt();
    });
  }

  /** Dispatches of one event type, in arrival order. */
  events(t: string): any[] {
    return this.dispatches.filter((f) => f.t === t).map((f) => f.d);
  }

  /** Closes the socket (a code other than 1000/1001 keeps the session resumable). */
  async close(code = 4999): Promise<void> {
    clearInterval(this.heartbeat);
    if (this.closeCode !== undefined) return;
    if (this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.terminate();
    } else {
      this.ws.close(code);
    }
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 2000))]);
    if (this.closeCode === undefined) this.ws.terminate();
  }
}

/** Connects, sends Identify, and resolves with the close code the server answers (or rejects on READY / timeout). */
export async function identifyCloseCode(url: string, token: string, intents: number, timeoutMs = 5000): Promise<number> {
  const c = new GatewayClient({ url, token, intents, timeoutMs });
  try {
    return await c.until(
      () => {
        if (c.ready) throw new Error('got READY, expected the server to close');
        return c.closeCode;
      },
      'close code',
      timeoutMs,
    );
  } finally {
    await c.close(1000);
  }
}
