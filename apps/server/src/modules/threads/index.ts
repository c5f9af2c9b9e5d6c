import { defineModule } from '../module.js';
import { threadRoutes } from './routes.js';
import { SqlThreadStore } from './store.js';

export const threadsModule = defineModule({
  name: 'threads',
  store: (q) => new SqlThreadStore(q),
  routes: threadRoutes,
  buckets: {
    'threads.create': { limit: 10, windowMs: 10_000 },
  },
  events: ['THREAD_CREATE', 'THREAD_UPDATE', 'THREAD_DELETE', 'THREAD_LIST_SYNC', 'THREAD_MEMBER_UPDATE', 'THREAD_MEMBERS_UPDATE'],
  purge: {
    // A channel's threads go with it: every module purges them (messages, reactions, ...), then their rows go.
    dependents: (threads, ids) => threads.idsByParents(ids),
    channels: (threads, ids) => threads.deleteByParents(ids),
  },
});
