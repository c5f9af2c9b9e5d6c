/** Attachments on SQLite and the disk store. */
import { attachmentsSuite } from './attachments-suite.js';

attachmentsSuite('sqlite', async () => ({}));
