/** Member search (op 8) on SQLite. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteDb } from '../src/store/sqlite/driver.js';
import { memberSearchSuite } from './member-search.js';

memberSearchSuite({
  name: 'sqlite',
  async open() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-search-'));
    return { db: new SqliteDb(path.join(dir, 'test.db'), { checkTransactions: true }), cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  },
});
