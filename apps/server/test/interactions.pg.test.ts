/** Interactions on PostgreSQL: the same assertions as on SQLite. */
import { afterAll } from 'vitest';
import { createTestDatabase, startTestServer, type TestDatabase } from '@concord/server/testing';
import { interactionsSuite } from './interactions-suite.js';

const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const db of dbs) await db.drop();
});

interactionsSuite('postgres', async (overrides) => {
  const db = await createTestDatabase();
  dbs.push(db);
  return startTestServer({ ...overrides, databaseUrl: db.url });
});
