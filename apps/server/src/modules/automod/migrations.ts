import type { Migration } from '../module.js';

export const automodMigrations: Migration[] = [
  {
    id: 1600,
    name: 'automod rules',
    shared: `
      CREATE TABLE automod_rules (
        id BIGINT PRIMARY KEY,
        guild_id BIGINT NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        creator_id BIGINT NOT NULL,
        event_type INTEGER NOT NULL,
        trigger_type INTEGER NOT NULL,
        trigger_metadata TEXT NOT NULL,
        actions TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        exempt_roles TEXT NOT NULL,
        exempt_channels TEXT NOT NULL
      );
      CREATE INDEX automod_rules_guild ON automod_rules(guild_id, id);
    `,
  },
];
