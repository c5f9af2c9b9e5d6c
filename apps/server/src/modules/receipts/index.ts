import { defineModule } from '../module.js';
import { receiptMigrations } from './migrations.js';
import { receiptRoutes } from './routes.js';
import { SqlReceiptStore } from './store.js';

/** Delivery and read receipts in private channels (an extension: docs/receipts.md). */
export const receiptsModule = defineModule({
  name: 'receipts',
  migrations: receiptMigrations,
  store: (q) => new SqlReceiptStore(q),
  routes: receiptRoutes,
  events: ['X_MESSAGE_RECEIPT'],
  purge: {
    channels: (receipts, ids) => receipts.deleteByChannels(ids),
  },
});
