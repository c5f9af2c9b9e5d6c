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
];
