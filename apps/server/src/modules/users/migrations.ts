import type { Migration } from '../module.js';

export const userMigrations: Migration[] = [
  {
    id: 100,
    name: 'users and tokens',
    shared: `
      CREATE TABLE users (
        id BIGINT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        email TEXT UNIQUE,
        password_hash TEXT,
        global_name TEXT,
        avatar TEXT,
        bot SMALLINT NOT NULL DEFAULT 0,
        flags INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE tokens (
        token_hash TEXT PRIMARY KEY,
        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX tokens_user ON tokens(user_id);
    `,
  },
  {
    id: 2100,
    name: 'last seen and its privacy setting',
    // `last_seen_at` (ms) is when the user last stopped being visibly online (going invisible counts);
    // `show_last_seen` 0 hides it, and who hides theirs sees no one's.
    shared: `
      ALTER TABLE users ADD COLUMN last_seen_at BIGINT;
      ALTER TABLE users ADD COLUMN show_last_seen SMALLINT NOT NULL DEFAULT 1;
    `,
  },
];
