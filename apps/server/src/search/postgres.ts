/**
 * Search on PostgreSQL: a pg_trgm GIN index on the folded content (`concord_fold`: lower case, unaccent), so
 * matching has the SQLite adapter's semantics (substrings in any script, case and diacritics folded) and the index
 * is maintained in the message's own transaction. Relevance is trigram similarity. A tsvector would add stemming
 * but no Chinese, Japanese or Korean word breaks and no substrings, so it is not what matches.
 */
import type { Db, Param } from '../store/db.js';
import { filterSql, likeEscape, type SearchQuery, type SearchResult, type SearchStore } from './port.js';

export class PostgresSearch implements SearchStore {
  constructor(private readonly db: Db) {}

  async search(q: SearchQuery): Promise<SearchResult> {
    const { where, params } = filterSql(q);
    for (const t of q.terms) {
      where.push(`concord_fold(m.content) LIKE concord_fold(?) ESCAPE '\\'`);
      params.push(`%${likeEscape(t)}%`);
    }
    const dir = q.sortOrder === 'asc' ? 'ASC' : 'DESC';
    const relevance = q.sortBy === 'relevance' && q.terms.length > 0;
    const order = relevance ? `similarity(concord_fold(m.content), concord_fold(?)) DESC, m.id ${dir}` : `m.id ${dir}`;
    const orderParams: Param[] = relevance ? [q.terms.join(' ')] : [];
    const sql = `FROM messages m WHERE ${where.join(' AND ')}`;
    const total = await this.db.get(`SELECT COUNT(*) AS n ${sql}`, params);
    const rows = await this.db.all(`SELECT m.channel_id, m.id ${sql} ORDER BY ${order} LIMIT ? OFFSET ?`, [...params, ...orderParams, q.limit, q.offset]);
    return { total: Number(total?.n ?? 0), hits: rows.map((r) => ({ channel_id: String(r.channel_id), id: String(r.id) })) };
  }

  /** The index is built by its migration, existing messages included. */
  async ready(): Promise<boolean> {
    return true;
  }

  async backfill(): Promise<void> {}
}
