/**
 * The search port: finds messages by content and filters among channels the caller already may read (the
 * permission filter is the service's, at query time). Adapters: SQLite FTS5 with the trigram tokenizer
 * (`sqlite.ts`), PostgreSQL with pg_trgm (`postgres.ts`); app.ts chooses one. What a search sees is what is
 * committed, edits and deletes too: PostgreSQL indexes in the message's own transaction (an expression index);
 * SQLite queues the message in it and indexes the queue in batches, searching the queue as well.
 */
import type { Param } from '../store/db.js';

export type HasKind = 'link' | 'embed' | 'file' | 'image' | 'video' | 'sound' | 'sticker' | 'poll';
export type AuthorType = 'user' | 'bot' | 'webhook';

export interface SearchQuery {
  /** Where to look: never empty (the service answers nothing itself when the caller may read nothing). */
  channelIds: readonly string[];
  /** Words or quoted phrases; each must occur (as a substring, case and diacritics folded). */
  terms: readonly string[];
  authorIds?: readonly string[];
  /** Users the message must mention (each of them). */
  mentions?: readonly string[];
  has?: readonly HasKind[];
  authorTypes?: readonly AuthorType[];
  /** Exclusive bounds on the message id (dates are snowflakes). */
  minId?: string;
  maxId?: string;
  pinned?: boolean;
  sortBy: 'timestamp' | 'relevance';
  sortOrder: 'asc' | 'desc';
  offset: number;
  limit: number;
}

export interface SearchHit {
  channel_id: string;
  id: string;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
}

export interface SearchStore {
  search(q: SearchQuery): Promise<SearchResult>;
  /** False while messages stored before search existed are still being indexed (search answers 202 then). */
  ready(): Promise<boolean>;
  /** Indexes those messages in batches, logging progress; resumes where a previous run stopped. */
  backfill(log: (line: string) => void, shouldStop?: () => boolean): Promise<void>;
  /** Engines that index after commit: runs the indexer until `stop()`. */
  runIndexer?(onError: (err: unknown) => void, everyMs?: number): { stop(): Promise<void> };
  /** Engines that index after commit: finishes the work queued so far (benchmarks). */
  settle?(): Promise<void>;
}

/**
 * Splits a content query into terms: "quoted phrases" stay whole, the rest splits on white space. Nothing in
 * it is query syntax: adapters pass each term as a literal.
 */
export function parseTerms(content: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (const m of content.matchAll(re)) {
    const term = (m[1] ?? m[2] ?? '').trim();
    if (term) out.push(term);
  }
  return out;
}

/** `%`, `_` and the escape character itself, escaped for LIKE ... ESCAPE '\'. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `has` kinds that are attachments, with the content type they take (Discord's: a file is any attachment). */
const ATTACHMENT_TYPES: Partial<Record<HasKind, string>> = {
  file: '',
  image: " AND a.content_type LIKE 'image/%'",
  video: " AND a.content_type LIKE 'video/%'",
  sound: " AND a.content_type LIKE 'audio/%'",
};

/** The filters both adapters share, over messages `m`. */
export function filterSql(q: SearchQuery): { where: string[]; params: Param[] } {
  const where: string[] = [`m.channel_id IN (${q.channelIds.map(() => '?').join(', ')})`];
  const params: Param[] = [...q.channelIds];
  if (q.authorIds?.length) {
    where.push(`m.author_id IN (${q.authorIds.map(() => '?').join(', ')})`);
    params.push(...q.authorIds);
  }
  // Mentions are stored as a JSON array of ids; ids are digits only, so the pattern needs no escaping.
  for (const id of q.mentions ?? []) {
    where.push('m.mentions LIKE ?');
    params.push(`%"${id}"%`);
  }
  for (const kind of q.has ?? []) {
    if (kind === 'link') where.push(`(m.content LIKE '%http://%' OR m.content LIKE '%https://%')`);
    else if (kind === 'embed') where.push('m.embeds IS NOT NULL');
    else if (kind in ATTACHMENT_TYPES) where.push(`EXISTS (SELECT 1 FROM attachments a WHERE a.channel_id = m.channel_id AND a.message_id = m.id${ATTACHMENT_TYPES[kind]})`);
    // Stickers and polls are not stored yet: nothing has them.
    else where.push('1 = 0');
  }
  if (q.authorTypes?.length) {
    const kinds = q.authorTypes.map((t) =>
      t === 'webhook' ? 'm.webhook_id IS NOT NULL' : `(m.webhook_id IS NULL AND EXISTS (SELECT 1 FROM users u WHERE u.id = m.author_id AND u.bot = ${t === 'bot' ? 1 : 0}))`,
    );
    where.push(`(${kinds.join(' OR ')})`);
  }
  if (q.minId) {
    where.push('m.id > ?');
    params.push(q.minId);
  }
  if (q.maxId) {
    where.push('m.id < ?');
    params.push(q.maxId);
  }
  if (q.pinned !== undefined) {
    where.push('m.pinned = ?');
    params.push(q.pinned ? 1 : 0);
  }
  return { where, params };
}
