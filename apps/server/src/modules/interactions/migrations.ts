import type { Migration } from '../module.js';

export const interactionMigrations: Migration[] = [
  {
    id: 1400,
    name: 'application commands',
    // guild_id 0 is a global command; a name is unique per application, guild and type, as on Discord.
    shared: `
      CREATE TABLE application_commands (
        id BIGINT PRIMARY KEY,
        application_id BIGINT NOT NULL,
        guild_id BIGINT NOT NULL DEFAULT 0,
        type SMALLINT NOT NULL,
        name TEXT NOT NULL,
        data TEXT NOT NULL,
        version BIGINT NOT NULL
      );
      CREATE UNIQUE INDEX application_commands_name ON application_commands(application_id, guild_id, type, name);
      CREATE INDEX application_commands_guild ON application_commands(guild_id);
    `,
  },
  {
    id: 1401,
    name: 'interactions',
    // One row per invocation, for its token's 15 minutes: who invoked what where, and how it was answered.
    shared: `
      CREATE TABLE interactions (
        id BIGINT PRIMARY KEY,
        application_id BIGINT NOT NULL,
        type SMALLINT NOT NULL,
        token_hash TEXT NOT NULL,
        user_id BIGINT NOT NULL,
        guild_id BIGINT,
        channel_id BIGINT NOT NULL,
        message_id BIGINT,
        message_ephemeral SMALLINT NOT NULL DEFAULT 0,
        nonce TEXT,
        meta TEXT,
        created_at BIGINT NOT NULL,
        response_type SMALLINT,
        original_id BIGINT,
        original_ephemeral SMALLINT NOT NULL DEFAULT 0,
        modal TEXT
      );
      CREATE INDEX interactions_created ON interactions(created_at);
    `,
  },
  {
    id: 1403,
    name: 'ephemeral messages and interaction endpoints',
    // Ephemeral messages are no part of a channel's history: kept here, for their edits and component clicks.
    // An application's signing key pair and the URL its interactions are POSTed to (instead of the gateway).
    shared: `
      CREATE TABLE ephemeral_messages (
        id BIGINT PRIMARY KEY,
        channel_id BIGINT NOT NULL,
        user_id BIGINT NOT NULL,
        interaction_id BIGINT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX ephemeral_messages_channel ON ephemeral_messages(channel_id);
      CREATE TABLE interaction_endpoints (
        application_id BIGINT PRIMARY KEY,
        url TEXT,
        public_key TEXT NOT NULL,
        private_key TEXT NOT NULL
      );
    `,
  },
  {
    id: 1850,
    name: 'application command permissions',
    // Per guild: a command's permissions, or (command_id = application_id) its application's defaults there.
    shared: `
      CREATE TABLE application_command_permissions (
        guild_id BIGINT NOT NULL,
        command_id BIGINT NOT NULL,
        application_id BIGINT NOT NULL,
        permissions TEXT NOT NULL,
        PRIMARY KEY (guild_id, command_id)
      );
      CREATE INDEX application_command_permissions_app ON application_command_permissions(application_id, guild_id);
    `,
  },
];
