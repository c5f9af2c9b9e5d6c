import { defineModule } from '../module.js';
import { relationshipMigrations } from './migrations.js';
import { relationshipRoutes } from './routes.js';
import { SqlRelationshipStore } from './store.js';

/** Friends, blocks and who may DM whom (see docs/relationships.md). */
export const relationshipsModule = defineModule({
  name: 'relationships',
  migrations: relationshipMigrations,
  store: (q) => new SqlRelationshipStore(q),
  routes: relationshipRoutes,
  buckets: { 'relationships.write': { limit: 20, windowMs: 10_000 } },
  events: ['RELATIONSHIP_ADD', 'RELATIONSHIP_REMOVE'],
});
