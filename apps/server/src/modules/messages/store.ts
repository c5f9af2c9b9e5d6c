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
  flags: number;
  mention_everyone: boolean;
  mentions: string[];
  mention_roles: string[];
  ref_message_id: string | null;
  ref_channel_id: string | null;
  embeds: unknown[];
}

export interface HistoryQuery {
  limit: number;
  before?: string;
  after?: string;
  around?: string;
}

export type MessagePatch = Partial<Pick<MessageRecord, 'content' | 'edited_at' | 'flags' | 'embeds' | 'pinned' | 'mentions' | 'mention_roles' | 'mention_everyone'>>;

export interface MessageStore {
  /**
   * Stores the message, or, when the author already sent one with the same nonce, returns that one
   * (`created: false`). On the database it is group-committed and resolves only after the commit; in an
   * open transaction it is part of that transaction.
   */
  create(message: MessageRecord): Promise<{ message: MessageRecord; created: boolean }>;
  get(channelId: string, id: string): Promise<MessageRecord | undefined>;
  /** Newest first. */
  list(channelId: string, q: HistoryQuery): Promise<MessageRecord[]>;
  update(channelId: string, id: string, patch: MessagePatch): Promise<MessageRecord | undefined>;
  delete(channelId: string, id: string): Promise<boolean>;
  /** Every message of these channels (the channels are being deleted). */
  deleteByChannels(channelIds: readonly string[]): Promise<void>;
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
  flags: r.flags,
  mention_everyone: Boolean(r.mention_everyone),
  mentions: r.mentions ? JSON.parse(r.mentions) : [],
  mention_roles: r.mention_roles ? JSON.parse(r.mention_roles) : [],
  ref_message_id: idOrNull(r.ref_message_id),
  ref_channel_id: idOrNull(r.ref_channel_id),
  embeds: r.embeds ? JSON.parse(r.embeds) : [],
});

const json = (v: unknown[]) => (v.length > 0 ? JSON.stringify(v) : null);

interface Pending {
  message: MessageRecord;
  resolve: (r: { message: MessageRecord; created: boolean }) => void;
  reject: (e: unknown) => void;
}

const MAX_BATCH = 256;

/**
 * Creates on the database are group-committed: while one transaction commits, new sends queue, and the next
 * transaction takes them all. Every send still resolves only after its own commit, in the order it was
 * queued. This is the one place a store opens transactions itself (see modules/tx.ts); the batch also moves
 * each channel's last_message_id, which belongs to the message it points at.
 */
export class SqlMessageStore implements MessageStore {
  private queue: Pending[] = [];
  private flushing = false;
  /** Told each group commit's size (metrics). */
  onBatch: ((size: number) => void) | undefined;

  constructor(private readonly db: Queryable) {}

  create(message: MessageRecord): Promise<{ message: MessageRecord; created: boolean }> {
    const db = this.db;
    if (!isDb(db)) return insertMessage(db, message).then(async (r) => {
      if (r.created) await db.run('UPDATE channels SET last_message_id = ? WHERE id = ?', [r.message.id, r.message.channel_id]);
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
      const lastIds = new Map<string, string>();
      for (const m of messages) {
        const r = await insertMessage(q, m);
        out.push(r);
        if (r.created) lastIds.set(r.message.channel_id, r.message.id);
      }
      for (const [channelId, id] of lastIds) {
        await q.run('UPDATE channels SET last_message_id = ? WHERE id = ?', [id, channelId]);
      }
      return out;
    });
  }

  async get(channelId: string, id: string) {
    const r = await this.db.get('SELECT * FROM messages WHERE channel_id = ? AND id = ?', [channelId, id]);
    return r && toMessage(r);
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

  async delete(channelId: string, id: string) {
    return (await this.db.run('DELETE FROM messages WHERE channel_id = ? AND id = ?', [channelId, id])).changes > 0;
  }

  async deleteByChannels(channelIds: readonly string[]) {
    for (const id of channelIds) await this.db.run('DELETE FROM messages WHERE channel_id = ?', [id]);
  }
}

async function insertMessage(q: Queryable, m: MessageRecord): Promise<{ message: MessageRecord; created: boolean }> {
  const { changes } = await q.run(
    `INSERT INTO messages (channel_id, id, guild_id, author_id, type, content, nonce, dedupe_nonce, edited_at, tts, pinned, flags,
       mention_everyone, mentions, mention_roles, ref_message_id, ref_channel_id, embeds)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    [
      m.channel_id, m.id, m.guild_id, m.author_id, m.type, m.content, m.nonce, m.dedupe ? m.nonce : null, m.edited_at, m.tts ? 1 : 0, m.pinned ? 1 : 0, m.flags,
      m.mention_everyone ? 1 : 0, json(m.mentions), json(m.mention_roles), m.ref_message_id, m.ref_channel_id, json(m.embeds),
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
