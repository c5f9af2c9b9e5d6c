/** AutoMod member-profile rules on PostgreSQL: the member flags column and the quarantine, as on SQLite. */
import { afterAll } from 'vitest';
import { createTestDatabase, startTestServer, type TestDatabase } from '../src/testing.js';
import { automodProfileSuite } from './automod-profile-suite.js';

let db: TestDatabase | undefined;
afterAll(() => db?.drop());

automodProfileSuite('postgres', async () => {
  db = await createTestDatabase();
  return startTestServer({ databaseUrl: db.url });
});
