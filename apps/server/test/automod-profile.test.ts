/** AutoMod member-profile rules on SQLite. */
import { startTestServer } from '../src/testing.js';
import { automodProfileSuite } from './automod-profile-suite.js';

automodProfileSuite('sqlite', () => startTestServer());
