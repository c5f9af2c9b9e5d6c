import type { Db, Queryable, Row } from '../../store/db.js';

const isDb = (q: Queryable): q is Db => 'tx' in q;

export interface MessageRecord {
  id: string;
  channel_id: string;
  guild_id: string | null;
  author_id: string;
  type: number;
  content: string;
  nonce: string | null;
  /** The nonce deduplicates: a second send with it (same channel and author) returns this message. */
  dedupe: boolean;
  edited_at: number | null;
  tts: boolean;
  pinned: boolean;
  /** When it was pinned (ms epoch); null while not pinned. */
  pinned_at?: number | null;
  flags: number;
  mention_everyone: boolean;
  mentions: string[];
  mention_roles: string[];
  ref_message_id: string | null;
  ref_channel_id: string | null;
  embeds: unknown[];
  /** Posted by this webhook (author_id is the webhook's id), under author_name and author_avatar. */
  webhook_id?: string | null;
  author_name?: string | null;
  author_avatar?: string | null;
  /** Message components (action rows); only bots and applications send them. */
  components?: unknown[];
  /** Sent by this application in answer to an interaction (author_id is its bot, webhook_id the application). */
  application_id?: string | null;
  /** Discord's `interaction_metadata` of the interaction this answers. */
  interaction?: Record<string, unknown> | null;
}

export interface HistoryQuery {
  limit: number;
  before?: string;
  after?: string;
  around?: string;
}

export type MessagePatch = Partial<
  Pick<MessageRecord, 'content' | 'edited_at' | 'flags' | 'embeds' | 'components' | 'pinned' | 'pinned_at' | 'mentions' | 'mention_roles' | 'mention_everyone'>
>;

export interface MessageStore {
  /**
   * Stores the message, or, when the author already sent one with the same nonce, returns that one
   * (`created: false`). On the database it is group-committed and resolves only after the commit; in an
   * open transaction it is part of that transaction.
   */
  create(message: MessageRecord): Promise<{ message: MessageRecord; created: boolean }>;
  get(channelId: string, id: string): Promise<MessageRecord | undefined>;
  /** Those of `ids` that exist in the channel, in no particular order. */
  getMany(channelId: string, ids: readonly string[]): Promise<MessageRecord[]>;
  /** The author's message stored with this deduplicating nonce, if any (a retried send). */
  byNonce(channelId: string, authorId: string, nonce: string): Promise<MessageRecord | undefined>;
  /**
   * Inside a transaction: holds the message's row until commit, so writes that count something of one message
   * (its reaction emoji) run one after another on PostgreSQL too. False when the message is gone.
   */
  lock(channelId: string, id: string): Promise<boolean>;
  /** Newest first. */
  list(channelId: string, q: HistoryQuery): Promise<MessageRecord[]>;
  update(channelId: string, id: string, patch: MessagePatch): Promise<MessageRecord | undefined>;
  delete(channelId: string, id: string): Promise<boolean>;
  /** Pinned messages, newest pin first; `before` is a pin time (ms epoch). */
  listPinned(channelId: string, q: { limit: number; before?: number }): Promise<MessageRecord[]>;
  countPinned(channelId: string): Promise<number>;
  /** Every message of these channels (the channels are being deleted). */
  deleteByChannels(channelIds: readonly string[]): Promise<void>;
  /** Deletes those of `ids` that exist in the channel; gives back the ids it deleted. */
  deleteMany(channelId: string, ids: readonly string[]): Promise<string[]>;
  /** An author's messages in a guild with ids above `afterId`, oldest first (a ban's message deletion). */
  findByAuthor(guildId: string, authorId: string, afterId: string, limit: number): Promise<{ channel_id: string; id: string }[]>;
}

const idOrNull = (v: unknown) => (v == null ? null : String(v));

const toMessage = (r: Row): MessageRecord => ({
  id: String(r.id),
  channel_id: String(r.channel_id),
  guild_id: idOrNull(r.guild_id),
  author_id: String(r.author_id),
  type: r.type,
  content: r.content,
  nonce: r.nonce ?? null,
  dedupe: r.dedupe_nonce != null,
  edited_at: r.edited_at ?? null,
  tts: Boolean(r.tts),
  pinned: Boolean(r.pinned),
  // Only pinned messages carry a pin time, so a record reads back as it was written.
  ...(r.pinned_at == null ? {} : { pinned_at: Number(r.pinned_at) }),
  flags: r.flags,
  mention_everyone: Boolean(r.mention_everyone),
  mentions: r.mentions ? JSON.parse(r.mentions) : [],
  mention_roles: r.mention_roles ? JSON.parse(r.mention_roles) : [],
  ref_message_id: idOrNull(r.ref_message_id),
  ref_channel_id: idOrNull(r.ref_channel_id),
  embeds: r.embeds ? JSON.parse(r.embeds) : [],
  // Only webhook messages carry these (a person's or bot's record stays as it was created).
  ...(r.webhook_id != null ? { webhook_id: String(r.webhook_id), author_name: r.author_name ?? null, author_avatar: r.author_avatar ?? null } : {}),
  ...(r.components ? { components: JSON.parse(r.components) } : {}),
  ...(r.application_id != null ? { application_id: String(r.application_id), interaction: r.interaction ? JSON.parse(r.interaction) : null } : {}),
});

