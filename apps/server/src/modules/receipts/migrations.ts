import type { Migration } from '../module.js';

export const receiptMigrations: Migration[] = [
  {
    id: 520,
    name: 'delivery and read receipts',
    // Per recipient and private channel, how far messages were delivered and read: messages arrive in order, so a
    // cursor says it for every message before it, in one row instead of one per message.
    shared: `
      CREATE TABLE receipt_cursors (
        channel_id BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        user_id BIGINT NOT NULL,
        delivered_id BIGINT NOT NULL DEFAULT 0,
        delivered_at BIGINT,
        read_id BIGINT NOT NULL DEFAULT 0,
        read_at BIGINT,
        PRIMARY KEY (channel_id, user_id)
      );
      CREATE TABLE receipt_settings (
        user_id BIGINT PRIMARY KEY,
        read_receipts SMALLINT NOT NULL
      );
    `,
  },
];
