import type { Migration } from '../module.js';

export const moderationMigrations: Migration[] = [
  {
    id: 620,
    name: 'bans',
    shared: `
      CREATE TABLE guild_bans (
        guild_id BIGINT NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
        user_id BIGINT NOT NULL REFERENCES users(id),
        reason TEXT,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (guild_id, user_id)
      );
      CREATE INDEX messages_guild_author ON messages(guild_id, author_id, id);
    `,
  },
];
