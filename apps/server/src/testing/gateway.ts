/**
 * A raw gateway client for tests: it speaks Gateway v10 JSON over `ws`, records every frame, and never does
 * anything by itself (no reconnects; heartbeats only after keepAlive()), so a test can assert the protocol
 * itself. Every wait has a timeout and fails fast when the socket closes: a broken server fails a test, it
 * never hangs one.
 */
import WebSocket from 'ws';

export interface Frame {
  op: number;
  d: any;
  s: number | null;
  t: string | null;
}

export interface GatewayTesterOptions {
  /** Appended to the URL; Discord's own query by default. */
  query?: string;
  /** Default for the handshake and for every wait of this tester. */
  timeoutMs?: number;
}

export interface WaitOptions {
  /** Defaults to the tester's timeoutMs (5 s unless given at connect). */
  timeoutMs?: number;
  /** Only frames recorded at or after this index count (`t.frames.length` before the action). */
  from?: number;
  /** Names the wait in its timeout error. */
  what?: string;
}

/** What a wait resolves with: the condition's answer, which is never falsy by then. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/** Intent bits 0-15: every event a test may want, privileged ones included. */
export const TEST_INTENTS = 0b1111111111111111 | (1 << 20) | (1 << 21);

const PROPERTIES = { os: 'linux', browser: 'concord-test', device: 'concord-test' };

export class GatewayTester {
  /** Every frame received, in order. */
  readonly frames: Frame[] = [];
  /** Resolves once the socket is closed, with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** The close code once closed (for wait conditions); undefined while open. */
  closeCode: number | undefined;
  private waiters = new Set<() => void>();
  private heartbeat?: NodeJS.Timeout;

  private constructor(
    readonly ws: WebSocket,
    readonly timeoutMs: number,
  ) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      this.wake();
    });
    // A refused or aborted connection is reported through 'close' (1006); without a listener 'error' would throw.
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        clearInterval(this.heartbeat);
        this.closeCode = code;
        resolve({ code, reason: reason.toString() });
        this.wake();
      }),
    );
  }

  /** Opens a socket and resolves after Hello (op 10). */
  static async connect(url: string, opts: GatewayTesterOptions = {}): Promise<GatewayTester> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    const t = new GatewayTester(new WebSocket(url + (opts.query ?? '?v=10&encoding=json'), { handshakeTimeout: timeoutMs }), timeoutMs);
    await t.next((f) => f.op === 10, { what: 'Hello' });
    return t;
  }

  /** Connects and identifies; resolves after READY and, with the Guilds intent, one GUILD_CREATE per guild. */
  static async identify(url: string, token: string, intents = TEST_INTENTS, extra: Record<string, unknown> = {}, opts: GatewayTesterOptions = {}): Promise<GatewayTester> {
    const t = await GatewayTester.connect(url, opts);
    t.send({ op: 2, d: { token, intents, properties: PROPERTIES, ...extra } });
    const ready = await t.next((f) => f.t === 'READY', { what: 'READY' });
    const want = intents & 1 ? (ready.d.guilds as unknown[]).length : 0;
    await t.waitUntil(() => t.dispatches('GUILD_CREATE').length >= want, { what: `${want} GUILD_CREATEs` });
    return t;
  }

  /** Connects and sends Resume (op 6); resolves after RESUMED or op 9, whichever the server answers. */
  static async resume(url: string, token: string, sessionId: string, seq: number, opts: GatewayTesterOptions = {}): Promise<GatewayTester> {
    const t = await GatewayTester.connect(url, opts);
    t.send({ op: 6, d: { token, session_id: sessionId, seq } });
    await t.next((f) => f.t === 'RESUMED' || f.op === 9, { what: 'RESUMED or op 9' });
    return t;
  }

  send(payload: unknown): void {
    this.ws.send(JSON.stringify(payload));
  }

  /** Heartbeats on the interval from Hello, as a real client would (tests of silence simply don't call it). */
  keepAlive(): void {
    const hello = this.frames.find((f) => f.op === 10);
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (this.ws.readyState === WebSocket.OPEN) this.send({ op: 1, d: this.lastSeq() });
    }, hello?.d.heartbeat_interval ?? 30_000);
    // A forgotten tester must not keep the test process alive.
    this.heartbeat.unref();
  }

  /** READY's data, once it arrived. */
  get ready(): any {
    return this.frames.find((f) => f.t === 'READY')?.d;
  }

  get sessionId(): string | undefined {
    return this.ready?.session_id;
  }

  /** The last sequence number received (what Heartbeat and Resume send). */
  lastSeq(): number | null {
    let s: number | null = null;
    for (const f of this.frames) if (f.s !== null && f.s !== undefined) s = f.s;
    return s;
  }

  /** Dispatches (op 0), of one event type if given, in arrival order. */
  dispatches(t?: string): Frame[] {
    return this.frames.filter((f) => f.op === 0 && (t === undefined || f.t === t));
  }

  /** Resolves with the first recorded frame (from `opts.from` on, past or future) matching `pred`. */
  async next(pred: (f: Frame) => boolean, opts: WaitOptions = {}): Promise<Frame> {
    let found: Frame | undefined;
    await this.waitUntil(() => (found = this.frames.slice(opts.from ?? 0).find(pred)) !== undefined, { what: 'a matching frame', ...opts });
    return found!;
  }

  /**
   * Resolves with `cond`'s first truthy answer, re-checked on every frame and on close. Rejects when the socket
   * closes first (unless `cond` holds then) or after the timeout; an exception from `cond` rejects too.
   */
  waitUntil<T>(cond: () => T, opts: WaitOptions = {}): Promise<Truthy<T>> {
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const what = opts.what ?? 'a condition';
    const last = () => JSON.stringify(this.frames.slice(-3)).slice(0, 500);
    return new Promise<Truthy<T>>((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      const check = () => {
        let v: T;
        try {
          v = cond();
        } catch (err) {
          return finish(() => reject(err));
        }
        if (v) finish(() => resolve(v as Truthy<T>));
        else if (this.closeCode !== undefined) finish(() => reject(new Error(`socket closed (${this.closeCode}) while waiting for ${what}; last frames: ${last()}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last frames: ${last()}`))), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Starts a close handshake; `await t.closed` for its end, or use closeAndWait. */
  close(code = 1000): void {
    clearInterval(this.heartbeat);
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else this.ws.close(code);
  }

  /** Closes and waits for the socket to be closed; drops the connection if the handshake takes over 2 s. */
  async closeAndWait(code = 1000): Promise<void> {
    if (this.closeCode !== undefined) return;
    this.close(code);
    const timer = setTimeout(() => this.ws.terminate(), 2000);
    await this.closed;
    clearTimeout(timer);
  }

  /** Drops the TCP connection without a close frame, like a lost network. */
  terminate(): void {
    clearInterval(this.heartbeat);
    this.ws.terminate();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
