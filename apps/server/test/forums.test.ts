/** Forum channels and thread rules on SQLite. */
import { startTestServer } from '@concord/server/testing';
import { forumsSuite } from './forums-suite.js';

forumsSuite('sqlite', () => startTestServer());
