import type { DmPolicy, RelationshipType } from '@concord/protocol';
import type { Queryable } from '../../store/db.js';

/** One side of a relationship: `type` is as `user_id` sees `other_id`. */
export interface RelationshipRecord {
  user_id: string;
  other_id: string;
  type: RelationshipType;
  since: number;
}

export interface RelationshipStore {
  get(userId: string, otherId: string): Promise<RelationshipRecord | undefined>;
  forUser(userId: string): Promise<RelationshipRecord[]>;
  /** Sets (or replaces) `userId`'s side. */
  put(record: RelationshipRecord): Promise<void>;
  /** False when there was nothing to remove. */
  remove(userId: string, otherId: string): Promise<boolean>;
  /** True when either of the two blocked the other. */
  blockedBetween(a: string, b: string): Promise<boolean>;
  dmPolicy(userId: string): Promise<DmPolicy>;
  setDmPolicy(userId: string, policy: DmPolicy): Promise<void>;
}

const toRecord = (r: Record<string, unknown>): RelationshipRecord => ({
  user_id: String(r.user_id),
  other_id: String(r.other_id),
  type: Number(r.type) as RelationshipType,
  since: Number(r.since),
});

export class SqlRelationshipStore implements RelationshipStore {
  constructor(private readonly db: Queryable) {}

  async get(userId: string, otherId: string) {
    const r = await this.db.get('SELECT * FROM relationships WHERE user_id = ? AND other_id = ?', [userId, otherId]);
    return r ? toRecord(r) : undefined;
  }
  async forUser(userId: string) {
    return (await this.db.all('SELECT * FROM relationships WHERE user_id = ? ORDER BY since, other_id', [userId])).map(toRecord);
  }
  async put(r: RelationshipRecord) {
    await this.db.run(
      `INSERT INTO relationships (user_id, other_id, type, since) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, other_id) DO UPDATE SET type = excluded.type, since = excluded.since`,
      [r.user_id, r.other_id, r.type, r.since],
    );
  }
  async remove(userId: string, otherId: string) {
    return (await this.db.run('DELETE FROM relationships WHERE user_id = ? AND other_id = ?', [userId, otherId])).changes > 0;
  }
  async blockedBetween(a: string, b: string) {
    const r = await this.db.get('SELECT 1 AS x FROM relationships WHERE type = 2 AND ((user_id = ? AND other_id = ?) OR (user_id = ? AND other_id = ?))', [a, b, b, a]);
    return r !== undefined;
  }
  async dmPolicy(userId: string) {
    const r = await this.db.get('SELECT allow_dms_from FROM dm_settings WHERE user_id = ?', [userId]);
    return (r ? String(r.allow_dms_from) : 'guild_members') as DmPolicy;
  }
  async setDmPolicy(userId: string, policy: DmPolicy) {
    await this.db.run(
      'INSERT INTO dm_settings (user_id, allow_dms_from) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET allow_dms_from = excluded.allow_dms_from',
      [userId, policy],
    );
  }
}
