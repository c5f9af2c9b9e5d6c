/** Test helpers: a real server on a free port, a small REST caller, and a raw gateway client. */
import WebSocket from 'ws';
import type { ConfigInput } from '../src/config.js';
import { startTestServer, type TestServer } from '../src/testing.js';

export type { TestServer };

export function startServer(overrides: ConfigInput = {}): Promise<TestServer> {
  return startTestServer(overrides);
}

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class Api {
  constructor(
    readonly base: string,
    readonly token?: string,
    readonly prefix = '/api/v10',
  ) {}

  as(token: string): Api {
    return new Api(this.base, token, this.prefix);
  }

  async raw(method: string, route: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Res> {
    const res = await fetch(this.base + this.prefix + route, {
      method,
      headers: { ...(this.token ? { authorization: this.token } : {}), ...init.headers },
      body: init.body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  req(method: string, route: string, body?: unknown): Promise<Res> {
    return this.raw(method, route, body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  }
  get = (route: string) => this.req('GET', route);
  post = (route: string, body?: unknown) => this.req('POST', route, body ?? {});
  patch = (route: string, body: unknown) => this.req('PATCH', route, body);
  put = (route: string, body?: unknown) => this.req('PUT', route, body);
  delete = (route: string) => this.req('DELETE', route);
}

let counter = 0;
export async function register(base: string, name = `user${Date.now().toString(36)}${counter++}`): Promise<{ api: Api; token: string; id: string; username: string }> {
  const res = await new Api(base).post('/auth/register', { email: `${name}@example.com`, username: name, password: 'correct horse battery' });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { api: new Api(base, res.body.token), token: res.body.token, id: res.body.user_id, username: name };
}

/** A guild with its #general channel id. */
export async function createGuild(api: Api, name = 'Test Guild'): Promise<{ guild: any; generalId: string }> {
  const res = await api.post('/guilds', { name });
  if (res.status !== 201) throw new Error(`create guild failed: ${res.status} ${JSON.stringify(res.body)}`);
  const general = res.body.channels.find((c: any) => c.type === 0);
  return { guild: res.body, generalId: general.id };
}

/** `member` joins the guild of `channelId` through a fresh invite made by `owner`. */
export async function join(owner: Api, member: Api, channelId: string): Promise<void> {
  const inv = await owner.post(`/channels/${channelId}/invites`, { max_age: 0 });
  const res = await member.post(`/invites/${inv.body.code}`);
  if (res.status !== 200) throw new Error(`join failed: ${res.status} ${JSON.stringify(res.body)}`);
}

export interface Frame {
  op: number;
  d: any;
  s: number | null;
  t: string | null;
}

/** A raw gateway client that records every frame, for asserting the protocol itself. */
export class GatewayTester {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];
  private heartbeat?: NodeJS.Timeout;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()));
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => {
      clearInterval(this.heartbeat);
      resolve({ code, reason: reason.toString() });
      for (const w of this.waiters.splice(0)) w();
    }));
  }

  static async connect(url: string, query = '?v=10&encoding=json'): Promise<GatewayTester> {
    const ws = new WebSocket(url + query);
    const t = new GatewayTester(ws);
    await t.next((f) => f.op === 10);
    return t;
  }

  /** Connects and identifies; resolves after READY and one GUILD_CREATE per guild. */
  static async identify(url: string, token: string, intents = 0b1111111111111111, extra: Record<string, unknown> = {}): Promise<GatewayTester> {
    const t = await GatewayTester.connect(url);
    t.send({ op: 2, d: { token, intents, properties: { os: 'linux', browser: 'test', device: 'test' }, ...extra } });
    const ready = await t.next((f) => f.t === 'READY');
    const want = intents & 1 ? ready.d.guilds.length : 0;
    await t.waitUntil(() => t.dispatches('GUILD_CREATE').length >= want);
    return t;
  }

  send(payload: unknown): void {
    this.ws.send(JSON.stringify(payload));
  }

  /** Heartbeats on the interval from Hello, as a real client would. */
  keepAlive(): void {
    const hello = this.frames.find((f) => f.op === 10);
    this.heartbeat = setInterval(() => this.send({ op: 1, d: this.lastSeq() }), hello?.d.heartbeat_interval ?? 30_000);
  }

  lastSeq(): number | null {
    let s: number | null = null;
    for (const f of this.frames) if (f.s !== null && f.s !== undefined) s = f.s;
    return s;
  }

  dispatches(t?: string): Frame[] {
    return this.frames.filter((f) => f.op === 0 && (t === undefined || f.t === t));
  }

  /** Resolves with the first recorded frame (from `from` on) matching `pred`. */
  async next(pred: (f: Frame) => boolean, timeoutMs = 5000, from = 0): Promise<Frame> {
    let found: Frame | undefined;
    await this.waitUntil(() => (found = this.frames.slice(from).find(pred)) !== undefined, timeoutMs);
    return found!;
  }

  async waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (this.ws.readyState === WebSocket.CLOSED && !cond()) throw new Error(`socket closed while waiting; frames: ${JSON.stringify(this.frames.slice(-3))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting; last frames: ${JSON.stringify(this.frames.slice(-3)).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(code = 1000): void {
    clearInterval(this.heartbeat);
    this.ws.close(code);
  }

  /** Drops the TCP connection without a close frame, like a lost network. */
  terminate(): void {
    clearInterval(this.heartbeat);
    this.ws.terminate();
  }
}
