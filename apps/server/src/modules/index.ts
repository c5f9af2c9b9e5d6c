/**
 * Every domain module, in the order their routes register. A new domain is its folder (with an index.ts
 * manifest, see module.ts) and one line here.
 */
import { applicationsModule } from './applications/index.js';
import { authModule } from './auth/index.js';
import { channelsModule } from './channels/index.js';
import { discoveryModule } from './gateway/index.js';
import { guildsModule } from './guilds/index.js';
import { invitesModule } from './invites/index.js';
import { messagesModule } from './messages/index.js';
import { presenceModule } from './presence/index.js';
import { reactionsModule } from './reactions/index.js';
import { searchModule } from './search/index.js';
import { threadsModule } from './threads/index.js';
import { usersModule } from './users/index.js';

export const modules = [
  discoveryModule,
  authModule,
  usersModule,
  applicationsModule,
  guildsModule,
  channelsModule,
  invitesModule,
  messagesModule,
  reactionsModule,
  presenceModule,
  threadsModule,
  searchModule,
] as const;
