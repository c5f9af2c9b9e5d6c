/** Custom emoji on SQLite and the disk store. */
import { emojisSuite } from './emojis-suite.js';

emojisSuite('sqlite', async () => ({}));
