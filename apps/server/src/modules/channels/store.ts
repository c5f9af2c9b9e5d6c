import { ChannelTypes, isForumType, isThreadType, type ForumTag } from '@concord/protocol';
import type { Param, Queryable, Row } from '../../store/db.js';

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
  /** A group DM's or a thread's owner. */
  owner_id: string | null;
  created_at: number;
  overwrites: OverwriteRecord[];
  /** Discord's channel flags (REQUIRE_TAG on forums, PINNED on posts). */
  flags?: number;
  /** Threads only. */
  thread?: ThreadState;
  /** Forum posts: the forum tags the post carries. */
  applied_tags?: string[];
  /** Forum and media channels only. */
  forum?: ForumSettings;
}

export interface ForumSettings {
  available_tags: ForumTag[];
  default_reaction_emoji: { emoji_id: string | null; emoji_name: string | null } | null;
  default_sort_order: number | null;
  default_forum_layout: number;
  default_thread_rate_limit_per_user: number;
  default_auto_archive_duration: number | null;
}

export interface ThreadState {
  archived: boolean;
  /** Minutes of inactivity before it archives itself. */
  auto_archive_duration: number;
  /** When `archived` last changed (the creation time until then), ms. */
  archive_timestamp: number;
  locked: boolean;
  invitable: boolean;
  message_count: number;
  total_message_sent: number;
  member_count: number;
}

export type ChannelPatch = Partial<
  Pick<ChannelRecord, 'name' | 'position' | 'parent_id' | 'topic' | 'nsfw' | 'rate_limit_per_user' | 'bitrate' | 'user_limit' | 'overwrites' | 'owner_id' | 'flags'> &
    ForumSettings
>;

/** Several statements each: call them in a transaction (the services do). */
export interface ChannelStore {
  create(channel: ChannelRecord): Promise<void>;
  get(id: string): Promise<ChannelRecord | undefined>;
  /** The guild's channels, not its threads. */
  listByGuild(guildId: string): Promise<ChannelRecord[]>;
  /** The guild's active (not archived) threads. */
  threadsByGuild(guildId: string): Promise<ChannelRecord[]>;
  /** Every channel id of a guild, threads included. */
  idsByGuild(guildId: string): Promise<string[]>;
  /** False when the channel is gone (a concurrent delete), so nothing was written. */
  update(id: string, patch: ChannelPatch): Promise<boolean>;
  /** Deletes the channel (its overwrites and members go with it); children of a deleted category lose their parent. */
  delete(id: string): Promise<boolean>;
  /** A private channel's recipients, or a thread's members, by user id. */
  members(channelId: string): Promise<string[]>;
  addMember(channelId: string, userId: string, now: number): Promise<boolean>;
  removeMember(channelId: string, userId: string): Promise<boolean>;
  /** The private channels (DMs, group DMs) the user is a recipient of, with every recipient. */
  privateChannelsOf(userId: string): Promise<{ channel: ChannelRecord; recipients: string[] }[]>;
}

const COLUMNS = ['name', 'position', 'parent_id', 'topic', 'nsfw', 'rate_limit_per_user', 'bitrate', 'user_limit', 'owner_id', 'flags'] as const;
/** Forum settings and their columns; objects are stored as JSON. */
const FORUM_COLUMNS = {
  available_tags: 'available_tags',
  default_reaction_emoji: 'default_reaction_emoji',
  default_sort_order: 'default_sort_order',
  default_forum_layout: 'default_forum_layout',
  default_thread_rate_limit_per_user: 'default_thread_rate_limit',
  default_auto_archive_duration: 'default_auto_archive',
} as const satisfies Record<keyof ForumSettings, string>;
const forumValue = (v: unknown) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v);
const parseJson = <T>(v: unknown, fallback: T): T => (typeof v === 'string' && v !== '' ? (JSON.parse(v) as T) : fallback);

function forumOf(r: Row): ForumSettings {
  return {
    available_tags: parseJson<ForumTag[]>(r.available_tags, []),
    default_reaction_emoji: parseJson(r.default_reaction_emoji, null),
    default_sort_order: r.default_sort_order == null ? null : Number(r.default_sort_order),
    default_forum_layout: Number(r.default_forum_layout ?? 0),
    default_thread_rate_limit_per_user: Number(r.default_thread_rate_limit ?? 0),
    default_auto_archive_duration: r.default_auto_archive == null ? null : Number(r.default_auto_archive),
  };
}

