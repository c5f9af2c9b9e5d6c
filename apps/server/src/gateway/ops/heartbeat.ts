/** Op 1: the client is alive; its `d` (the last sequence it received) lets the session drop what it kept. */
import { defineOp } from './context.js';

const ACK = '{"op":11,"d":null,"s":null,"t":null}';

export const heartbeat = defineOp({
  when: 'any',
  handle(_ctx, conn, d) {
    conn.lastHeartbeat = Date.now();
    if (typeof d === 'number' && conn.session) conn.session.ack(d);
    conn.sendRaw(ACK);
  },
});
