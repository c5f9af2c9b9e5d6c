/** Custom emoji on PostgreSQL: the same assertions as on SQLite. */
import { afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@concord/server/testing';
import { emojisSuite } from './emojis-suite.js';

let db: TestDatabase | undefined;
afterAll(() => db?.drop());

emojisSuite('postgres', async () => {
  db = await createTestDatabase();
  return { databaseUrl: db.url };
});
