import { defineModule } from '../module.js';
import { emojiMigrations } from './migrations.js';
import { emojiRoutes } from './routes.js';
import { SqlEmojiStore } from './store.js';

/** Custom guild emoji (docs/attachments.md): rows here, images in the blob store, served at /emojis/:id.png. */
export const emojisModule = defineModule({
  name: 'emojis',
  migrations: emojiMigrations,
  store: (q) => new SqlEmojiStore(q),
  routes: emojiRoutes,
  buckets: { emojis: { limit: 10, windowMs: 10_000 } },
  events: ['GUILD_EMOJIS_UPDATE'],
});
