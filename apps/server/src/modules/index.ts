/**
 * Every domain module, in the order their routes register. A new domain is its folder (with an index.ts
 * manifest, see module.ts) and one line here.
 */
import { applicationsModule } from './applications/index.js';
import { authModule } from './auth/index.js';
import { channelsModule } from './channels/index.js';
import { discoveryModule } from './gateway/index.js';
import { dmsModule } from './dms/index.js';
import { guildsModule } from './guilds/index.js';
import { invitesModule } from './invites/index.js';
import { messagesModule } from './messages/index.js';
import { presenceModule } from './presence/index.js';
import { reactionsModule } from './reactions/index.js';
import { readStatesModule } from './read_states/index.js';
import { receiptsModule } from './receipts/index.js';
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
  dmsModule,
  readStatesModule,
  receiptsModule,
] as const;
