import type { Migration } from '../module.js';

export const channelMigrations: Migration[] = [
  {
    id: 210,
    name: 'channels and overwrites',
    shared: `
      CREATE TABLE channels (
        id BIGINT PRIMARY KEY,
        guild_id BIGINT REFERENCES guilds(id) ON DELETE CASCADE,
        type SMALLINT NOT NULL,
        name TEXT,
        position INTEGER NOT NULL DEFAULT 0,
        parent_id BIGINT,
        topic TEXT,
        nsfw SMALLINT NOT NULL DEFAULT 0,
        rate_limit_per_user INTEGER NOT NULL DEFAULT 0,
        bitrate INTEGER,
        user_limit INTEGER,
        last_message_id BIGINT,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX channels_guild ON channels(guild_id);
      CREATE TABLE overwrites (
        channel_id BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        target_id BIGINT NOT NULL,
        type SMALLINT NOT NULL,
        allow TEXT NOT NULL,
        deny TEXT NOT NULL,
        PRIMARY KEY (channel_id, target_id)
      );
    `,
  },
  {
    id: 400,
    name: 'channel members and owners',
    // Who is in a channel that has no guild (DM and group DM recipients) or that is private to some (thread
    // members); the owner of a group DM or a thread.
    shared: `
      ALTER TABLE channels ADD COLUMN owner_id BIGINT;
      CREATE TABLE channel_members (
        channel_id BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        user_id BIGINT NOT NULL REFERENCES users(id),
        joined_at BIGINT NOT NULL,
        PRIMARY KEY (channel_id, user_id)
      );
      CREATE INDEX channel_members_user ON channel_members(user_id);
    `,
  },
  {
    id: 900,
    name: 'thread metadata and counts',
    // A thread's state lives on its channel row: read with it wherever a thread is resolved. Counts are kept by
    // the writes that change them (message sends and deletes, member joins and leaves).
    shared: `
      ALTER TABLE channels ADD COLUMN thread_archived SMALLINT NOT NULL DEFAULT 0;
      ALTER TABLE channels ADD COLUMN thread_auto_archive INTEGER NOT NULL DEFAULT 1440;
      ALTER TABLE channels ADD COLUMN thread_archive_ts BIGINT;
      ALTER TABLE channels ADD COLUMN thread_locked SMALLINT NOT NULL DEFAULT 0;
      ALTER TABLE channels ADD COLUMN thread_invitable SMALLINT NOT NULL DEFAULT 1;
      ALTER TABLE channels ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE channels ADD COLUMN total_message_sent INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE channels ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX channels_parent ON channels(parent_id, thread_archived, thread_archive_ts);
    `,
  },
  {
    id: 1500,
    name: 'forum channels and post tags',
    // A forum's settings and its tags (a JSON list: at most 20, always read with the channel) live on its row, as
    // do the tags a post carries (at most 5). `flags` holds Discord's channel flags (REQUIRE_TAG, PINNED).
    shared: `
      ALTER TABLE channels ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE channels ADD COLUMN available_tags TEXT;
      ALTER TABLE channels ADD COLUMN applied_tags TEXT;
      ALTER TABLE channels ADD COLUMN default_reaction_emoji TEXT;
      ALTER TABLE channels ADD COLUMN default_sort_order SMALLINT;
      ALTER TABLE channels ADD COLUMN default_forum_layout SMALLINT NOT NULL DEFAULT 0;
      ALTER TABLE channels ADD COLUMN default_thread_rate_limit INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE channels ADD COLUMN default_auto_archive INTEGER;
    `,
  },
];
