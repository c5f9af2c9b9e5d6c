import type { Migration } from '../module.js';

export const auditMigrations: Migration[] = [
  {
    id: 610,
    name: 'audit log',
    shared: `
      CREATE TABLE audit_log_entries (
        id BIGINT PRIMARY KEY,
        guild_id BIGINT NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
        user_id BIGINT,
        target_id BIGINT,
        action_type INTEGER NOT NULL,
        changes TEXT,
        options TEXT,
        reason TEXT
      );
      CREATE INDEX audit_log_guild ON audit_log_entries(guild_id, id);
    `,
  },
];
