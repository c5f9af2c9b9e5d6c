import pg from 'pg';
import { normaliseInt, UniqueViolation, type Db, type Param, type Queryable, type Row } from '../db.js';
import { log } from '../../lib/log.js';

// int8 (and count(*)) -> number when safe, decimal string otherwise (snowflakes).
pg.types.setTypeParser(20, (v: string) => normaliseInt(BigInt(v)));

const numbered = new Map<string, string>();
function toPg(sql: string): string {
  let out = numbered.get(sql);
  if (out === undefined) {
    let i = 0;
    out = sql.replace(/\?/g, () => `$${++i}`);
    numbered.set(sql, out);
  }
  return out;
}

/** 23505 unique_violation -> UniqueViolation(constraint name, e.g. users_email_key). */
function translate(err: unknown): unknown {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' ? new UniqueViolation(e.constraint ?? 'unknown', { cause: err }) : err;
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  const query = (sql: string, params: Param[]) => client.query(toPg(sql), params as unknown[]).catch((err: unknown) => Promise.reject(translate(err)));
  return {
    dialect: 'postgres',
    async all<T extends Row>(sql: string, params: Param[] = []) {
      return (await query(sql, params)).rows as T[];
    },
    async get<T extends Row>(sql: string, params: Param[] = []) {
      return (await query(sql, params)).rows[0] as T | undefined;
    },
    async run(sql: string, params: Param[] = []) {
      return { changes: (await query(sql, params)).rowCount ?? 0 };
    },
  };
}

export class PostgresDb implements Db {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;
  private readonly q: Queryable;

  constructor(url: string, max = 10) {
    this.pool = new pg.Pool({ connectionString: url, max });
    // An idle client's error (e.g. the server restarting) must not crash the process; the pool replaces it.
    this.pool.on('error', (err) => log.warn('postgres pool error', { err: err.message }));
    this.q = wrap(this.pool);
  }

  all<T extends Row = Row>(sql: string, params?: Param[]) {
    return this.q.all<T>(sql, params);
  }
  get<T extends Row = Row>(sql: string, params?: Param[]) {
    return this.q.get<T>(sql, params);
  }
  run(sql: string, params?: Param[]) {
    return this.q.run(sql, params);
  }

  async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(wrap(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
