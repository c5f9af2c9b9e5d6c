/** Typed REST client for Concord's Discord-v10 API: fetch-based, base URL + token, Discord errors as RestError. */
import type {
  ApiErrorBody,
  AuthResponse,
  Channel,
  FieldErrors,
  Guild,
  Invite,
  Member,
  Message,
  Overwrite,
  RateLimitBody,
  User,
} from '@concord/protocol';

export interface RestOptions {
  /** Server origin, e.g. `http://localhost:8080` (or `''` in a browser served by the server itself). */
  baseUrl: string;
  token?: string | null;
  fetch?: typeof fetch;
  /** How many times a 429 is retried after its Retry-After before it is thrown (default 1). */
  maxRateLimitRetries?: number;
  /** A 429 asking for a longer wait than this is thrown at once rather than waited out (default 10 s). */
  maxRateLimitWaitMs?: number;
  /** Called when a 429 is received, before waiting or throwing; lets a UI say "slow down". */
  onRateLimited?: (info: { route: string; retryAfterMs: number; global: boolean; willRetry: boolean }) => void;
}

/** A refused request: HTTP status plus Discord's JSON error code; `retryAfterMs` for 429. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: FieldErrors,
    readonly retryAfterMs?: number,
    readonly global = false,
  ) {
    super(message);
    this.name = 'RestError';
  }

  get isRateLimit(): boolean {
    return this.status === 429;
  }

  /** The first field-level message, e.g. "content: Must be 2000 or fewer in length." */
  get detail(): string {
    const walk = (e: FieldErrors | undefined, path: string[]): string | undefined => {
      if (!e) return undefined;
      if (e._errors?.[0]) return `${path.join('.') || 'body'}: ${e._errors[0].message}`;
      for (const [k, v] of Object.entries(e)) {
        if (k === '_errors' || !v || Array.isArray(v)) continue;
        const found = walk(v, [...path, k]);
        if (found) return found;
      }
      return undefined;
    };
    return walk(this.errors, []) ?? this.message;
  }
}

