/** Read states on SQLite. */
import { readStateSuite } from './read-states.js';

readStateSuite('sqlite', async () => ({ config: {}, cleanup: async () => undefined }));
