/** Op 6: take up a session after a dropped socket (see handshake.ts). */
import { ResumeData } from '@concord/protocol';
import { resume as resumeSession } from '../handshake.js';
import { defineOp } from './context.js';

export const resume = defineOp({
  when: 'new',
  schema: ResumeData,
  invalid: 'Invalid resume payload.',
  repeated: 'Already authenticated.',
  handle: resumeSession,
});
