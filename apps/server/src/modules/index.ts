/**
 * Every domain module, in the order their routes register. A new domain is its folder (with an index.ts
 * manifest, see module.ts) and one line here.
 */
import { attachmentsModule } from './attachments/index.js';
import { auditModule } from './audit/index.js';
import { automodModule } from './automod/index.js';
import { applicationsModule } from './applications/index.js';
import { authModule } from './auth/index.js';
import { channelsModule } from './channels/index.js';
import { discoveryModule } from './gateway/index.js';
import { dmsModule } from './dms/index.js';
import { emojisModule } from './emojis/index.js';
import { guildsModule } from './guilds/index.js';
import { interactionsModule } from './interactions/index.js';
import { invitesModule } from './invites/index.js';
import { membersModule } from './members/index.js';
import { messagesModule } from './messages/index.js';
import { moderationModule } from './moderation/index.js';
import { presenceModule } from './presence/index.js';
import { reactionsModule } from './reactions/index.js';
import { rolesModule } from './roles/index.js';
import { searchModule } from './search/index.js';
import { threadsModule } from './threads/index.js';
import { readStatesModule } from './read_states/index.js';
import { receiptsModule } from './receipts/index.js';
import { relationshipsModule } from './relationships/index.js';
import { usersModule } from './users/index.js';
import { voiceModule } from './voice/index.js';
import { webhooksModule } from './webhooks/index.js';

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
  rolesModule,
  membersModule,
  moderationModule,
  auditModule,
  automodModule,
  threadsModule,
  webhooksModule,
  interactionsModule,
  dmsModule,
  readStatesModule,
  receiptsModule,
  relationshipsModule,
  searchModule,
  voiceModule,
  attachmentsModule,
  emojisModule,
] as const;
