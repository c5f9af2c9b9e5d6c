import { defineModule } from '../module.js';
import { reactionMigrations } from './migrations.js';
import { reactionRoutes } from './routes.js';
import { SqlReactionStore } from './store.js';

export const reactionsModule = defineModule({
  name: 'reactions',
  migrations: reactionMigrations,
  store: (q) => new SqlReactionStore(q),
  routes: reactionRoutes,
  buckets: { reactions: { limit: 5, windowMs: 1_000 } },
  events: ['MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'MESSAGE_REACTION_REMOVE_ALL', 'MESSAGE_REACTION_REMOVE_EMOJI'],
  purge: {
    channels: (reactions, ids) => reactions.deleteByChannels(ids),
    messages: (reactions, channelId, ids) => reactions.deleteForMessages(channelId, ids),
  },
});
