import type { Migration } from '../module.js';

export const reactionMigrations: Migration[] = [
  {
    id: 320,
    name: 'reactions',
    // One row per user and emoji on a message; `emoji` is the custom emoji id or the unicode emoji.
    shared: `
      CREATE TABLE reactions (
        channel_id BIGINT NOT NULL,
        message_id BIGINT NOT NULL,
        emoji TEXT NOT NULL,
        emoji_id BIGINT,
        emoji_name TEXT NOT NULL,
        user_id BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (channel_id, message_id, emoji, user_id)
      );
    `,
  },
  {
    id: 2001,
    name: 'animated custom emoji in reactions',
    shared: 'ALTER TABLE reactions ADD COLUMN emoji_animated SMALLINT NOT NULL DEFAULT 0;',
  },
];
