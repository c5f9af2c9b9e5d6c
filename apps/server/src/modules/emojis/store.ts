import type { Queryable } from '../../store/db.js';

export interface EmojiRecord {
  id: string;
  guild_id: string;
  name: string;
  /** Who uploaded it (Discord's `user`, shown to those who manage emoji). */
  user_id: string;
  animated: boolean;
  /** Roles allowed to use it; empty: everyone. */
  roles: string[];
  created_at: number;
}

export interface EmojiStore {
  /** A guild's emoji, oldest first (Discord's order). */
  list(guildId: string): Promise<EmojiRecord[]>;
  get(id: string): Promise<EmojiRecord | undefined>;
  /** How many static or animated emoji the guild has (separate limits). */
  count(guildId: string, animated: boolean): Promise<number>;
  create(e: EmojiRecord): Promise<void>;
  update(guildId: string, id: string, patch: { name?: string; roles?: string[] }): Promise<EmojiRecord | undefined>;
  delete(guildId: string, id: string): Promise<boolean>;
}

const toRecord = (r: Record<string, unknown>): EmojiRecord => ({
  id: String(r.id),
  guild_id: String(r.guild_id),
  name: String(r.name),
  user_id: String(r.user_id),
  animated: Number(r.animated) === 1,
  roles: JSON.parse(String(r.roles)) as string[],
  created_at: Number(r.created_at),
});

export class SqlEmojiStore implements EmojiStore {
  constructor(private readonly db: Queryable) {}

  async list(guildId: string) {
    return (await this.db.all('SELECT * FROM emojis WHERE guild_id = ? ORDER BY id', [guildId])).map(toRecord);
  }
  async get(id: string) {
    const r = await this.db.get('SELECT * FROM emojis WHERE id = ?', [id]);
    return r ? toRecord(r) : undefined;
  }
  async count(guildId: string, animated: boolean) {
    const r = await this.db.get('SELECT COUNT(*) AS n FROM emojis WHERE guild_id = ? AND animated = ?', [guildId, animated ? 1 : 0]);
    return Number(r?.n ?? 0);
  }
  async create(e: EmojiRecord) {
    await this.db.run('INSERT INTO emojis (id, guild_id, name, user_id, animated, roles, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      e.id,
      e.guild_id,
      e.name,
      e.user_id,
      e.animated ? 1 : 0,
      JSON.stringify(e.roles),
      e.created_at,
    ]);
  }
  async update(guildId: string, id: string, patch: { name?: string; roles?: string[] }) {
    if (patch.name !== undefined) await this.db.run('UPDATE emojis SET name = ? WHERE guild_id = ? AND id = ?', [patch.name, guildId, id]);
    if (patch.roles !== undefined) await this.db.run('UPDATE emojis SET roles = ? WHERE guild_id = ? AND id = ?', [JSON.stringify(patch.roles), guildId, id]);
    const e = await this.get(id);
    return e?.guild_id === guildId ? e : undefined;
  }
  async delete(guildId: string, id: string) {
    const { changes } = await this.db.run('DELETE FROM emojis WHERE guild_id = ? AND id = ?', [guildId, id]);
    return changes > 0;
  }
}
