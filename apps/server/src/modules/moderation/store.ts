import type { Queryable, Row } from '../../store/db.js';

export interface BanRecord {
  guild_id: string;
  user_id: string;
  reason: string | null;
  created_at: number;
}

export interface ModerationStore {
  /** False when already banned. */
  addBan(ban: BanRecord): Promise<boolean>;
  removeBan(guildId: string, userId: string): Promise<boolean>;
  getBan(guildId: string, userId: string): Promise<BanRecord | undefined>;
  /** In user id order: the first `limit` after `after`, or the last `limit` before `before`. */
  listBans(guildId: string, q: { before?: string; after?: string; limit: number }): Promise<BanRecord[]>;
}

const toBan = (r: Row): BanRecord => ({ guild_id: String(r.guild_id), user_id: String(r.user_id), reason: r.reason ?? null, created_at: Number(r.created_at) });

export class SqlModerationStore implements ModerationStore {
  constructor(private readonly db: Queryable) {}

  async addBan(b: BanRecord) {
    const { changes } = await this.db.run('INSERT INTO guild_bans (guild_id, user_id, reason, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
      b.guild_id,
      b.user_id,
      b.reason,
      b.created_at,
    ]);
    return changes > 0;
  }
  async removeBan(guildId: string, userId: string) {
    return (await this.db.run('DELETE FROM guild_bans WHERE guild_id = ? AND user_id = ?', [guildId, userId])).changes > 0;
  }
  async getBan(guildId: string, userId: string) {
    const r = await this.db.get('SELECT * FROM guild_bans WHERE guild_id = ? AND user_id = ?', [guildId, userId]);
    return r && toBan(r);
  }
  async listBans(guildId: string, q: { before?: string; after?: string; limit: number }) {
    if (q.before && !q.after) {
      const rows = await this.db.all('SELECT * FROM guild_bans WHERE guild_id = ? AND user_id < ? ORDER BY user_id DESC LIMIT ?', [guildId, q.before, q.limit]);
      return rows.map(toBan).reverse();
    }
    const rows = await this.db.all('SELECT * FROM guild_bans WHERE guild_id = ? AND user_id > ? ORDER BY user_id LIMIT ?', [guildId, q.after ?? '0', q.limit]);
    return rows.map(toBan);
  }
}
