/** Relationships on SQLite. */
import { relationshipSuite } from './relationships.js';

relationshipSuite('sqlite', async () => ({ config: {}, cleanup: async () => undefined }));
