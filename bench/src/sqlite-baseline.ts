/**
 * The raw SQLite baselines: better-sqlite3 with the server's own pragmas (WAL, synchronous=FULL) and its
 * own messages table (from the server's migrations), no HTTP, no JSON, no batching.
 */
import Database from 'better-sqlite3';
import { messageMigrations } from '../../apps/server/src/modules/messages/migrations.js';
import { now } from './env.js';
import { dist, round, type Dist } from './stats.js';

export const INSERT_MESSAGE = `INSERT INTO messages (channel_id, id, guild_id, author_id, type, content, nonce, edited_at, tts, pinned, flags,
  mention_everyone, mentions, mention_roles, ref_message_id, ref_channel_id, embeds) VALUES (?, ?, ?, ?, 0, ?, ?, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL)`;

export const LATEST_50 = 'SELECT * FROM messages WHERE channel_id = ? ORDER BY id DESC LIMIT 50';

function open(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.defaultSafeIntegers(true);
  return db;
}

/** One single-row INSERT per transaction (autocommit), for `seconds`; answers commits/s and commit latency. */
export function commitLoop(file: string, seconds: number, contentBytes = 80): { commits_per_s: number; commits: number; latency_ms: Dist } {
  const db = open(file);
  const ddl = messageMigrations.find((m) => m.name === 'messages')!.sqlite!;
  db.exec(ddl);
  const insert = db.prepare(INSERT_MESSAGE);
  const content = 'x'.repeat(contentBytes);
  const lat: number[] = [];
  const start = now();
  const end = start + seconds * 1000;
  let id = 1n << 50n;
  for (let t = start; t < end; ) {
    insert.run(1n, id++, 1n, 2n, content, null);
    const t1 = now();
    lat.push(t1 - t);
    t = t1;
  }
  db.close();
  return { commits_per_s: Math.round(lat.length / ((now() - start) / 1000)), commits: lat.length, latency_ms: dist(lat) };
}

/** The history query the server runs for `GET /channels/:id/messages?limit=50`, `n` times. */
export function readLoop(file: string, channelId: string, n: number): { reads_per_s: number; latency_ms: Dist; rows: number } {
  const db = open(file);
  const stmt = db.prepare(LATEST_50);
  let rows = 0;
  for (let i = 0; i < 100; i++) stmt.all(BigInt(channelId));
  const lat: number[] = [];
  const start = now();
  for (let i = 0; i < n; i++) {
    const t = now();
    rows = stmt.all(BigInt(channelId)).length;
    lat.push(now() - t);
  }
  const reads = round(n / ((now() - start) / 1000), 0);
  db.close();
  return { reads_per_s: reads, latency_ms: dist(lat), rows };
}