const json = (v: unknown[]) => (v.length > 0 ? JSON.stringify(v) : null);

interface Pending {
  message: MessageRecord;
  resolve: (r: { message: MessageRecord; created: boolean }) => void;
  reject: (e: unknown) => void;
}

const MAX_BATCH = 256;

/** A channel's newest message and its counts (message_count goes down on deletes, total_message_sent never). */
const BUMP = 'UPDATE channels SET last_message_id = ?, message_count = message_count + ?, total_message_sent = total_message_sent + ? WHERE id = ?';

/**
 * Creates on the database are group-committed: while one transaction commits, new sends queue, and the next
 * transaction takes them all. Every send still resolves only after its own commit, in the order it was
 * queued. This is the one place a store opens transactions itself (see modules/tx.ts); the batch also moves
 * each channel's last_message_id and message counts (a thread shows them), which belong to the messages they count.
 */
export class SqlMessageStore implements MessageStore {
  private queue: Pending[] = [];
  private flushing = false;
  /** Told each group commit's size (metrics). */
  onBatch: ((size: number) => void) | undefined;

  constructor(private readonly db: Queryable) {}

  async byNonce(channelId: string, authorId: string, nonce: string) {
    const r = await this.db.get('SELECT * FROM messages WHERE channel_id = ? AND author_id = ? AND dedupe_nonce = ?', [channelId, authorId, nonce]);
    return r ? toMessage(r) : undefined;
  }

  create(message: MessageRecord): Promise<{ message: MessageRecord; created: boolean }> {
    const db = this.db;
    if (!isDb(db)) return insertMessage(db, message).then(async (r) => {
      if (r.created) await db.run(BUMP, [r.message.id, 1, 1, r.message.channel_id]);
      return r;
    });
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.onBatch?.(batch.length);
      try {
        const results = await this.insertAll(batch.map((p) => p.message));
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (err) {
        if (batch.length === 1) {
          batch[0]!.reject(err);
          continue;
        }
        // One bad row must not fail everyone's sends: commit them one by one, so only that one is refused.
        for (const p of batch) {
          try {
            p.resolve((await this.insertAll([p.message]))[0]!);
          } catch (one) {
            p.reject(one);
          }
        }
      }
    }
    this.flushing = false;
  }

  /** Inserts in one transaction, with each channel's last_message_id. */
  private insertAll(messages: MessageRecord[]): Promise<{ message: MessageRecord; created: boolean }[]> {
    return (this.db as Db).tx(async (q) => {
      const out: { message: MessageRecord; created: boolean }[] = [];
      const lastIds = new Map<string, { id: string; n: number }>();
      for (const m of messages) {
        const r = await insertMessage(q, m);
        out.push(r);
        if (r.created) lastIds.set(r.message.channel_id, { id: r.message.id, n: (lastIds.get(r.message.channel_id)?.n ?? 0) + 1 });
      }
      for (const [channelId, { id, n }] of lastIds) await q.run(BUMP, [id, n, n, channelId]);
      return out;
    });
  }

  async get(channelId: string, id: string) {
    const r = await this.db.get('SELECT * FROM messages WHERE channel_id = ? AND id = ?', [channelId, id]);
    return r && toMessage(r);
  }

  async getMany(channelId: string, ids: readonly string[]) {
    if (ids.length === 0) return [];
    const rows = await this.db.all(`SELECT * FROM messages WHERE channel_id = ? AND id IN (${ids.map(() => '?').join(',')})`, [channelId, ...ids]);
    return rows.map(toMessage);
  }

  async lock(channelId: string, id: string) {
    // SQLite's transactions already run one at a time (BEGIN IMMEDIATE), and it has no FOR UPDATE.
    const sql = `SELECT 1 AS x FROM messages WHERE channel_id = ? AND id = ?${this.db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`;
    return (await this.db.get(sql, [channelId, id])) !== undefined;
  }

  async list(channelId: string, q: HistoryQuery) {
    if (q.after) {
      const rows = await this.db.all('SELECT * FROM messages WHERE channel_id = ? AND id > ? ORDER BY id ASC LIMIT ?', [channelId, q.after, q.limit]);
      return rows.map(toMessage).reverse();
    }
    if (q.around) {
      const half = Math.floor(q.limit / 2);
      const newer = await this.db.all('SELECT * FROM messages WHERE channel_id = ? AND id >= ? ORDER BY id ASC LIMIT ?', [channelId, q.around, q.limit - half]);
      const older = await this.db.all('SELECT * FROM messages WHERE channel_id = ? AND id < ? ORDER BY id DESC LIMIT ?', [channelId, q.around, half]);
      return [...newer.map(toMessage).reverse(), ...older.map(toMessage)];
    }
    if (q.before) {
      const rows = await this.db.all('SELECT * FROM messages WHERE channel_id = ? AND id < ? ORDER BY id DESC LIMIT ?', [channelId, q.before, q.limit]);
      return rows.map(toMessage);
    }
    const rows = await this.db.all('SELECT * FROM messages WHERE channel_id = ? ORDER BY id DESC LIMIT ?', [channelId, q.limit]);
    return rows.map(toMessage);
  }

