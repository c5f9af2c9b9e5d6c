import type { Db, Queryable, Row } from '../../store/db.js';

export interface OverwriteRecord {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

export interface ChannelRecord {
  id: string;
  guild_id: string | null;
  type: number;
  name: string | null;
  position: number;
  parent_id: string | null;
  topic: string | null;
  nsfw: boolean;
  rate_limit_per_user: number;
  bitrate: number | null;
  user_limit: number | null;
  last_message_id: string | null;
  created_at: number;
  overwrites: OverwriteRecord[];
}

export type ChannelPatch = Partial<
  Pick<ChannelRecord, 'name' | 'position' | 'parent_id' | 'topic' | 'nsfw' | 'rate_limit_per_user' | 'bitrate' | 'user_limit' | 'overwrites'>
>;

export interface ChannelStore {
  create(channel: ChannelRecord): Promise<void>;
  get(id: string): Promise<ChannelRecord | undefined>;
  listByGuild(guildId: string): Promise<ChannelRecord[]>;
  update(id: string, patch: ChannelPatch): Promise<ChannelRecord | undefined>;
  /** Deletes the channel and its messages; children of a deleted category lose their parent. */
  delete(id: string): Promise<boolean>;
}

const COLUMNS = ['name', 'position', 'parent_id', 'topic', 'nsfw', 'rate_limit_per_user', 'bitrate', 'user_limit'] as const;

const toChannel = (r: Row, overwrites: OverwriteRecord[]): ChannelRecord => ({
  id: String(r.id),
  guild_id: r.guild_id == null ? null : String(r.guild_id),
  type: r.type,
  name: r.name ?? null,
  position: r.position,
  parent_id: r.parent_id == null ? null : String(r.parent_id),
  topic: r.topic ?? null,
  nsfw: Boolean(r.nsfw),
  rate_limit_per_user: r.rate_limit_per_user,
  bitrate: r.bitrate ?? null,
  user_limit: r.user_limit ?? null,
  last_message_id: r.last_message_id == null ? null : String(r.last_message_id),
  created_at: r.created_at,
  overwrites,
});

const toOverwrite = (r: Row): OverwriteRecord => ({ id: String(r.target_id), type: r.type, allow: r.allow, deny: r.deny });

async function writeOverwrites(q: Queryable, channelId: string, overwrites: OverwriteRecord[]) {
  await q.run('DELETE FROM overwrites WHERE channel_id = ?', [channelId]);
  for (const o of overwrites) {
    await q.run('INSERT INTO overwrites (channel_id, target_id, type, allow, deny) VALUES (?, ?, ?, ?, ?)', [channelId, o.id, o.type, o.allow, o.deny]);
  }
}

export async function insertChannel(q: Queryable, c: ChannelRecord): Promise<void> {
  await q.run(
    'INSERT INTO channels (id, guild_id, type, name, position, parent_id, topic, nsfw, rate_limit_per_user, bitrate, user_limit, last_message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [c.id, c.guild_id, c.type, c.name, c.position, c.parent_id, c.topic, c.nsfw ? 1 : 0, c.rate_limit_per_user, c.bitrate, c.user_limit, c.last_message_id, c.created_at],
  );
  if (c.overwrites.length > 0) await writeOverwrites(q, c.id, c.overwrites);
}

export class SqlChannelStore implements ChannelStore {
  constructor(private readonly db: Db) {}

  create(channel: ChannelRecord) {
    return this.db.tx((q) => insertChannel(q, channel));
  }
  async get(id: string) {
    const r = await this.db.get('SELECT * FROM channels WHERE id = ?', [id]);
    if (!r) return undefined;
    const ows = await this.db.all('SELECT * FROM overwrites WHERE channel_id = ? ORDER BY target_id', [id]);
    return toChannel(r, ows.map(toOverwrite));
  }
  async listByGuild(guildId: string) {
    const rows = await this.db.all('SELECT * FROM channels WHERE guild_id = ? ORDER BY position, id', [guildId]);
    const ows = await this.db.all(
      'SELECT o.* FROM overwrites o JOIN channels c ON c.id = o.channel_id WHERE c.guild_id = ? ORDER BY o.target_id',
      [guildId],
    );
    const byChannel = new Map<string, OverwriteRecord[]>();
    for (const o of ows) {
      const list = byChannel.get(String(o.channel_id)) ?? [];
      list.push(toOverwrite(o));
      byChannel.set(String(o.channel_id), list);
    }
    return rows.map((r) => toChannel(r, byChannel.get(String(r.id)) ?? []));
  }
  async update(id: string, patch: ChannelPatch) {
    const found = await this.db.tx(async (q) => {
      const keys = COLUMNS.filter((k) => patch[k] !== undefined);
      const values = keys.map((k) => {
        const v = patch[k];
        return typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null);
      });
      // Always touch the row: it is locked against a concurrent delete, and a channel already deleted is
      // reported as gone instead of getting orphan overwrites (a foreign-key failure on PostgreSQL).
      const sets = keys.length > 0 ? keys.map((k) => `${k} = ?`).join(', ') : 'id = id';
      const { changes } = await q.run(`UPDATE channels SET ${sets} WHERE id = ?`, [...values, id]);
      if (changes === 0) return false;
      if (patch.overwrites) await writeOverwrites(q, id, patch.overwrites);
      return true;
    });
    return found ? this.get(id) : undefined;
  }
  async delete(id: string) {
    return this.db.tx(async (q) => {
      await q.run('UPDATE channels SET parent_id = NULL WHERE parent_id = ?', [id]);
      await q.run('DELETE FROM messages WHERE channel_id = ?', [id]);
      return (await q.run('DELETE FROM channels WHERE id = ?', [id])).changes > 0;
    });
  }
}
