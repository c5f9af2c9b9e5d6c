/** Last seen on SQLite. */
import { lastSeenSuite } from './last-seen.js';

lastSeenSuite('sqlite', async () => ({ config: {}, cleanup: async () => undefined }));
