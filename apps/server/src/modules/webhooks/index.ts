import { defineModule } from '../module.js';
import { webhookMigrations } from './migrations.js';
import { webhookRoutes } from './routes.js';
import { SqlWebhookStore } from './store.js';

export const webhooksModule = defineModule({
  name: 'webhooks',
  migrations: webhookMigrations,
  store: (q) => new SqlWebhookStore(q),
  routes: webhookRoutes,
  buckets: {
    // Discord's: 5 requests per 2 seconds per webhook (executes, and edits/deletes of its messages).
    'webhooks.execute': { limit: 5, windowMs: 2_000 },
  },
  events: ['WEBHOOKS_UPDATE'],
  purge: {
    channels: (webhooks, ids) => webhooks.deleteByChannels(ids),
  },
});
