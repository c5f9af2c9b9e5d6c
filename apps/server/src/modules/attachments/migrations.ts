import type { Migration } from '../module.js';

export const attachmentMigrations: Migration[] = [
  {
    id: 1100,
    name: 'attachments, blob deletions and the media key',
    // An attachment is an upload until a message takes it (message_id set); uploads nobody took are swept.
    // No foreign key to channels: a deleted channel's rows move to blob_deletions first (purge hooks), so
    // its files are deleted after the commit, retried until the store says they are gone.
    shared: `
      CREATE TABLE attachments (
        id BIGINT PRIMARY KEY,
        channel_id BIGINT NOT NULL,
        message_id BIGINT,
        uploader_id BIGINT NOT NULL,
        filename TEXT NOT NULL,
        description TEXT,
        content_type TEXT NOT NULL,
        size BIGINT NOT NULL,
        width INTEGER,
        height INTEGER,
        position INTEGER NOT NULL DEFAULT 0,
        uploaded SMALLINT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX attachments_by_message ON attachments (channel_id, message_id, position);
      CREATE INDEX attachments_pending ON attachments (created_at) WHERE message_id IS NULL;
      CREATE TABLE blob_deletions (
        prefix TEXT PRIMARY KEY,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at BIGINT NOT NULL
      );
      CREATE TABLE media_keys (
        id SMALLINT PRIMARY KEY,
        secret TEXT NOT NULL
      );
    `,
  },
  {
    id: 2002,
    name: 'attachment placeholders',
    // An image's ThumbHash (base64), made when its bytes arrive; null for other files or without a thumbnailer.
    shared: 'ALTER TABLE attachments ADD COLUMN placeholder TEXT;',
  },
];
