/**
 * After a bus gap (see Bus.onGap) every session in this process may have missed events it can never be
 * sent, so none may resume: each is told to identify again (op 9, not resumable) and is ended here. The
 * client then gets a new READY from the reloaded replicas and fetches the history it missed.
 */
import { GatewayCloseCodes as Close, GatewayOpcodes as Op } from '@concord/protocol';
import type { Connection } from './connection.js';
import type { Session } from './session.js';
import { log } from '../lib/log.js';

export interface ResyncTarget {
  readonly sessions: Map<string, Session>;
  readonly connections: Set<Connection>;
}

/** Ends every local session; gives back how many there were. */
export function resyncSessions(target: ResyncTarget, destroySession: (session: Session) => void): number {
  const count = target.sessions.size;
  for (const conn of [...target.connections]) {
    const session = conn.session;
    if (!session) continue;
    if (session.pending) {
      // READY is still being built (from what may be stale): closing is what stops that identify. The
      // client's resume then finds no session and gets op 9.
      conn.close(Close.UnknownError, 'Session invalidated.');
      continue;
    }
    conn.session = null;
    session.socket = null;
    conn.state = 'new';
    conn.sendOp(Op.InvalidSession, false);
  }
  // Detached sessions too: a later resume must be refused.
  for (const session of [...target.sessions.values()]) destroySession(session);
  return count;
}

/** What the Gateway wires to its bus: resync on every gap, with one log line. */
export function resyncOnBusGap(target: ResyncTarget, destroySession: (session: Session) => void): () => void {
  return () => {
    const count = resyncSessions(target, destroySession);
    log.warn('bus subscriptions restored after a drop (events in between were missed): guild replicas dropped, sessions told to resync (op 9)', { sessions: count });
  };
}
