import type { Queryable } from '../../store/db.js';

export interface ReadStateRecord {
  user_id: string;
  channel_id: string;
  last_message_id: string;
}

export interface ReadStateStore {
  /** One statement: creates or moves the read position. */
  upsert(r: ReadStateRecord, now: number): Promise<void>;
  get(userId: string, channelId: string): Promise<ReadStateRecord | undefined>;
  forUser(userId: string): Promise<ReadStateRecord[]>;
  deleteByChannels(channelIds: readonly string[]): Promise<void>;
}

const toRecord = (r: Record<string, unknown>): ReadStateRecord => ({
  user_id: String(r.user_id),
  channel_id: String(r.channel_id),
  last_message_id: String(r.last_message_id),
});

export class SqlReadStateStore implements ReadStateStore {
  constructor(private readonly db: Queryable) {}

  async upsert(r: ReadStateRecord, now: number) {
    await this.db.run(
      `INSERT INTO read_states (user_id, channel_id, last_message_id, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, channel_id) DO UPDATE SET last_message_id = excluded.last_message_id, updated_at = excluded.updated_at`,
      [r.user_id, r.channel_id, r.last_message_id, now],
    );
  }
  async get(userId: string, channelId: string) {
    const r = await this.db.get('SELECT * FROM read_states WHERE user_id = ? AND channel_id = ?', [userId, channelId]);
    return r ? toRecord(r) : undefined;
  }
  async forUser(userId: string) {
    return (await this.db.all('SELECT * FROM read_states WHERE user_id = ? ORDER BY channel_id', [userId])).map(toRecord);
  }
  async deleteByChannels(channelIds: readonly string[]) {
    await this.db.run(`DELETE FROM read_states WHERE channel_id IN (${channelIds.map(() => '?').join(', ')})`, [...channelIds]);
  }
}
