import { defineModule } from '../module.js';
import { messageMigrations } from './migrations.js';
import { messageRoutes } from './routes.js';
import { SqlMessageStore } from './store.js';

export const messagesModule = defineModule({
  name: 'messages',
  migrations: messageMigrations,
  store: (q) => new SqlMessageStore(q),
  routes: messageRoutes,
  buckets: {
    // Shared by REST and the gateway's send extension (op 100).
    'messages.create': { limit: 5, windowMs: 5_000 },
    'messages.modify': { limit: 10, windowMs: 5_000 },
    pins: { limit: 5, windowMs: 5_000 },
    typing: { limit: 10, windowMs: 10_000 },
  },
  events: ['MESSAGE_CREATE', 'MESSAGE_UPDATE', 'MESSAGE_DELETE', 'TYPING_START', 'CHANNEL_PINS_UPDATE'],
  purge: {
    channels: (messages, ids) => messages.deleteByChannels(ids),
  },
});
