import { defineModule } from '../module.js';
import { attachmentMigrations } from './migrations.js';
import { attachmentRoutes } from './routes.js';
import { SqlAttachmentStore } from './store.js';

/** Files of messages, their blobs and signed media URLs (docs/attachments.md). */
export const attachmentsModule = defineModule({
  name: 'attachments',
  migrations: attachmentMigrations,
  store: (q) => new SqlAttachmentStore(q),
  routes: attachmentRoutes,
  buckets: {
    'attachments.slots': { limit: 10, windowMs: 10_000 },
    // Two-step PUTs, signed: per address, generous (one per file).
    'attachments.upload': { limit: 30, windowMs: 10_000 },
  },
  events: [],
  purge: {
    // Rows go in the deleting transaction; their files are queued there and deleted after it commits.
    messages: (attachments, channelId, ids) => attachments.removeForMessages(channelId, ids, Date.now()),
    channels: (attachments, ids) => attachments.removeForChannels(ids, Date.now()),
  },
});
