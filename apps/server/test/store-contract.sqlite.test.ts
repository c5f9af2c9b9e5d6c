/** The store contract on SQLite (embedded, no server needed: part of the fast target). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteDb } from '../src/store/sqlite/driver.js';
import { storeContract } from './store-contract.js';

storeContract({
  name: 'sqlite',
  async open() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-store-'));
    const db = new SqliteDb(path.join(dir, 'test.db'), { checkTransactions: true });
    return { db, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  },
});

describe('sqlite: transaction check', () => {
  it('fails a query on the database from inside its own transaction when checking, instead of waiting forever', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-store-'));
    const db = new SqliteDb(path.join(dir, 'test.db'), { checkTransactions: true });
    try {
      await expect(db.tx(async () => db.get('SELECT 1 AS x'))).rejects.toThrow(/inside its own transaction/);
      // The failed transaction released its lock: the database is usable afterwards.
      expect(await db.get('SELECT 1 AS x')).toEqual({ x: 1 });
    } finally {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
