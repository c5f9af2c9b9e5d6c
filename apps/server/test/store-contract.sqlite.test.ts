/** The store contract on SQLite (embedded, no server needed: part of the fast target). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteDb } from '../src/store/sqlite/driver.js';
import { storeContract } from './store-contract.js';

storeContract({
  name: 'sqlite',
  async open() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-store-'));
    const db = new SqliteDb(path.join(dir, 'test.db'));
    return { db, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  },
});
