/**
 * Thread queries over the channels table (a thread is a channel row with its state, see channels/migrations.ts)
 * and its members (`channel_members`). Thread rows are created by the channels store; this store lists,
 * changes and removes them.
 */
import { ChannelTypes } from '@concord/protocol';
import type { Queryable } from '../../store/db.js';
import { toChannel, type ChannelRecord } from '../channels/store.js';

export interface ThreadMemberRecord {
  channel_id: string;
  user_id: string;
  joined_at: number;
}

export type ThreadPatch = Partial<{
  name: string;
  rate_limit_per_user: number;
  archived: boolean;
  archive_timestamp: number;
  auto_archive_duration: number;
  locked: boolean;
  invitable: boolean;
  /** Forum posts. */
  applied_tags: string[];
  flags: number;
}>;

export interface ArchivedQuery {
  types: readonly number[];
  /** Archived before this time (ms). */
  before?: number;
  limit: number;
}

export interface ThreadStore {
  /** The threads of these channels. */
  idsByParents(parentIds: readonly string[]): Promise<string[]>;
  deleteByParents(parentIds: readonly string[]): Promise<void>;
  /** Every thread of these channels, archived ones too. */
  listByParents(parentIds: readonly string[]): Promise<ChannelRecord[]>;
  /** A channel's active threads. */
  activeByParent(parentId: string): Promise<ChannelRecord[]>;
  /** A channel's archived threads of these types, most recently archived first. */
  archived(parentId: string, q: ArchivedQuery): Promise<ChannelRecord[]>;
  /** A channel's archived private threads the user is a member of, newest thread first, ids below `before`. */
  joinedArchived(parentId: string, userId: string, q: { before?: string; limit: number }): Promise<ChannelRecord[]>;
  /** False when the thread is gone, or (with `onlyIfActive`) already archived. */
  update(id: string, patch: ThreadPatch, onlyIfActive?: boolean): Promise<boolean>;
  /** A forum post's first message is not one of its replies: it leaves the counts (Discord counts replies only). */
  uncountStarter(id: string): Promise<void>;
  /** Counts the members again and stores the count. */
  recountMembers(id: string): Promise<number>;
  member(threadId: string, userId: string): Promise<ThreadMemberRecord | undefined>;
  members(threadId: string, q: { after?: string; limit: number }): Promise<ThreadMemberRecord[]>;
  /** The active threads the user is a member of (the threads they follow). */
  followedActive(userId: string): Promise<string[]>;
  /** The user's memberships among these threads. */
  membershipsOf(userId: string, threadIds: readonly string[]): Promise<ThreadMemberRecord[]>;
  /** Active threads whose archive timestamp is older than their auto-archive duration at `now` (their last message may be newer). */
  idleCandidates(now: number, limit: number): Promise<ChannelRecord[]>;
}

const THREADS = `${ChannelTypes.ANNOUNCEMENT_THREAD}, ${ChannelTypes.PUBLIC_THREAD}, ${ChannelTypes.PRIVATE_THREAD}`;
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

const toMember = (r: { channel_id: unknown; user_id: unknown; joined_at: unknown }): ThreadMemberRecord => ({
  channel_id: String(r.channel_id),
  user_id: String(r.user_id),
  joined_at: Number(r.joined_at),
});

const COLUMNS: Record<keyof ThreadPatch, string> = {
  name: 'name',
  rate_limit_per_user: 'rate_limit_per_user',
  archived: 'thread_archived',
  archive_timestamp: 'thread_archive_ts',
  auto_archive_duration: 'thread_auto_archive',
  locked: 'thread_locked',
  invitable: 'thread_invitable',
  applied_tags: 'applied_tags',
  flags: 'flags',
};

export class SqlThreadStore implements ThreadStore {
  constructor(private readonly db: Queryable) {}

