import type { Migration } from '../module.js';

export const emojiMigrations: Migration[] = [
  {
    id: 2000,
    name: 'custom guild emoji',
    // The image is a blob under emojis/<guild>/<id>/ (queued for deletion with the row, or with the guild).
    shared: `
      CREATE TABLE emojis (
        id BIGINT PRIMARY KEY,
        guild_id BIGINT NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        user_id BIGINT NOT NULL,
        animated SMALLINT NOT NULL,
        roles TEXT NOT NULL DEFAULT '[]',
        created_at BIGINT NOT NULL
      );
      CREATE INDEX emojis_by_guild ON emojis (guild_id, id);
    `,
  },
];