/** The server could not be reached at all (offline, restarting). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(`Network error: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'NetworkError';
  }
}

type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  /** Abort, e.g. when the view that asked goes away. */
  signal?: AbortSignal;
  /** Sent as X-Audit-Log-Reason (percent-encoded, as Discord expects): the reason the audit log records. */
  reason?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RestClient {
  token: string | null;
  private readonly fetchImpl: typeof fetch;
  private readonly api: string;
  /** Route -> time before which requests wait, learned from 429s so a burst does not hammer a closed bucket. */
  private readonly blockedUntil = new Map<string, number>();
  private globalBlockedUntil = 0;

  constructor(private readonly opts: RestOptions) {
    this.token = opts.token ?? null;
    this.fetchImpl = opts.fetch ?? ((...args) => globalThis.fetch(...args));
    this.api = `${opts.baseUrl.replace(/\/$/, '')}/api/v10`;
  }

  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const retries = this.opts.maxRateLimitRetries ?? 1;
    const route = `${method} ${path.replace(/\d{15,}/g, ':id')}`;
    for (let attempt = 0; ; attempt++) {
      const wait = Math.max(this.globalBlockedUntil, this.blockedUntil.get(route) ?? 0) - Date.now();
      if (wait > 0) await sleep(wait);
      const res = await this.send(method, path, o);
      if (res.status === 429) {
        const body = (await res.json().catch(() => ({}))) as Partial<RateLimitBody>;
        const header = Number(res.headers.get('retry-after'));
        const retryAfterMs = Math.ceil(1000 * (body.retry_after ?? (Number.isFinite(header) ? header : 1)));
        const global = Boolean(body.global);
        if (global) this.globalBlockedUntil = Date.now() + retryAfterMs;
        else this.blockedUntil.set(route, Date.now() + retryAfterMs);
        const willRetry = attempt < retries && retryAfterMs <= (this.opts.maxRateLimitWaitMs ?? 10_000);
        this.opts.onRateLimited?.({ route, retryAfterMs, global, willRetry });
        if (willRetry) continue;
        throw new RestError(429, body.code ?? 0, body.message ?? 'You are being rate limited.', undefined, retryAfterMs, global);
      }
      if (res.status === 204) return undefined as T;
      const text = await res.text();
      const data: unknown = text ? JSON.parse(text) : undefined;
      if (!res.ok) {
        const e = (data ?? {}) as Partial<ApiErrorBody>;
        throw new RestError(res.status, e.code ?? 0, e.message ?? `${res.status} ${res.statusText}`, e.errors);
      }
      return data as T;
    }
  }

  private async send(method: string, path: string, o: RequestOptions): Promise<Response> {
    let url = this.api + path;
    if (o.query) {
      const q = Object.entries(o.query).filter((e): e is [string, string | number | boolean] => e[1] !== undefined);
      if (q.length) url += '?' + new URLSearchParams(q.map(([k, v]): [string, string] => [k, String(v)])).toString();
    }
    const headers: Record<string, string> = {};
    if (this.token) headers.Authorization = this.token;
    if (o.body !== undefined) headers['Content-Type'] = 'application/json';
    if (o.reason) headers['X-Audit-Log-Reason'] = encodeURIComponent(o.reason);
    try {
      return await this.fetchImpl(url, {
        method,
        headers,
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
        signal: o.signal,
      });
    } catch (err) {
      if ((err as { name?: string }).name === 'AbortError') throw err;
      throw new NetworkError(err);
    }
  }

  // ---- auth and users ----
  register(body: { email: string; username: string; password: string; global_name?: string }) {
    return this.request<AuthResponse>('POST', '/auth/register', { body });
  }
  login(body: { login: string; password: string }) {
    return this.request<AuthResponse>('POST', '/auth/login', { body });
  }
  logout() {
    return this.request<void>('POST', '/auth/logout');
  }
  me() {
    return this.request<User>('GET', '/users/@me');
  }
  myGuilds() {
    return this.request<Pick<Guild, 'id' | 'name' | 'icon' | 'owner_id'>[]>('GET', '/users/@me/guilds');
  }

  // ---- guilds, members, channels ----
  createGuild(body: { name: string }) {
    return this.request<Guild>('POST', '/guilds', { body });
  }
  getGuild(guildId: string) {
    return this.request<Guild>('GET', `/guilds/${guildId}`);
  }
  listMembers(guildId: string, query: { limit?: number; after?: string } = {}) {
    return this.request<Member[]>('GET', `/guilds/${guildId}/members`, { query });
  }
  listChannels(guildId: string) {
    return this.request<Channel[]>('GET', `/guilds/${guildId}/channels`);
  }
  createChannel(
    guildId: string,
    body: { name: string; type?: 0 | 2 | 4 | 15; parent_id?: string | null; topic?: string | null; position?: number; available_tags?: { name: string; moderated?: boolean }[] },
  ) {
    return this.request<Channel>('POST', `/guilds/${guildId}/channels`, { body });
  }
  modifyChannel(
    channelId: string,
    body: { name?: string; parent_id?: string | null; topic?: string | null; position?: number; permission_overwrites?: Overwrite[] },
  ) {
    return this.request<Channel>('PATCH', `/channels/${channelId}`, { body });
  }
  deleteChannel(channelId: string) {
    return this.request<Channel>('DELETE', `/channels/${channelId}`);
  }

  // ---- invites ----
  createInvite(channelId: string, body: { max_age?: number; max_uses?: number; unique?: boolean } = {}) {
    return this.request<Invite>('POST', `/channels/${channelId}/invites`, { body });
  }
  getInvite(code: string) {
    return this.request<Invite>('GET', `/invites/${encodeURIComponent(code)}`);
  }
  acceptInvite(code: string) {
    return this.request<Invite>('POST', `/invites/${encodeURIComponent(code)}`);
  }

  // ---- messages ----
  listMessages(channelId: string, query: { limit?: number; before?: string; after?: string; around?: string } = {}, signal?: AbortSignal) {
    return this.request<Message[]>('GET', `/channels/${channelId}/messages`, { query, signal });
  }
  getMessage(channelId: string, messageId: string) {
    return this.request<Message>('GET', `/channels/${channelId}/messages/${messageId}`);
  }
  sendMessage(channelId: string, body: { content: string; nonce?: string; enforce_nonce?: boolean }) {
    return this.request<Message>('POST', `/channels/${channelId}/messages`, { body });
  }
  editMessage(channelId: string, messageId: string, body: { content: string }) {
    return this.request<Message>('PATCH', `/channels/${channelId}/messages/${messageId}`, { body });
  }
  deleteMessage(channelId: string, messageId: string) {
    return this.request<void>('DELETE', `/channels/${channelId}/messages/${messageId}`);
  }
  triggerTyping(channelId: string) {
    return this.request<void>('POST', `/channels/${channelId}/typing`);
  }
}
