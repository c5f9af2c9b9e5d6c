import { defineModule } from '../module.js';
import { auditMigrations } from './migrations.js';
import { auditRoutes } from './routes.js';
import { SqlAuditStore } from './store.js';

export const auditModule = defineModule({
  name: 'audit',
  migrations: auditMigrations,
  store: (q) => new SqlAuditStore(q),
  routes: auditRoutes,
  events: ['GUILD_AUDIT_LOG_ENTRY_CREATE'],
});
