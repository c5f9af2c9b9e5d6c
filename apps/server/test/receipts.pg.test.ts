/** Receipts on PostgreSQL: the same assertions as on SQLite. */
import { createTestDatabase } from '../src/testing.js';
import { receiptSuite } from './receipts.js';

receiptSuite('postgres', async () => {
  const db = await createTestDatabase();
  return { config: { databaseUrl: db.url }, cleanup: db.drop };
});
