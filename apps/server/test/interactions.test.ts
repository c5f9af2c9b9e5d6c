/** Interactions on SQLite. */
import { startTestServer } from '@concord/server/testing';
import { interactionsSuite } from './interactions-suite.js';

interactionsSuite('sqlite', (overrides) => startTestServer(overrides));