  async update(channelId: string, id: string, patch: MessagePatch) {
    const sets: string[] = [];
    const values: (string | number | null)[] = [];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      sets.push(`${k} = ?`);
      values.push(Array.isArray(v) ? json(v) : typeof v === 'boolean' ? (v ? 1 : 0) : (v as string | number | null));
    }
    if (sets.length > 0) await this.db.run(`UPDATE messages SET ${sets.join(', ')} WHERE channel_id = ? AND id = ?`, [...values, channelId, id]);
    return this.get(channelId, id);
  }

  async listPinned(channelId: string, q: { limit: number; before?: number }) {
    const rows = q.before === undefined
      ? await this.db.all('SELECT * FROM messages WHERE channel_id = ? AND pinned_at IS NOT NULL ORDER BY pinned_at DESC, id DESC LIMIT ?', [channelId, q.limit])
      : await this.db.all('SELECT * FROM messages WHERE channel_id = ? AND pinned_at IS NOT NULL AND pinned_at < ? ORDER BY pinned_at DESC, id DESC LIMIT ?', [
          channelId,
          q.before,
          q.limit,
        ]);
    return rows.map(toMessage);
  }

  async countPinned(channelId: string) {
    const row = await this.db.get('SELECT COUNT(*) AS n FROM messages WHERE channel_id = ? AND pinned_at IS NOT NULL', [channelId]);
    return Number(row?.n ?? 0);
  }

  async delete(channelId: string, id: string) {
    if ((await this.db.run('DELETE FROM messages WHERE channel_id = ? AND id = ?', [channelId, id])).changes === 0) return false;
    await this.db.run('UPDATE channels SET message_count = message_count - 1 WHERE id = ? AND message_count > 0', [channelId]);
    return true;
  }

  async deleteMany(channelId: string, ids: readonly string[]) {
    if (ids.length === 0) return [];
    const marks = ids.map(() => '?').join(', ');
    const found = await this.db.all(`SELECT id FROM messages WHERE channel_id = ? AND id IN (${marks})`, [channelId, ...ids]);
    if (found.length === 0) return [];
    await this.db.run(`DELETE FROM messages WHERE channel_id = ? AND id IN (${marks})`, [channelId, ...ids]);
    return found.map((r) => String(r.id));
  }

  async findByAuthor(guildId: string, authorId: string, afterId: string, limit: number) {
    const rows = await this.db.all('SELECT channel_id, id FROM messages WHERE guild_id = ? AND author_id = ? AND id > ? ORDER BY id LIMIT ?', [guildId, authorId, afterId, limit]);
    return rows.map((r) => ({ channel_id: String(r.channel_id), id: String(r.id) }));
  }

  async deleteByChannels(channelIds: readonly string[]) {
    for (const id of channelIds) await this.db.run('DELETE FROM messages WHERE channel_id = ?', [id]);
  }
}

async function insertMessage(q: Queryable, m: MessageRecord): Promise<{ message: MessageRecord; created: boolean }> {
  const { changes } = await q.run(
    `INSERT INTO messages (channel_id, id, guild_id, author_id, type, content, nonce, dedupe_nonce, edited_at, tts, pinned, flags,
       mention_everyone, mentions, mention_roles, ref_message_id, ref_channel_id, embeds, webhook_id, author_name, author_avatar,
       components, application_id, interaction)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    [
      m.channel_id, m.id, m.guild_id, m.author_id, m.type, m.content, m.nonce, m.dedupe ? m.nonce : null, m.edited_at, m.tts ? 1 : 0, m.pinned ? 1 : 0, m.flags,
      m.mention_everyone ? 1 : 0, json(m.mentions), json(m.mention_roles), m.ref_message_id, m.ref_channel_id, json(m.embeds),
      m.webhook_id ?? null, m.author_name ?? null, m.author_avatar ?? null,
      json(m.components ?? []), m.application_id ?? null, m.interaction ? JSON.stringify(m.interaction) : null,
    ],
  );
  if (changes > 0) return { message: m, created: true };
  const existing = await q.get('SELECT * FROM messages WHERE channel_id = ? AND author_id = ? AND dedupe_nonce = ? AND dedupe_nonce IS NOT NULL', [
    m.channel_id,
    m.author_id,
    m.nonce,
  ]);
  if (!existing) throw new Error('message insert conflicted without a matching nonce');
  return { message: toMessage(existing), created: false };
}
