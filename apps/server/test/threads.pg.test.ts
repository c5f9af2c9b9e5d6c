/** Threads on PostgreSQL: the same assertions as on SQLite. */
import { afterAll } from 'vitest';
import { createTestDatabase, startTestServer, type TestDatabase } from '@concord/server/testing';
import { threadsSuite } from './threads-suite.js';

let db: TestDatabase | undefined;
afterAll(() => db?.drop());

threadsSuite('postgres', async () => {
  db = await createTestDatabase();
  return startTestServer({ databaseUrl: db.url });
});
