/**
 * A REST helper for tests and the setup steps every suite repeats: a person, a guild, a member, a bot.
 * `Api` answers every status (tests assert on status, body and headers); `api.ok` makes the same calls but
 * rejects with an HttpError unless the status is 2xx, for setup and for suites that only read bodies.
 */
import { randomBytes } from 'node:crypto';

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} -> ${status} ${JSON.stringify(body)}`);
  }
}

export interface RawInit {
  body?: string;
  headers?: Record<string, string>;
}

/** The calls of `Api`, answering the body of a 2xx and rejecting with HttpError otherwise. */
export interface OkApi {
  get<T = any>(route: string): Promise<T>;
  post<T = any>(route: string, body?: unknown): Promise<T>;
  patch<T = any>(route: string, body?: unknown): Promise<T>;
  put<T = any>(route: string, body?: unknown): Promise<T>;
  delete<T = any>(route: string): Promise<T>;
}

export class Api {
  readonly ok: OkApi;

  /** `base` is the server origin (http://127.0.0.1:port); routes are relative to `prefix`. */
  constructor(
    readonly base: string,
    readonly token?: string,
    readonly prefix = '/api/v10',
  ) {
    const ok = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
      const res = await this.req<T>(method, route, body);
      if (res.status < 200 || res.status > 299) throw new HttpError(res.status, res.body, `${method} ${route}`);
      return res.body;
    };
    this.ok = {
      get: (r) => ok('GET', r),
      post: (r, b) => ok('POST', r, b ?? {}),
      patch: (r, b) => ok('PATCH', r, b ?? {}),
      put: (r, b) => ok('PUT', r, b),
      delete: (r) => ok('DELETE', r),
    };
  }

  /** The same server and prefix, another identity. */
  as(token: string): Api {
    return new Api(this.base, token, this.prefix);
  }

  /** A request with a hand-made body and headers (malformed JSON, other content types). */
  async raw<T = any>(method: string, route: string, init: RawInit = {}): Promise<Res<T>> {
    const res = await fetch(this.base + this.prefix + route, {
      method,
      headers: { ...(this.token ? { authorization: this.token } : {}), ...init.headers },
      body: init.body,
      // A server that stops answering fails the test instead of hanging it.
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  /** A JSON request; no body when `body` is undefined. */
  req<T = any>(method: string, route: string, body?: unknown): Promise<Res<T>> {
    return this.raw<T>(method, route, body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  }
  get = <T = any>(route: string) => this.req<T>('GET', route);
  post = <T = any>(route: string, body?: unknown) => this.req<T>('POST', route, body ?? {});
  patch = <T = any>(route: string, body: unknown) => this.req<T>('PATCH', route, body);
  put = <T = any>(route: string, body?: unknown) => this.req<T>('PUT', route, body);
  delete = <T = any>(route: string) => this.req<T>('DELETE', route);
}

/** A name no other test (or worker process) picks: usernames are unique per server. */
export const uniq = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

export const TEST_PASSWORD = 'correct horse battery';

export interface TestUser {
  id: string;
  username: string;
  email: string;
  password: string;
  token: string;
  /** An Api holding this user's token. */
  api: Api;
}

/** Registers a fresh person; `name` is a prefix made unique. */
export async function newUser(base: string, name = 'user'): Promise<TestUser> {
  const username = uniq(name.toLowerCase());
  const email = `${username}@example.test`;
  const res = await new Api(base).post('/auth/register', { email, username, password: TEST_PASSWORD });
  if (res.status !== 201) throw new HttpError(res.status, res.body, 'register');
  return { id: res.body.user_id, username, email, password: TEST_PASSWORD, token: res.body.token, api: new Api(base, res.body.token) };
}

export interface TestGuild {
  id: string;
  /** The #general text channel. */
  generalId: string;
  /** The "General" voice channel every new guild has. */
  voiceId: string;
  /** The guild as POST /guilds answered it. */
  guild: any;
}

/**
 * A new guild with its #general. Its join notices are off unless `joinNotices` (suites count the messages of
 * #general, and a join posts one there, as on Discord).
 */
export async function newGuild(api: Api, name = 'Test Guild', opts: { joinNotices?: boolean } = {}): Promise<TestGuild> {
  const res = await api.post('/guilds', { name });
  if (res.status !== 201) throw new HttpError(res.status, res.body, 'create guild');
  const general = res.body.channels.find((c: { type: number }) => c.type === 0);
  if (!general) throw new Error('new guild has no text channel');
  if (!opts.joinNotices) await api.ok.patch(`/guilds/${res.body.id}`, { system_channel_flags: 1 });
  const voice = res.body.channels.find((c: { type: number }) => c.type === 2);
  return { id: res.body.id, generalId: general.id, voiceId: voice?.id, guild: res.body };
}

/** `member` joins the guild of `channelId` through a fresh unlimited invite made by `owner`. */
export async function join(owner: Api, member: Api, channelId: string): Promise<void> {
  const inv = await owner.ok.post<{ code: string }>(`/channels/${channelId}/invites`, { max_age: 0, max_uses: 0 });
  const res = await member.post(`/invites/${inv.code}`);
  if (res.status !== 200) throw new HttpError(res.status, res.body, 'join');
}

export interface TestBot {
  applicationId: string;
  userId: string;
  username: string;
  token: string;
  /** An Api authorised as `Bot <token>`. */
  api: Api;
}

/** Application flags granting privileged intents to a bot. */
export const AppFlags = { GatewayPresence: 1 << 12, GatewayGuildMembers: 1 << 14, GatewayMessageContent: 1 << 18 } as const;

/** Creates an application with a bot user; `flags` grant privileged intents (see AppFlags). */
export async function newBot(owner: Api, name = uniq('bot'), flags = 0): Promise<TestBot> {
  const app = await owner.ok.post<{ id: string; bot: { id: string; username: string; token: string } }>('/applications', { name, flags });
  return { applicationId: app.id, userId: app.bot.id, username: app.bot.username, token: app.bot.token, api: owner.as(`Bot ${app.bot.token}`) };
}

/** The guild owner adds the bot with `permissions` (default: view, send, read history, manage messages, invites). */
export async function addBot(owner: Api, guildId: string, bot: TestBot, permissions = String(1024 + 2048 + 65536 + 8192 + 64)): Promise<void> {
  await owner.ok.post(`/oauth2/authorize?client_id=${bot.applicationId}&scope=bot`, { guild_id: guildId, permissions, authorize: true });
}
