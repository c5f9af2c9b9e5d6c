/**
 * PostgreSQL and Redis for tests that need them: a fresh database per suite, dropped afterwards, and a
 * reachability check that fails loudly (CI starts both; a silent skip would hide a broken adapter).
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.CONCORD_TEST_PG_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.CONCORD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_ADMIN_URL} (${(err as Error).message}). These tests need a local PostgreSQL ` +
        '(user postgres, trust auth; .ci/run starts it), or set CONCORD_TEST_PG_URL.',
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** CREATE DATABASE concord_test_<random>; `drop()` removes it, ending connections left open. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `concord_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Sends PING to Redis over a raw socket; throws a clear error when nothing answers PONG. */
export async function assertRedisReachable(url = REDIS_URL, timeoutMs = 3000): Promise<void> {
  const u = new URL(url);
  const port = Number(u.port || 6379);
  const host = u.hostname || '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      const sock = net.connect({ host, port });
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error('no answer'));
      }, timeoutMs);
      let got = '';
      sock.on('connect', () => sock.write('PING\r\n'));
      sock.on('data', (b) => {
        got += b.toString();
        if (got.includes('\r\n')) {
          clearTimeout(timer);
          sock.destroy();
          if (got.startsWith('+PONG')) resolve();
          else reject(new Error(`unexpected answer ${JSON.stringify(got.trim())}`));
        }
      });
      sock.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  } catch (err) {
    throw new Error(`Redis is not reachable at ${url} (${(err as Error).message}); start it, or set CONCORD_TEST_REDIS_URL.`);
  }
}
