/** Op 4: accepted and ignored until voice has its subsystem; Discord clients send it routinely. */
import { defineOp } from './context.js';

export const voiceStateUpdate = defineOp({
  when: 'ready',
  handle: () => undefined,
});
