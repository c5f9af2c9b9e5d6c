/** Receipts on SQLite. */
import { receiptSuite } from './receipts.js';

receiptSuite('sqlite', async () => ({ config: {}, cleanup: async () => undefined }));
