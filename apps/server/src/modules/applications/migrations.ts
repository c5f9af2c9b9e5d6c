import type { Migration } from '../module.js';

export const applicationMigrations: Migration[] = [
  {
    id: 110,
    name: 'applications',
    shared: `
      CREATE TABLE applications (
        id BIGINT PRIMARY KEY,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        owner_id BIGINT NOT NULL REFERENCES users(id),
        bot_id BIGINT NOT NULL UNIQUE REFERENCES users(id),
        flags INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX applications_owner ON applications(owner_id);
    `,
  },
];
