import type { Migration } from '../module.js';

export const dmMigrations: Migration[] = [
  {
    id: 500,
    name: 'dm pairs and closed dms',
    // One DM per pair of users (the key makes two concurrent opens agree on one channel), and the DMs a
    // recipient does not list: closed by them, or opened by the other side and not yet written in.
    shared: `
      CREATE TABLE dm_pairs (
        user_low BIGINT NOT NULL,
        user_high BIGINT NOT NULL,
        channel_id BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        PRIMARY KEY (user_low, user_high)
      );
      CREATE TABLE dm_hidden (
        channel_id BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        user_id BIGINT NOT NULL,
        PRIMARY KEY (channel_id, user_id)
      );
      CREATE INDEX dm_hidden_user ON dm_hidden(user_id);
    `,
  },
];
