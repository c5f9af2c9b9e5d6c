/** The search contract on PostgreSQL (pg_trgm over unaccented, lower-cased content). */
import { createTestDatabase, startTestServer, type TestDatabase } from '@concord/server/testing';
import { afterAll } from 'vitest';
import { searchSuite } from './search-contract.js';

const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const db of dbs) await db.drop();
});

searchSuite('postgres', {
  async start() {
    const db = await createTestDatabase();
    dbs.push(db);
    return startTestServer({ databaseUrl: db.url });
  },
});
