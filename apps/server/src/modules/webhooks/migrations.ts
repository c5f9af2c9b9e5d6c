import type { Migration } from '../module.js';

export const webhookMigrations: Migration[] = [
  {
    id: 710,
    name: 'webhooks',
    // The token is the only authentication of the execute routes: only its SHA-256 is kept.
    shared: `
      CREATE TABLE webhooks (
        id BIGINT PRIMARY KEY,
        type SMALLINT NOT NULL DEFAULT 1,
        guild_id BIGINT NOT NULL,
        channel_id BIGINT NOT NULL,
        creator_id BIGINT NOT NULL,
        name TEXT NOT NULL,
        avatar TEXT,
        token_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX webhooks_channel ON webhooks(channel_id);
      CREATE INDEX webhooks_guild ON webhooks(guild_id);
    `,
  },
];
