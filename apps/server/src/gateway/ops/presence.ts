/** Op 3: the user's chosen status (online, idle, dnd, invisible) for all of their sessions. */
import { parseStatus, sessionOnline } from '../../modules/presence/service.js';
import { defineOp } from './context.js';

export const presenceUpdate = defineOp({
  when: 'ready',
  // parseStatus reads what it understands and ignores the rest, as Discord clients send more than a status.
  async handle({ deps }, conn, d) {
    const session = conn.session!;
    await sessionOnline(deps, session.user.id, session.id, parseStatus(d));
  },
});
