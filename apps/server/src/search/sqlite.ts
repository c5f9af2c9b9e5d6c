/**
 * Search on SQLite: an FTS5 table with the trigram tokenizer (`message_fts`, rowid = message id). Triggers on
 * `messages` queue each new or edited message (`message_fts_pending`) in the message's own transaction, and
 * the indexer moves the queue into the FTS table in batches (`indexPending`); a search reads the index and the
 * queue, so it sees exactly what is committed, edits and deletes included. Trigrams match any script, Chinese, Japanese and Korean included (no word breaks
 * needed), and substrings of identifiers; case and diacritics are folded. Terms under three characters, which
 * trigrams cannot index, are matched with LIKE among the indexed matches (or the channel's messages).
 */
import type { Db, Param } from '../store/db.js';
import { foldText } from '../lib/fold.js';
import { filterSql, likeEscape, type SearchQuery, type SearchResult, type SearchStore } from './port.js';

const BATCH = 2000;
/** How often the indexer looks at the queue. */
const INDEX_EVERY_MS = 250;

/** An FTS5 string literal: a phrase of the term's trigrams, never query syntax. */
const ftsLiteral = (term: string) => `"${term.replace(/"/g, '""')}"`;
const chars = (s: string) => [...s].length;

export class SqliteSearch implements SearchStore {
  constructor(private readonly db: Db) {}

  async search(q: SearchQuery): Promise<SearchResult> {
    const long = q.terms.filter((t) => chars(t) >= 3);
    const short = q.terms.filter((t) => chars(t) < 3);
    const filters = filterSql(q);
    const where = [...filters.where];
    const params: Param[] = [];
    let from = 'messages m';
    if (long.length > 0) {
      // Matches are the index's, and those of messages still queued for it (folded substrings: the index's own
      // semantics), so a search sees every committed message whether the indexer has reached it or not.
      from = `(SELECT rowid AS id, channel_id, bm25(message_fts) AS rank FROM message_fts WHERE message_fts MATCH ?
          UNION ALL
          SELECT p.id, p.channel_id, 0 AS rank FROM message_fts_pending p CROSS JOIN messages pm ON pm.channel_id = p.channel_id AND pm.id = p.id
          WHERE p.channel_id IN (${q.channelIds.map(() => '?').join(', ')}) AND ${long.map(() => 'instr(concord_fold(pm.content), ?) > 0').join(' AND ')}) f
        CROSS JOIN messages m ON m.channel_id = f.channel_id AND m.id = f.id`;
      // CROSS JOIN keeps SQLite's loop order: the matches drive, never a scan of the channel's messages.
      params.push(long.map(ftsLiteral).join(' AND '), ...q.channelIds, ...long.map(foldText));
    }
    params.push(...filters.params);
    for (const t of short) {
      where.push(`m.content LIKE ? ESCAPE '\\'`);
      params.push(`%${likeEscape(t)}%`);
    }
    const dir = q.sortOrder === 'asc' ? 'ASC' : 'DESC';
    // Queued messages rank as an average match (bm25 is negative, better is lower) until they are indexed.
    const order = q.sortBy === 'relevance' && long.length > 0 ? `f.rank, m.id ${dir}` : `m.id ${dir}`;
    const sql = `FROM ${from} WHERE ${where.join(' AND ')}`;
    const total = await this.db.get(`SELECT COUNT(*) AS n ${sql}`, params);
    const rows = await this.db.all(`SELECT m.channel_id, m.id ${sql} ORDER BY ${order} LIMIT ? OFFSET ?`, [...params, q.limit, q.offset]);
    return { total: Number(total?.n ?? 0), hits: rows.map((r) => ({ channel_id: String(r.channel_id), id: String(r.id) })) };
  }

  /**
   * Moves up to `limit` queued messages into the index in one transaction; answers how many. The queue is written
   * by the messages' own transactions (migration 1950), so nothing is lost to a crash: a restart goes on from it.
   */
  async indexPending(limit = BATCH): Promise<number> {
    return this.db.tx(async (q) => {
      const last = await q.get('SELECT MAX(id) AS id, COUNT(*) AS n FROM (SELECT id FROM message_fts_pending ORDER BY id LIMIT ?)', [limit]);
      if (!last || last.id == null) return 0;
      // An edited message left the index when it was queued again; the delete makes sure it is written once.
      await q.run('DELETE FROM message_fts WHERE rowid IN (SELECT id FROM message_fts_pending WHERE id <= ?)', [String(last.id)]);
      await q.run(
        `INSERT INTO message_fts (rowid, content, channel_id)
         SELECT m.id, m.content, m.channel_id FROM message_fts_pending p JOIN messages m ON m.channel_id = p.channel_id AND m.id = p.id WHERE p.id <= ?`,
        [String(last.id)],
      );
      await q.run('DELETE FROM message_fts_pending WHERE id <= ?', [String(last.id)]);
      return Number(last.n);
    });
  }

  async settle(): Promise<void> {
    while ((await this.indexPending()) > 0);
  }

  /**
   * The indexer: drains the queue every `everyMs` while the process runs, a batch per turn of the event loop so
   * requests go first. Sends in between only queue; searches read the queue, so the interval is only a cost knob.
   */
  runIndexer(onError: (err: unknown) => void, everyMs = INDEX_EVERY_MS): { stop(): Promise<void> } {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    const tick = async () => {
      try {
        while (!stopped && (await this.indexPending()) === BATCH) await new Promise((r) => setImmediate(r));
      } catch (err) {
        onError(err);
      }
      if (!stopped) schedule();
    };
    const schedule = () => {
      timer = setTimeout(() => {
        running = tick();
      }, everyMs);
    };
    schedule();
    return {
      async stop() {
        stopped = true;
        clearTimeout(timer);
        await running;
      },
    };
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
          // One queued for the indexer (edited since) is written by it.
          if (await q.get('SELECT 1 FROM message_fts_pending WHERE id = ?', [BigInt(r.id)])) continue;
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
