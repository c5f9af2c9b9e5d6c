import type { Queryable, Row } from '../../store/db.js';

export interface WebhookRecord {
  id: string;
  type: number;
  guild_id: string;
  channel_id: string;
  creator_id: string;
  name: string;
  avatar: string | null;
  token_hash: string;
  created_at: number;
}

export type WebhookPatch = Partial<Pick<WebhookRecord, 'name' | 'avatar' | 'channel_id'>>;

export interface WebhookStore {
  create(w: WebhookRecord): Promise<void>;
  get(id: string): Promise<WebhookRecord | undefined>;
  listByChannel(channelId: string): Promise<WebhookRecord[]>;
  listByGuild(guildId: string): Promise<WebhookRecord[]>;
  countByChannel(channelId: string): Promise<number>;
  update(id: string, patch: WebhookPatch): Promise<WebhookRecord | undefined>;
  delete(id: string): Promise<boolean>;
  deleteByChannels(channelIds: readonly string[]): Promise<void>;
}

const toWebhook = (r: Row): WebhookRecord => ({
  id: String(r.id),
  type: r.type,
  guild_id: String(r.guild_id),
  channel_id: String(r.channel_id),
  creator_id: String(r.creator_id),
  name: r.name,
  avatar: r.avatar ?? null,
  token_hash: r.token_hash,
  created_at: Number(r.created_at),
});

export class SqlWebhookStore implements WebhookStore {
  constructor(private readonly db: Queryable) {}

  async create(w: WebhookRecord) {
    await this.db.run(
      'INSERT INTO webhooks (id, type, guild_id, channel_id, creator_id, name, avatar, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [w.id, w.type, w.guild_id, w.channel_id, w.creator_id, w.name, w.avatar, w.token_hash, w.created_at],
    );
  }
  async get(id: string) {
    const r = await this.db.get('SELECT * FROM webhooks WHERE id = ?', [id]);
    return r && toWebhook(r);
  }
  async listByChannel(channelId: string) {
    return (await this.db.all('SELECT * FROM webhooks WHERE channel_id = ? ORDER BY id', [channelId])).map(toWebhook);
  }
  async listByGuild(guildId: string) {
    return (await this.db.all('SELECT * FROM webhooks WHERE guild_id = ? ORDER BY id', [guildId])).map(toWebhook);
  }
  async countByChannel(channelId: string) {
    const r = await this.db.get('SELECT COUNT(*) AS n FROM webhooks WHERE channel_id = ?', [channelId]);
    return Number(r?.n ?? 0);
  }
  async update(id: string, patch: WebhookPatch) {
    const sets: string[] = [];
    const values: (string | null)[] = [];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      sets.push(`${k} = ?`);
      values.push(v);
    }
    if (sets.length > 0) await this.db.run(`UPDATE webhooks SET ${sets.join(', ')} WHERE id = ?`, [...values, id]);
    return this.get(id);
  }
  async delete(id: string) {
    return (await this.db.run('DELETE FROM webhooks WHERE id = ?', [id])).changes > 0;
  }
  async deleteByChannels(channelIds: readonly string[]) {
    for (const id of channelIds) await this.db.run('DELETE FROM webhooks WHERE channel_id = ?', [id]);
  }
}
