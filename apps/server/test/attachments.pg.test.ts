/** Attachments on PostgreSQL: the same assertions as on SQLite. */
import { afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@concord/server/testing';
import { attachmentsSuite } from './attachments-suite.js';

let db: TestDatabase | undefined;
afterAll(() => db?.drop());

attachmentsSuite('postgres', async () => {
  db = await createTestDatabase();
  return { databaseUrl: db.url };
});
