import type { Queryable } from '../../store/db.js';

export interface ReceiptCursor {
  channel_id: string;
  user_id: string;
  delivered_id: string;
  delivered_at: number | null;
  read_id: string;
  read_at: number | null;
}

export interface ReceiptStore {
  /** Moves the delivered cursor forward (one statement); false when it was there already. */
  delivered(channelId: string, userId: string, messageId: string, now: number): Promise<boolean>;
  /** Moves the read cursor, and the delivered one with it, forward; false when it was there already. */
  read(channelId: string, userId: string, messageId: string, now: number): Promise<boolean>;
  forChannels(channelIds: readonly string[]): Promise<ReceiptCursor[]>;
  readReceipts(userId: string): Promise<boolean>;
  /** The users of `userIds` who turned read receipts off. */
  withoutReadReceipts(userIds: readonly string[]): Promise<Set<string>>;
  setReadReceipts(userId: string, on: boolean): Promise<void>;
  deleteByChannels(channelIds: readonly string[]): Promise<void>;
}

const toCursor = (r: Record<string, unknown>): ReceiptCursor => ({
  channel_id: String(r.channel_id),
  user_id: String(r.user_id),
  delivered_id: String(r.delivered_id),
  delivered_at: r.delivered_at == null ? null : Number(r.delivered_at),
  read_id: String(r.read_id),
  read_at: r.read_at == null ? null : Number(r.read_at),
});

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export class SqlReceiptStore implements ReceiptStore {
  constructor(private readonly db: Queryable) {}

  async delivered(channelId: string, userId: string, messageId: string, now: number) {
    const { changes } = await this.db.run(
      `INSERT INTO receipt_cursors (channel_id, user_id, delivered_id, delivered_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (channel_id, user_id) DO UPDATE SET delivered_id = excluded.delivered_id, delivered_at = excluded.delivered_at
       WHERE receipt_cursors.delivered_id < excluded.delivered_id`,
      [channelId, userId, messageId, now],
    );
    return changes > 0;
  }
  async read(channelId: string, userId: string, messageId: string, now: number) {
    const { changes } = await this.db.run(
      `INSERT INTO receipt_cursors (channel_id, user_id, delivered_id, delivered_at, read_id, read_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (channel_id, user_id) DO UPDATE SET read_id = excluded.read_id, read_at = excluded.read_at,
         delivered_id = CASE WHEN receipt_cursors.delivered_id < excluded.read_id THEN excluded.read_id ELSE receipt_cursors.delivered_id END,
         delivered_at = CASE WHEN receipt_cursors.delivered_id < excluded.read_id THEN excluded.read_at ELSE receipt_cursors.delivered_at END
       WHERE receipt_cursors.read_id < excluded.read_id`,
      [channelId, userId, messageId, now, messageId, now],
    );
    return changes > 0;
  }
  async forChannels(channelIds: readonly string[]) {
    if (channelIds.length === 0) return [];
    return (await this.db.all(`SELECT * FROM receipt_cursors WHERE channel_id IN (${marks(channelIds.length)}) ORDER BY channel_id, user_id`, [...channelIds])).map(toCursor);
  }
  async readReceipts(userId: string) {
    const r = await this.db.get('SELECT read_receipts FROM receipt_settings WHERE user_id = ?', [userId]);
    return r ? Boolean(r.read_receipts) : true;
  }
  async withoutReadReceipts(userIds: readonly string[]) {
    if (userIds.length === 0) return new Set<string>();
    const rows = await this.db.all(`SELECT user_id FROM receipt_settings WHERE read_receipts = 0 AND user_id IN (${marks(userIds.length)})`, [...userIds]);
    return new Set(rows.map((r) => String(r.user_id)));
  }
  async setReadReceipts(userId: string, on: boolean) {
    await this.db.run(
      'INSERT INTO receipt_settings (user_id, read_receipts) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET read_receipts = excluded.read_receipts',
      [userId, on ? 1 : 0],
    );
  }
  async deleteByChannels(channelIds: readonly string[]) {
    await this.db.run(`DELETE FROM receipt_cursors WHERE channel_id IN (${marks(channelIds.length)})`, [...channelIds]);
  }
}
