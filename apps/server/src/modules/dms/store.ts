import { compareSnowflakes } from '@concord/protocol';
import type { Queryable } from '../../store/db.js';

/** DM bookkeeping beside the channels domain's channels and recipients. */
export interface DmStore {
  /** The DM between these two users, if one was opened. */
  find(a: string, b: string): Promise<string | undefined>;
  /** Throws UniqueViolation when the pair already has a DM (a concurrent open). */
  insert(a: string, b: string, channelId: string): Promise<void>;
  /** Users who do not list this DM. */
  hidden(channelId: string): Promise<string[]>;
  /** The DMs this user does not list. */
  hiddenFor(userId: string): Promise<string[]>;
  hide(channelId: string, userId: string): Promise<boolean>;
  /** False when it was listed already. */
  reveal(channelId: string, userId: string): Promise<boolean>;
  deleteByChannels(channelIds: readonly string[]): Promise<void>;
}

const pair = (a: string, b: string) => (compareSnowflakes(a, b) <= 0 ? [a, b] : [b, a]);

export class SqlDmStore implements DmStore {
  constructor(private readonly db: Queryable) {}

  async find(a: string, b: string) {
    const r = await this.db.get('SELECT channel_id FROM dm_pairs WHERE user_low = ? AND user_high = ?', pair(a, b));
    return r ? String(r.channel_id) : undefined;
  }
  async insert(a: string, b: string, channelId: string) {
    await this.db.run('INSERT INTO dm_pairs (user_low, user_high, channel_id) VALUES (?, ?, ?)', [...pair(a, b), channelId]);
  }
  async hidden(channelId: string) {
    return (await this.db.all('SELECT user_id FROM dm_hidden WHERE channel_id = ?', [channelId])).map((r) => String(r.user_id));
  }
  async hiddenFor(userId: string) {
    return (await this.db.all('SELECT channel_id FROM dm_hidden WHERE user_id = ?', [userId])).map((r) => String(r.channel_id));
  }
  async hide(channelId: string, userId: string) {
    return (await this.db.run('INSERT INTO dm_hidden (channel_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING', [channelId, userId])).changes > 0;
  }
  async reveal(channelId: string, userId: string) {
    return (await this.db.run('DELETE FROM dm_hidden WHERE channel_id = ? AND user_id = ?', [channelId, userId])).changes > 0;
  }
  async deleteByChannels(channelIds: readonly string[]) {
    const marks = channelIds.map(() => '?').join(', ');
    await this.db.run(`DELETE FROM dm_hidden WHERE channel_id IN (${marks})`, [...channelIds]);
    await this.db.run(`DELETE FROM dm_pairs WHERE channel_id IN (${marks})`, [...channelIds]);
  }
}
