/** Threads on SQLite. */
import { startTestServer } from '@concord/server/testing';
import { threadsSuite } from './threads-suite.js';

threadsSuite('sqlite', () => startTestServer());
