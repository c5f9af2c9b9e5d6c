import { defineModule } from '../module.js';
import { memberRoutes } from './routes.js';
import { SqlMemberStore } from './store.js';

export const membersModule = defineModule({
  name: 'members',
  store: (q) => new SqlMemberStore(q),
  routes: memberRoutes,
  buckets: { 'members.modify': { limit: 20, windowMs: 10_000 } },
  events: ['GUILD_MEMBER_UPDATE', 'GUILD_MEMBER_REMOVE'],
});
