/** Concord's public REST API (Discord v10 shapes), only what the load tool needs. */
import { HttpClient } from './http.js';

export interface Account {
  token: string;
  userId: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${JSON.stringify(body)}`);
  }
}

export class Api {
  readonly http: HttpClient;

  /** `apiBase` is e.g. http://127.0.0.1:8080/api/v10 */
  constructor(readonly apiBase: string, maxSockets = 64) {
    this.http = new HttpClient(apiBase, maxSockets);
  }

  private async call<T>(what: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const res = await this.http.request<T>(method, path, body, token);
    if (res.status >= 300) throw new ApiError(res.status, res.body, what);
    return res.body;
  }

  /** Registers the account, or logs in when it already exists. */
  async account(username: string, password: string): Promise<Account> {
    const email = `${username}@bench.invalid`;
    const reg = await this.http.request<{ token: string; user_id: string }>('POST', '/auth/register', { email, username, password });
    if (reg.status < 300) return { token: reg.body.token, userId: reg.body.user_id };
    const login = await this.call<{ token: string; user_id: string }>('login', 'POST', '/auth/login', { login: email, password });
    return { token: login.token, userId: login.user_id };
  }

  /** Creates a guild and answers its id and first text channel. */
  async createGuild(token: string, name: string): Promise<{ guildId: string; channelId: string }> {
    const g = await this.call<{ id: string; channels?: { id: string; type: number }[] }>('create guild', 'POST', '/guilds', { name }, token);
    let channels = g.channels;
    if (!channels) channels = await this.call('list channels', 'GET', `/guilds/${g.id}/channels`, undefined, token);
    const text = channels!.find((c) => c.type === 0);
    if (!text) throw new Error('the new guild has no text channel');
    return { guildId: g.id, channelId: text.id };
  }

  async invite(token: string, channelId: string): Promise<string> {
    return (await this.call<{ code: string }>('create invite', 'POST', `/channels/${channelId}/invites`, { max_age: 0 }, token)).code;
  }

  async join(token: string, code: string): Promise<void> {
    await this.call('accept invite', 'POST', `/invites/${code}`, {}, token);
  }

  /** An AutoMod rule (the caller needs MANAGE_GUILD). */
  async autoModRule(token: string, guildId: string, body: unknown): Promise<void> {
    await this.call('create automod rule', 'POST', `/guilds/${guildId}/auto-moderation/rules`, body, token);
  }

  send(token: string, channelId: string, content: string, nonce: string) {
    return this.http.request<{ id: string }>('POST', `/channels/${channelId}/messages`, { content, nonce }, token);
  }

  history(token: string, channelId: string, query = 'limit=50') {
    return this.http.request<{ id: string; content: string; nonce?: string }[]>('GET', `/channels/${channelId}/messages?${query}`, undefined, token);
  }

  /** Opens (or finds) the DM with `userId`; answers its channel id. */
  async openDm(token: string, userId: string): Promise<string> {
    return (await this.call<{ id: string }>('open dm', 'POST', '/users/@me/channels', { recipient_id: userId }, token)).id;
  }

  ack(token: string, channelId: string, messageId: string) {
    return this.http.request<{ token: null }>('POST', `/channels/${channelId}/messages/${messageId}/ack`, {}, token);
  }

  /** The receipt cursors of a DM's other recipients (extension). */
  receipts(token: string, channelId: string) {
    return this.call<{ user_id: string; delivered_message_id: string | null; read_message_id: string | null }[]>('receipts', 'GET', `/channels/${channelId}/x-receipts`, undefined, token);
  }

  close(): void {
    this.http.close();
  }
}

/** Accounts `prefix0..prefixN-1`, all members of one new guild owned by the first. */
export async function setupGuild(api: Api, prefix: string, users: number, password: string) {
  const accounts: Account[] = [];
  for (let i = 0; i < users; i += 8) {
    const batch = Array.from({ length: Math.min(8, users - i) }, (_, j) => api.account(`${prefix}${i + j}`, password));
    accounts.push(...(await Promise.all(batch)));
  }
  const owner = accounts[0]!;
  const { guildId, channelId } = await api.createGuild(owner.token, `bench ${prefix}`);
  const code = await api.invite(owner.token, channelId);
  for (const a of accounts.slice(1)) await api.join(a.token, code);
  return { accounts, guildId, channelId };
}