/** A channel row (threads with their state); exported for the threads module, which reads thread rows too. */
export const toChannel = (r: Row, overwrites: OverwriteRecord[]): ChannelRecord => ({
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
  owner_id: r.owner_id == null ? null : String(r.owner_id),
  created_at: r.created_at,
  overwrites,
  flags: Number(r.flags ?? 0),
  ...(isForumType(r.type) ? { forum: forumOf(r) } : {}),
  ...(r.applied_tags ? { applied_tags: parseJson<string[]>(r.applied_tags, []) } : {}),
  ...(isThreadType(r.type)
    ? {
        thread: {
          archived: Boolean(r.thread_archived),
          auto_archive_duration: r.thread_auto_archive,
          archive_timestamp: Number(r.thread_archive_ts ?? r.created_at),
          locked: Boolean(r.thread_locked),
          invitable: Boolean(r.thread_invitable),
          message_count: Number(r.message_count),
          total_message_sent: Number(r.total_message_sent),
          member_count: Number(r.member_count),
        },
      }
    : {}),
});

const toOverwrite = (r: Row): OverwriteRecord => ({ id: String(r.target_id), type: r.type, allow: r.allow, deny: r.deny });

async function writeOverwrites(q: Queryable, channelId: string, overwrites: OverwriteRecord[]) {
  await q.run('DELETE FROM overwrites WHERE channel_id = ?', [channelId]);
  for (const o of overwrites) {
    await q.run('INSERT INTO overwrites (channel_id, target_id, type, allow, deny) VALUES (?, ?, ?, ?, ?)', [channelId, o.id, o.type, o.allow, o.deny]);
  }
}

const THREAD_TYPES = `${ChannelTypes.ANNOUNCEMENT_THREAD}, ${ChannelTypes.PUBLIC_THREAD}, ${ChannelTypes.PRIVATE_THREAD}`;

function byChannel(rows: Row[], map: (r: Row) => OverwriteRecord): Map<string, OverwriteRecord[]> {
  const out = new Map<string, OverwriteRecord[]>();
  for (const r of rows) {
    const list = out.get(String(r.channel_id)) ?? [];
    list.push(map(r));
    out.set(String(r.channel_id), list);
  }
  return out;
}

export class SqlChannelStore implements ChannelStore {
  constructor(private readonly db: Queryable) {}

