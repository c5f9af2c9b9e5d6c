/** Forum channels and thread rules on PostgreSQL: the same assertions as on SQLite. */
import { afterAll } from 'vitest';
import { createTestDatabase, startTestServer, type TestDatabase } from '@concord/server/testing';
import { forumsSuite } from './forums-suite.js';

let db: TestDatabase | undefined;
afterAll(() => db?.drop());

forumsSuite('postgres', async () => {
  db = await createTestDatabase();
  return startTestServer({ databaseUrl: db.url });
});
