import { defineModule } from '../module.js';
import { inviteMigrations } from './migrations.js';
import { inviteRoutes } from './routes.js';
import { SqlInviteStore } from './store.js';

export const invitesModule = defineModule({
  name: 'invites',
  migrations: inviteMigrations,
  store: (q) => new SqlInviteStore(q),
  routes: inviteRoutes,
  buckets: { 'invites.accept': { limit: 10, windowMs: 60_000 } },
  events: ['INVITE_CREATE', 'INVITE_DELETE'],
});