  async create(c: ChannelRecord) {
    const t = c.thread;
    const f = c.forum;
    await this.db.run(
      `INSERT INTO channels (id, guild_id, type, name, position, parent_id, topic, nsfw, rate_limit_per_user, bitrate, user_limit, last_message_id, owner_id, created_at,
         thread_archived, thread_auto_archive, thread_archive_ts, thread_locked, thread_invitable, flags, applied_tags,
         available_tags, default_reaction_emoji, default_sort_order, default_forum_layout, default_thread_rate_limit, default_auto_archive)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        c.id, c.guild_id, c.type, c.name, c.position, c.parent_id, c.topic, c.nsfw ? 1 : 0, c.rate_limit_per_user, c.bitrate, c.user_limit, c.last_message_id, c.owner_id, c.created_at,
        t?.archived ? 1 : 0, t?.auto_archive_duration ?? 1440, t?.archive_timestamp ?? null, t?.locked ? 1 : 0, t?.invitable === false ? 0 : 1,
        c.flags ?? 0, c.applied_tags ? JSON.stringify(c.applied_tags) : null,
        f ? JSON.stringify(f.available_tags) : null, f?.default_reaction_emoji ? JSON.stringify(f.default_reaction_emoji) : null, f?.default_sort_order ?? null,
        f?.default_forum_layout ?? 0, f?.default_thread_rate_limit_per_user ?? 0, f?.default_auto_archive_duration ?? null,
      ],
    );
    if (c.overwrites.length > 0) await writeOverwrites(this.db, c.id, c.overwrites);
  }
  async get(id: string) {
    const r = await this.db.get('SELECT * FROM channels WHERE id = ?', [id]);
    if (!r) return undefined;
    const ows = await this.db.all('SELECT * FROM overwrites WHERE channel_id = ? ORDER BY target_id', [id]);
    return toChannel(r, ows.map(toOverwrite));
  }
  async listByGuild(guildId: string) {
    const rows = await this.db.all(`SELECT * FROM channels WHERE guild_id = ? AND type NOT IN (${THREAD_TYPES}) ORDER BY position, id`, [guildId]);
    const ows = await this.db.all(
      'SELECT o.* FROM overwrites o JOIN channels c ON c.id = o.channel_id WHERE c.guild_id = ? ORDER BY o.target_id',
      [guildId],
    );
    const overwrites = byChannel(ows, toOverwrite);
    return rows.map((r) => toChannel(r, overwrites.get(String(r.id)) ?? []));
  }
  async threadsByGuild(guildId: string) {
    const rows = await this.db.all(`SELECT * FROM channels WHERE guild_id = ? AND type IN (${THREAD_TYPES}) AND thread_archived = 0 ORDER BY id`, [guildId]);
    return rows.map((r) => toChannel(r, []));
  }
  async idsByGuild(guildId: string) {
    return (await this.db.all('SELECT id FROM channels WHERE guild_id = ?', [guildId])).map((r) => String(r.id));
  }
  async update(id: string, patch: ChannelPatch) {
    const keys = COLUMNS.filter((k) => patch[k] !== undefined);
    const values: Param[] = keys.map((k) => {
      const v = patch[k];
      return typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null);
    });
    const columns: string[] = [...keys];
    for (const k of Object.keys(FORUM_COLUMNS) as (keyof ForumSettings)[]) {
      if (patch[k] === undefined) continue;
      columns.push(FORUM_COLUMNS[k]);
      values.push((forumValue(patch[k]) ?? null) as Param);
    }
    // Always touch the row: it is locked against a concurrent delete, and a channel already deleted is
    // reported as gone instead of getting orphan overwrites (a foreign-key failure on PostgreSQL).
    const sets = columns.length > 0 ? columns.map((k) => `${k} = ?`).join(', ') : 'id = id';
    const { changes } = await this.db.run(`UPDATE channels SET ${sets} WHERE id = ?`, [...values, id]);
    if (changes === 0) return false;
    if (patch.overwrites) await writeOverwrites(this.db, id, patch.overwrites);
    return true;
  }
  async delete(id: string) {
    await this.db.run('UPDATE channels SET parent_id = NULL WHERE parent_id = ?', [id]);
    return (await this.db.run('DELETE FROM channels WHERE id = ?', [id])).changes > 0;
  }
  async members(channelId: string) {
    return (await this.db.all('SELECT user_id FROM channel_members WHERE channel_id = ? ORDER BY joined_at, user_id', [channelId])).map((r) => String(r.user_id));
  }
  async addMember(channelId: string, userId: string, now: number) {
    const { changes } = await this.db.run('INSERT INTO channel_members (channel_id, user_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [channelId, userId, now]);
    return changes > 0;
  }
  async removeMember(channelId: string, userId: string) {
    return (await this.db.run('DELETE FROM channel_members WHERE channel_id = ? AND user_id = ?', [channelId, userId])).changes > 0;
  }
  async privateChannelsOf(userId: string) {
    const rows = await this.db.all(
      'SELECT c.* FROM channels c JOIN channel_members m ON m.channel_id = c.id WHERE m.user_id = ? AND c.guild_id IS NULL ORDER BY c.id',
      [userId],
    );
    if (rows.length === 0) return [];
    const members = await this.db.all(
      `SELECT m.channel_id, m.user_id FROM channel_members m JOIN channel_members mine ON mine.channel_id = m.channel_id
       JOIN channels c ON c.id = m.channel_id WHERE mine.user_id = ? AND c.guild_id IS NULL ORDER BY m.joined_at, m.user_id`,
      [userId],
    );
    const byId = new Map<string, string[]>();
    for (const m of members) byId.set(String(m.channel_id), [...(byId.get(String(m.channel_id)) ?? []), String(m.user_id)]);
    return rows.map((r) => ({ channel: toChannel(r, []), recipients: byId.get(String(r.id)) ?? [] }));
  }
}
