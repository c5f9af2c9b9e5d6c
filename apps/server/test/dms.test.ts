/** DMs and group DMs on SQLite. */
import { dmSuite } from './dms.js';

dmSuite('sqlite', async () => ({ config: {}, cleanup: async () => undefined }));
