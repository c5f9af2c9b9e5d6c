import type { Migration } from '../module.js';

export const relationshipMigrations: Migration[] = [
  {
    id: 1300,
    name: 'relationships and dm settings',
    // One row per side: a friend request is (a, b, outgoing) and (b, a, incoming); a block is the blocker's row
    // alone, so the blocked side keeps no trace of it. `since` is in ms.
    shared: `
      CREATE TABLE relationships (
        user_id BIGINT NOT NULL,
        other_id BIGINT NOT NULL,
        type SMALLINT NOT NULL,
        since BIGINT NOT NULL,
        PRIMARY KEY (user_id, other_id)
      );
      CREATE INDEX relationships_other ON relationships(other_id);
      CREATE TABLE dm_settings (
        user_id BIGINT PRIMARY KEY,
        allow_dms_from TEXT NOT NULL
      );
    `,
  },
];
