import type { Migration } from '../module.js';

export const guildMigrations: Migration[] = [
  {
    id: 200,
    name: 'guilds, roles and members',
    shared: `
      CREATE TABLE guilds (
        id BIGINT PRIMARY KEY,
        name TEXT NOT NULL,
        icon TEXT,
        description TEXT,
        owner_id BIGINT NOT NULL REFERENCES users(id),
        system_channel_id BIGINT,
        afk_channel_id BIGINT,
        afk_timeout INTEGER NOT NULL DEFAULT 300,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE roles (
        id BIGINT PRIMARY KEY,
        guild_id BIGINT NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        color INTEGER NOT NULL DEFAULT 0,
        hoist SMALLINT NOT NULL DEFAULT 0,
        position INTEGER NOT NULL DEFAULT 0,
        permissions TEXT NOT NULL,
        managed SMALLINT NOT NULL DEFAULT 0,
        mentionable SMALLINT NOT NULL DEFAULT 0,
        bot_id BIGINT
      );
      CREATE INDEX roles_guild ON roles(guild_id);
      CREATE TABLE members (
        guild_id BIGINT NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
        user_id BIGINT NOT NULL REFERENCES users(id),
        nick TEXT,
        joined_at BIGINT NOT NULL,
        deaf SMALLINT NOT NULL DEFAULT 0,
        mute SMALLINT NOT NULL DEFAULT 0,
        communication_disabled_until BIGINT,
        PRIMARY KEY (guild_id, user_id)
      );
      CREATE INDEX members_user ON members(user_id);
      CREATE TABLE member_roles (
        guild_id BIGINT NOT NULL,
        user_id BIGINT NOT NULL,
        role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
        PRIMARY KEY (guild_id, user_id, role_id),
        FOREIGN KEY (guild_id, user_id) REFERENCES members(guild_id, user_id) ON DELETE CASCADE
      );
    `,
  },
  {
    id: 1601,
    name: 'guild moderation settings',
    shared: `
      ALTER TABLE guilds ADD COLUMN verification_level INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE guilds ADD COLUMN default_message_notifications INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE guilds ADD COLUMN explicit_content_filter INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    id: 1700,
    name: 'guild system channel flags',
    shared: `ALTER TABLE guilds ADD COLUMN system_channel_flags INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    id: 1900,
    name: 'member flags',
    // AutoMod's quarantine of a member whose name a member-profile rule blocks (Discord's member flags).
    shared: `ALTER TABLE members ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;`,
  },
];