  async idsByParents(parentIds: readonly string[]) {
    if (parentIds.length === 0) return [];
    const rows = await this.db.all(`SELECT id FROM channels WHERE parent_id IN (${marks(parentIds.length)}) AND type IN (${THREADS})`, [...parentIds]);
    return rows.map((r) => String(r.id));
  }
  async deleteByParents(parentIds: readonly string[]) {
    if (parentIds.length === 0) return;
    await this.db.run(`DELETE FROM channels WHERE parent_id IN (${marks(parentIds.length)}) AND type IN (${THREADS})`, [...parentIds]);
  }
  async listByParents(parentIds: readonly string[]) {
    if (parentIds.length === 0) return [];
    const rows = await this.db.all(`SELECT * FROM channels WHERE parent_id IN (${marks(parentIds.length)}) AND type IN (${THREADS}) ORDER BY id`, [...parentIds]);
    return rows.map((r) => toChannel(r, []));
  }
  async activeByParent(parentId: string) {
    const rows = await this.db.all(`SELECT * FROM channels WHERE parent_id = ? AND type IN (${THREADS}) AND thread_archived = 0 ORDER BY id`, [parentId]);
    return rows.map((r) => toChannel(r, []));
  }
  async archived(parentId: string, q: ArchivedQuery) {
    const rows = await this.db.all(
      `SELECT * FROM channels WHERE parent_id = ? AND type IN (${marks(q.types.length)}) AND thread_archived = 1 AND thread_archive_ts < ?
       ORDER BY thread_archive_ts DESC, id DESC LIMIT ?`,
      [parentId, ...q.types, q.before ?? Number.MAX_SAFE_INTEGER, q.limit],
    );
    return rows.map((r) => toChannel(r, []));
  }
  async joinedArchived(parentId: string, userId: string, q: { before?: string; limit: number }) {
    const rows = await this.db.all(
      `SELECT c.* FROM channels c JOIN channel_members m ON m.channel_id = c.id
       WHERE c.parent_id = ? AND c.type = ? AND c.thread_archived = 1 AND m.user_id = ? AND c.id < ? ORDER BY c.id DESC LIMIT ?`,
      [parentId, ChannelTypes.PRIVATE_THREAD, userId, q.before ?? '9223372036854775807', q.limit],
    );
    return rows.map((r) => toChannel(r, []));
  }
  async update(id: string, patch: ThreadPatch, onlyIfActive = false) {
    const keys = (Object.keys(COLUMNS) as (keyof ThreadPatch)[]).filter((k) => patch[k] !== undefined);
    const values = keys.map((k) => {
      const v = patch[k]!;
      return typeof v === 'boolean' ? (v ? 1 : 0) : Array.isArray(v) ? JSON.stringify(v) : v;
    });
    const sets = keys.length > 0 ? keys.map((k) => `${COLUMNS[k]} = ?`).join(', ') : 'id = id';
    const { changes } = await this.db.run(`UPDATE channels SET ${sets} WHERE id = ?${onlyIfActive ? ' AND thread_archived = 0' : ''}`, [...values, id]);
    return changes > 0;
  }
  async uncountStarter(id: string) {
    await this.db.run('UPDATE channels SET message_count = message_count - 1, total_message_sent = total_message_sent - 1 WHERE id = ? AND message_count > 0', [id]);
  }
  async recountMembers(id: string) {
    const r = await this.db.get('SELECT COUNT(*) AS n FROM channel_members WHERE channel_id = ?', [id]);
    const n = Number(r?.n ?? 0);
    await this.db.run('UPDATE channels SET member_count = ? WHERE id = ?', [n, id]);
    return n;
  }
  async member(threadId: string, userId: string) {
    const r = await this.db.get('SELECT channel_id, user_id, joined_at FROM channel_members WHERE channel_id = ? AND user_id = ?', [threadId, userId]);
    return r ? toMember(r as ThreadMemberRecord) : undefined;
  }
  async members(threadId: string, q: { after?: string; limit: number }) {
    const rows = await this.db.all('SELECT channel_id, user_id, joined_at FROM channel_members WHERE channel_id = ? AND user_id > ? ORDER BY user_id LIMIT ?', [
      threadId,
      q.after ?? '0',
      q.limit,
    ]);
    return rows.map((r) => toMember(r as ThreadMemberRecord));
  }
  async followedActive(userId: string) {
    const rows = await this.db.all(
      `SELECT c.id FROM channel_members cm JOIN channels c ON c.id = cm.channel_id WHERE cm.user_id = ? AND c.type IN (${THREADS}) AND c.thread_archived = 0 ORDER BY c.id`,
      [userId],
    );
    return rows.map((r) => String(r.id));
  }
  async membershipsOf(userId: string, threadIds: readonly string[]) {
    if (threadIds.length === 0) return [];
    const rows = await this.db.all(`SELECT channel_id, user_id, joined_at FROM channel_members WHERE user_id = ? AND channel_id IN (${marks(threadIds.length)})`, [
      userId,
      ...threadIds,
    ]);
    return rows.map((r) => toMember(r as ThreadMemberRecord));
  }
  async idleCandidates(now: number, limit: number) {
    const rows = await this.db.all(
      `SELECT * FROM channels WHERE type IN (${THREADS}) AND thread_archived = 0 AND COALESCE(thread_archive_ts, created_at) + thread_auto_archive * 60000 < ?
       ORDER BY id LIMIT ?`,
      [now, limit],
    );
    return rows.map((r) => toChannel(r, []));
  }
}
