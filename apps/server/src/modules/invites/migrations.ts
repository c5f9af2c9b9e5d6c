import type { Migration } from '../module.js';

export const inviteMigrations: Migration[] = [
  {
    id: 220,
    name: 'invites',
    shared: `
      CREATE TABLE invites (
        code TEXT PRIMARY KEY,
        guild_id BIGINT NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
        channel_id BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        inviter_id BIGINT NOT NULL REFERENCES users(id),
        max_age INTEGER NOT NULL,
        max_uses INTEGER NOT NULL,
        uses INTEGER NOT NULL DEFAULT 0,
        temporary SMALLINT NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX invites_guild ON invites(guild_id);
    `,
  },
];
