import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { normaliseInt, UniqueViolation, type Db, type Param, type Queryable, type Row } from '../db.js';
import { foldText } from '../../lib/fold.js';

const int = (v: unknown) => (typeof v === 'bigint' ? normaliseInt(v) : v);

/**
 * A function building one statement's rows from better-sqlite3's raw arrays as object literals of one fixed
 * shape. better-sqlite3 builds each row object key by key; for a message row (25 columns) that costs twice the
 * query itself, and the literal is built in a third of the time. Column names come from the schema, quoted.
 */
function rowBuilder(columns: readonly string[]): (values: unknown[]) => Row {
  const fields = columns.map((name, i) => `${JSON.stringify(name)}: int(v[${i}])`).join(', ');
  return new Function('int', `return (v) => ({ ${fields} });`)(int) as (values: unknown[]) => Row;
}

interface Prepared {
  stmt: Database.Statement;
  /** Reader statements only: return rows as arrays, built into objects by `row`. */
  row?: (values: unknown[]) => Row;
}

/** "UNIQUE constraint failed: users.email" -> UniqueViolation('users.email'). */
function uniqueViolation(err: unknown): UniqueViolation | undefined {
  const e = err as { code?: string; message?: string };
  if (e?.code !== 'SQLITE_CONSTRAINT_UNIQUE' && e?.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined;
  return new UniqueViolation(String(e.message).replace(/^.*constraint failed: /, ''), { cause: err });
}

/**
 * better-sqlite3 is synchronous; this driver wraps it in promises. Transactions hold a lock so that
 * statements from other requests cannot interleave with an open BEGIN...COMMIT across awaits.
 */
export class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  readonly raw: Database.Database;
  private readonly cache = new Map<string, Prepared>();
  /** Settles when the open transaction ends. */
  private lock: Promise<void> = Promise.resolve();
  /** Settles when every transaction queued so far has ended: transactions run strictly one after another. */
  private tail: Promise<void> = Promise.resolve();
  private inTx = false;
  /** Set inside a transaction's callback when checking: a query on the database itself from there would wait for its own lock. */
  private readonly inside?: AsyncLocalStorage<SqliteDb>;

  constructor(file: string, { synchronous = 'full', checkTransactions = false }: { synchronous?: 'full' | 'normal'; checkTransactions?: boolean } = {}) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.raw = new Database(file);
    this.raw.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before we acknowledge it; group commits keep the fsync count low.
    this.raw.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.raw.pragma('foreign_keys = ON');
    this.raw.pragma('busy_timeout = 5000');
    this.raw.defaultSafeIntegers(true);
    // Search matches messages not in its index yet by folded substring (search/sqlite.ts).
    this.raw.function('concord_fold', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? foldText(s) : s));
    if (checkTransactions) this.inside = new AsyncLocalStorage<SqliteDb>();
  }

  private prepare(sql: string): Prepared {
    let p = this.cache.get(sql);
    if (!p) {
      const stmt = this.raw.prepare(sql);
      p = stmt.reader ? { stmt: stmt.raw(true), row: rowBuilder(stmt.columns().map((c) => c.name)) } : { stmt };
      this.cache.set(sql, p);
    }
    return p;
  }

  // Ids are bound as decimal strings: INTEGER affinity converts them on insert and in comparisons.
  allSync<T extends Row>(sql: string, params: Param[] = []): T[] {
    const { stmt, row } = this.prepare(sql);
    return (stmt.all(...params) as unknown[][]).map(row!) as T[];
  }
  getSync<T extends Row>(sql: string, params: Param[] = []): T | undefined {
    const { stmt, row } = this.prepare(sql);
    const values = stmt.get(...params) as unknown[] | undefined;
    return values ? (row!(values) as T) : undefined;
  }
  runSync(sql: string, params: Param[] = []): { changes: number } {
    const { stmt } = this.prepare(sql);
    if (!stmt.reader) {
      let r: Database.RunResult;
      try {
        r = stmt.run(...params);
      } catch (err) {
        throw uniqueViolation(err) ?? err;
      }
      return { changes: Number(r.changes) };
    }
    stmt.all(...params);
    return { changes: 0 };
  }

  private async waitForLock(): Promise<void> {
    if (this.inTx && this.inside?.getStore() === this) {
      throw new Error('query on the database inside its own transaction: use the stores the transaction gives');
    }
    while (this.inTx) await this.lock;
  }

  async all<T extends Row = Row>(sql: string, params?: Param[]): Promise<T[]> {
    await this.waitForLock();
    return this.allSync<T>(sql, params);
  }
  async get<T extends Row = Row>(sql: string, params?: Param[]): Promise<T | undefined> {
    await this.waitForLock();
    return this.getSync<T>(sql, params);
  }
  async run(sql: string, params?: Param[]): Promise<{ changes: number }> {
    await this.waitForLock();
    return this.runSync(sql, params);
  }

  async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    // Queue behind every transaction already waiting (checking a flag and then awaiting let two callers in the
    // same tick both start one: "cannot start a transaction within a transaction").
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    const previous = this.tail;
    this.tail = previous.then(() => done);
    await previous;
    this.lock = done;
    this.inTx = true;
    const inner: Queryable = {
      dialect: 'sqlite',
      all: async (sql, params) => this.allSync(sql, params),
      get: async (sql, params) => this.getSync(sql, params),
      run: async (sql, params) => this.runSync(sql, params),
    };
    this.raw.prepare('BEGIN IMMEDIATE').run();
    try {
      const result = this.inside ? await this.inside.run(this, () => fn(inner)) : await fn(inner);
      this.raw.prepare('COMMIT').run();
      return result;
    } catch (err) {
      if (this.raw.inTransaction) this.raw.prepare('ROLLBACK').run();
      throw err;
    } finally {
      this.inTx = false;
      release();
    }
  }

  async close(): Promise<void> {
    await this.waitForLock();
    this.raw.close();
  }
}
