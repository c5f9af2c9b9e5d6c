import type { Migration } from '../module.js';

/** The dialects differ only in SQLite's clustered WITHOUT ROWID table (PostgreSQL clusters on the primary key). */
const messagesTable = (options: string) => `
      CREATE TABLE messages (
        channel_id BIGINT NOT NULL,
        id BIGINT NOT NULL,
        guild_id BIGINT,
        author_id BIGINT NOT NULL,
        type SMALLINT NOT NULL DEFAULT 0,
        content TEXT NOT NULL,
        nonce TEXT,
        edited_at BIGINT,
        tts SMALLINT NOT NULL DEFAULT 0,
        pinned SMALLINT NOT NULL DEFAULT 0,
        flags INTEGER NOT NULL DEFAULT 0,
        mention_everyone SMALLINT NOT NULL DEFAULT 0,
        mentions TEXT,
        mention_roles TEXT,
        ref_message_id BIGINT,
        ref_channel_id BIGINT,
        embeds TEXT,
        PRIMARY KEY (channel_id, id)
      ) ${options};
      CREATE UNIQUE INDEX messages_nonce ON messages(author_id, nonce) WHERE nonce IS NOT NULL;
    `;

export const messageMigrations: Migration[] = [
  {
    id: 300,
    name: 'messages',
    // History reads are "latest N in a channel": store messages clustered by (channel_id, id).
    sqlite: messagesTable('WITHOUT ROWID'),
    postgres: messagesTable(''),
  },
  {
    id: 310,
    name: 'nonce dedupe per channel, by choice',
    // `nonce` is echoed; `dedupe_nonce` is set only when the sender asked for deduplication (people's clients,
    // op 100, enforce_nonce), and is unique per channel and author. Earlier messages keep deduplicating.
    shared: `
      ALTER TABLE messages ADD COLUMN dedupe_nonce TEXT;
      UPDATE messages SET dedupe_nonce = nonce WHERE nonce IS NOT NULL;
      DROP INDEX messages_nonce;
      CREATE UNIQUE INDEX messages_dedupe ON messages(channel_id, author_id, dedupe_nonce) WHERE dedupe_nonce IS NOT NULL;
    `,
  },
  {
    id: 700,
    name: 'webhook messages',
    // A webhook's message has no user author: the webhook's id, and the name and avatar it was posted with
    // (an execute may override them per message).
    shared: `
      ALTER TABLE messages ADD COLUMN webhook_id BIGINT;
      ALTER TABLE messages ADD COLUMN author_name TEXT;
      ALTER TABLE messages ADD COLUMN author_avatar TEXT;
    `,
  },
  {
    id: 800,
    name: 'pin time',
    // Pins are listed newest pin first (not newest message first), and paged by pin time, as on Discord.
    shared: `
      ALTER TABLE messages ADD COLUMN pinned_at BIGINT;
      CREATE INDEX messages_pins ON messages(channel_id, pinned_at) WHERE pinned_at IS NOT NULL;
    `,
  },
  {
    id: 1402,
    name: 'interaction and component messages',
    // Components (JSON), the application that sent it (an interaction response or follow-up), and the
    // interaction's metadata as Discord's messages carry it.
    shared: `
      ALTER TABLE messages ADD COLUMN components TEXT;
      ALTER TABLE messages ADD COLUMN application_id BIGINT;
      ALTER TABLE messages ADD COLUMN interaction TEXT;
    `,
  },
];
