/**
 * A tiny REST helper for end-to-end tests: Discord-shaped JSON calls against a Concord base URL, plus the
 * setup steps every suite repeats (register a person, create a guild, create a bot and add it).
 */
import { randomBytes } from 'node:crypto';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} -> ${status} ${JSON.stringify(body)}`);
  }
}

export interface Api {
  readonly base: string;
  readonly token: string | undefined;
  request<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  get<T = any>(path: string): Promise<T>;
  post<T = any>(path: string, body?: unknown): Promise<T>;
  patch<T = any>(path: string, body?: unknown): Promise<T>;
  put<T = any>(path: string, body?: unknown): Promise<T>;
  delete<T = any>(path: string): Promise<T>;
}

/** `base` is the server origin (http://127.0.0.1:port); paths are relative to /api/v10. */
export function api(base: string, token?: string, timeoutMs = 10_000): Api {
  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}/api/v10${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new HttpError(res.status, parsed, `${method} ${path}`);
    return parsed as T;
  };
  return {
    base,
    token,
    request,
    get: (p) => request('GET', p),
    post: (p, b) => request('POST', p, b ?? {}),
    patch: (p, b) => request('PATCH', p, b ?? {}),
    put: (p, b) => request('PUT', p, b),
    delete: (p) => request('DELETE', p),
  };
}

export const uniq = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

export interface Person {
  id: string;
  username: string;
  token: string;
  api: Api;
}

export async function registerPerson(base: string, name = uniq('user')): Promise<Person> {
  const username = name.toLowerCase();
  const r = await api(base).post<{ token: string; user_id: string }>('/auth/register', {
    email: `${username}@example.test`,
    username,
    password: 'correct horse battery staple',
  });
  return { id: r.user_id, username, token: r.token, api: api(base, r.token) };
}

export interface GuildSetup {
  id: string;
  /** The #general text channel. */
  channelId: string;
}

export async function createGuild(owner: Person, name = 'Test Guild'): Promise<GuildSetup> {
  const g = await owner.api.post<{ id: string; system_channel_id: string; channels: { id: string; type: number; name: string }[] }>('/guilds', { name });
  const general = g.channels.find((c) => c.type === 0) ?? g.channels.find((c) => c.id === g.system_channel_id);
  if (!general) throw new Error('new guild has no text channel');
  return { id: g.id, channelId: general.id };
}

/** Joins a guild through a fresh invite. */
export async function joinGuild(owner: Person, guild: GuildSetup, person: Person): Promise<void> {
  const invite = await owner.api.post<{ code: string }>(`/channels/${guild.channelId}/invites`, { max_age: 0, max_uses: 0 });
  await person.api.post(`/invites/${invite.code}`, {});
}

export interface Bot {
  applicationId: string;
  userId: string;
  username: string;
  token: string;
  api: Api;
}

export const AppFlags = { GatewayPresence: 1 << 12, GatewayGuildMembers: 1 << 14, GatewayMessageContent: 1 << 18 } as const;

/** Creates an application with a bot user; `flags` grant privileged intents (see AppFlags). */
export async function createBot(owner: Person, name = uniq('bot'), flags = 0): Promise<Bot> {
  const app = await owner.api.post<{ id: string; bot: { id: string; username: string; token: string } }>('/applications', { name, flags });
  return { applicationId: app.id, userId: app.bot.id, username: app.bot.username, token: app.bot.token, api: api(owner.api.base, `Bot ${app.bot.token}`) };
}

/** The guild owner adds the bot with the given permissions (default: view, send, read history, manage messages). */
export async function addBot(owner: Person, guild: GuildSetup, bot: Bot, permissions = String(1024 + 2048 + 65536 + 8192 + 64)): Promise<void> {
  await owner.api.post(`/oauth2/authorize?client_id=${bot.applicationId}&scope=bot`, { guild_id: guild.id, permissions, authorize: true });
}
