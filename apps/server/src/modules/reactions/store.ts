import { compareSnowflakes } from '@concord/protocol';
import type { Queryable } from '../../store/db.js';

/** `emoji` is the key Discord clients use: the custom emoji's id, or the unicode emoji itself. */
export interface ReactionEmoji {
  id: string | null;
  name: string;
  /** A custom emoji's: whether it is a GIF. */
  animated?: boolean;
}

export interface ReactionSummary {
  message_id: string;
  emoji: ReactionEmoji;
  count: number;
  /** Whether the viewer is among the reactors. */
  me: boolean;
}

export interface ReactionStore {
  /** False when the user had already reacted with this emoji. */
  add(channelId: string, messageId: string, emoji: ReactionEmoji, userId: string): Promise<boolean>;
  remove(channelId: string, messageId: string, emojiKey: string, userId: string): Promise<boolean>;
  /** Removes one emoji's reactions (or all, without `emojiKey`); answers how many rows went. */
  removeAll(channelId: string, messageId: string, emojiKey?: string): Promise<number>;
  /** Every reaction on these messages of one channel (the messages are being deleted). */
  deleteForMessages(channelId: string, messageIds: readonly string[]): Promise<void>;
  /** Every reaction in these channels (the channels are being deleted). */
  deleteByChannels(channelIds: readonly string[]): Promise<void>;
  /** Distinct emojis on a message. */
  emojiCount(channelId: string, messageId: string): Promise<number>;
  /** How many users reacted with this emoji. */
  count(channelId: string, messageId: string, emojiKey: string): Promise<number>;
  /** Users who reacted with this emoji, by user id ascending after `after`. */
  users(channelId: string, messageId: string, emojiKey: string, q: { after?: string; limit: number }): Promise<string[]>;
  /** Per message and emoji (in first-reaction order): counts and whether `viewerId` reacted. */
  summaries(channelId: string, messageIds: string[], viewerId: string | undefined): Promise<ReactionSummary[]>;
}

export const emojiKey = (e: ReactionEmoji) => e.id ?? e.name;

export class SqlReactionStore implements ReactionStore {
  constructor(private readonly db: Queryable) {}

  async add(channelId: string, messageId: string, emoji: ReactionEmoji, userId: string) {
    const { changes } = await this.db.run(
      `INSERT INTO reactions (channel_id, message_id, emoji, emoji_id, emoji_name, emoji_animated, user_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [channelId, messageId, emojiKey(emoji), emoji.id, emoji.name, emoji.animated ? 1 : 0, userId, Date.now()],
    );
    return changes > 0;
  }

  async remove(channelId: string, messageId: string, key: string, userId: string) {
    const { changes } = await this.db.run('DELETE FROM reactions WHERE channel_id = ? AND message_id = ? AND emoji = ? AND user_id = ?', [channelId, messageId, key, userId]);
    return changes > 0;
  }

  async removeAll(channelId: string, messageId: string, key?: string) {
    const { changes } = key
      ? await this.db.run('DELETE FROM reactions WHERE channel_id = ? AND message_id = ? AND emoji = ?', [channelId, messageId, key])
      : await this.db.run('DELETE FROM reactions WHERE channel_id = ? AND message_id = ?', [channelId, messageId]);
    return changes;
  }

  async deleteForMessages(channelId: string, messageIds: readonly string[]) {
    for (const id of messageIds) await this.db.run('DELETE FROM reactions WHERE channel_id = ? AND message_id = ?', [channelId, id]);
  }

  async deleteByChannels(channelIds: readonly string[]) {
    for (const id of channelIds) await this.db.run('DELETE FROM reactions WHERE channel_id = ?', [id]);
  }

  async emojiCount(channelId: string, messageId: string) {
    const r = await this.db.get('SELECT COUNT(DISTINCT emoji) AS n FROM reactions WHERE channel_id = ? AND message_id = ?', [channelId, messageId]);
    return Number(r?.n ?? 0);
  }

  async count(channelId: string, messageId: string, key: string) {
    const r = await this.db.get('SELECT COUNT(*) AS n FROM reactions WHERE channel_id = ? AND message_id = ? AND emoji = ?', [channelId, messageId, key]);
    return Number(r?.n ?? 0);
  }

  async users(channelId: string, messageId: string, key: string, q: { after?: string; limit: number }) {
    const rows = await this.db.all(
      'SELECT user_id FROM reactions WHERE channel_id = ? AND message_id = ? AND emoji = ? AND user_id > ? ORDER BY user_id LIMIT ?',
      [channelId, messageId, key, q.after ?? '0', q.limit],
    );
    return rows.map((r) => String(r.user_id));
  }

  async summaries(channelId: string, messageIds: string[], viewerId: string | undefined) {
    if (messageIds.length === 0) return [];
    // History pages are contiguous runs of a channel's ids: one range scan of the primary key covers them, with
    // one statement for every page size; ids in the range but not asked for are dropped below.
    const sorted = [...messageIds].sort(compareSnowflakes);
    const wanted = new Set(messageIds);
    const rows = await this.db.all(
      `SELECT message_id, emoji_id, emoji_name, MAX(emoji_animated) AS animated, COUNT(*) AS n, SUM(CASE WHEN user_id = ? THEN 1 ELSE 0 END) AS mine, MIN(created_at) AS first
       FROM reactions WHERE channel_id = ? AND message_id >= ? AND message_id <= ?
       GROUP BY message_id, emoji, emoji_id, emoji_name ORDER BY first, emoji`,
      [viewerId ?? '0', channelId, sorted[0]!, sorted[sorted.length - 1]!],
    );
    return rows.filter((r) => wanted.has(String(r.message_id))).map((r) => ({
      message_id: String(r.message_id),
      emoji: r.emoji_id == null ? { id: null, name: r.emoji_name as string } : { id: String(r.emoji_id), name: r.emoji_name as string, animated: Number(r.animated) === 1 },
      count: Number(r.n),
      me: Number(r.mine) > 0,
    }));
  }
}
