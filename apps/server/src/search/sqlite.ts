/**
 * Search on SQLite: an FTS5 table with the trigram tokenizer (`message_fts`, rowid = message id), written by
 * triggers on `messages` (search migrations), so it commits with the message, group commits included, and
 * follows edits and deletes. Trigrams match any script, Chinese, Japanese and Korean included (no word breaks
 * needed), and substrings of identifiers; case and diacritics are folded. Terms under three characters, which
 * trigrams cannot index, are matched with LIKE among the indexed matches (or the channel's messages).
 */
import type { Db, Param } from '../store/db.js';
import { filterSql, likeEscape, type SearchQuery, type SearchResult, type SearchStore } from './port.js';

const BATCH = 2000;

/** An FTS5 string literal: a phrase of the term's trigrams, never query syntax. */
const ftsLiteral = (term: string) => `"${term.replace(/"/g, '""')}"`;
const chars = (s: string) => [...s].length;

export class SqliteSearch implements SearchStore {
  constructor(private readonly db: Db) {}

  async search(q: SearchQuery): Promise<SearchResult> {
    const long = q.terms.filter((t) => chars(t) >= 3);
    const short = q.terms.filter((t) => chars(t) < 3);
    const filters = filterSql(q);
    const where: string[] = [];
    const params: Param[] = [];
    if (long.length > 0) {
      where.push('message_fts MATCH ?');
      params.push(long.map(ftsLiteral).join(' AND '));
    }
    where.push(...filters.where);
    params.push(...filters.params);
    for (const t of short) {
      where.push(`m.content LIKE ? ESCAPE '\\'`);
      params.push(`%${likeEscape(t)}%`);
    }
    const from = long.length > 0 ? 'message_fts f JOIN messages m ON m.channel_id = f.channel_id AND m.id = f.rowid' : 'messages m';
    const dir = q.sortOrder === 'asc' ? 'ASC' : 'DESC';
    const order = q.sortBy === 'relevance' && long.length > 0 ? `bm25(message_fts), m.id ${dir}` : `m.id ${dir}`;
    const sql = `FROM ${from} WHERE ${where.join(' AND ')}`;
    const total = await this.db.get(`SELECT COUNT(*) AS n ${sql}`, params);
    const rows = await this.db.all(`SELECT m.channel_id, m.id ${sql} ORDER BY ${order} LIMIT ? OFFSET ?`, [...params, q.limit, q.offset]);
    return { total: Number(total?.n ?? 0), hits: rows.map((r) => ({ channel_id: String(r.channel_id), id: String(r.id) })) };
  }

  async ready(): Promise<boolean> {
    const r = await this.db.get('SELECT done FROM search_backfill WHERE id = 1');
    return !r || Boolean(r.done);
  }

  async backfill(log: (line: string) => void, shouldStop: () => boolean = () => false): Promise<void> {
    const start = await this.db.get('SELECT * FROM search_backfill WHERE id = 1');
    if (!start || start.done) return;
    const total = Number((await this.db.get('SELECT COUNT(*) AS n FROM messages WHERE id <= ?', [start.upto_id]))?.n ?? 0);
    log(`search: indexing ${total} messages stored before search existed, in the background`);
    for (;;) {
      if (shouldStop()) return;
      const step = await this.db.tx(async (q) => {
        const s = (await q.get('SELECT * FROM search_backfill WHERE id = 1'))!;
        if (s.done) return undefined;
        const rows =
          s.through_channel == null
            ? await q.all('SELECT channel_id, id, content FROM messages WHERE id <= ? ORDER BY channel_id, id LIMIT ?', [s.upto_id, BATCH])
            : await q.all('SELECT channel_id, id, content FROM messages WHERE (channel_id, id) > (?, ?) AND id <= ? ORDER BY channel_id, id LIMIT ?', [
                s.through_channel,
                s.through_id,
                s.upto_id,
                BATCH,
              ]);
        for (const r of rows) {
          // A message edited since the upgrade was indexed by its trigger already: written once either way.
          await q.run('DELETE FROM message_fts WHERE rowid = ?', [BigInt(r.id)]);
          await q.run('INSERT INTO message_fts (rowid, content, channel_id) VALUES (?, ?, ?)', [BigInt(r.id), r.content, BigInt(r.channel_id)]);
        }
        const last = rows[rows.length - 1];
        const done = rows.length < BATCH;
        await q.run('UPDATE search_backfill SET through_channel = ?, through_id = ?, indexed = indexed + ?, done = ? WHERE id = 1', [
          last ? String(last.channel_id) : (s.through_channel ?? null),
          last ? String(last.id) : (s.through_id ?? null),
          rows.length,
          done ? 1 : 0,
        ]);
        return { indexed: Number(s.indexed) + rows.length, done };
      });
      if (!step) return;
      log(`search: indexed ${step.indexed} of ${total} earlier messages${step.done ? ', done' : ''}`);
      if (step.done) return;
      // Requests go first: one batch per turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
