/** Op 2: start a new session (see handshake.ts). */
import { IdentifyData } from '@concord/protocol';
import { identify as startSession } from '../handshake.js';
import { defineOp } from './context.js';

export const identify = defineOp({
  when: 'new',
  schema: IdentifyData,
  invalid: 'Invalid identify payload.',
  repeated: 'You sent more than one identify payload.',
  handle: startSession,
});
