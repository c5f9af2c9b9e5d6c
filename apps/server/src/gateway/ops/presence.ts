/** Op 3: this session's status (online, idle, dnd, invisible) and activities; the user shows the most present session. */
import { PresenceUpdateInput } from '@concord/protocol';
import { parsePresence } from '../../modules/presence/service.js';
import { defineOp } from './context.js';

export const presenceUpdate = defineOp({
  when: 'ready',
  schema: PresenceUpdateInput,
  async handle({ sessions }, conn, d) {
    const session = conn.session!;
    session.presence = parsePresence(d);
    await sessions.present(session);
  },
});
