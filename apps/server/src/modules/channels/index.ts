import { defineModule } from '../module.js';
import { channelMigrations } from './migrations.js';
import { channelRoutes } from './routes.js';
import { SqlChannelStore } from './store.js';

export const channelsModule = defineModule({
  name: 'channels',
  migrations: channelMigrations,
  store: (q) => new SqlChannelStore(q),
  routes: channelRoutes,
  events: ['CHANNEL_CREATE', 'CHANNEL_UPDATE', 'CHANNEL_DELETE'],
});
