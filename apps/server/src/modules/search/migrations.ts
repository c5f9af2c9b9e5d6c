import type { Migration } from '../module.js';

export const searchMigrations: Migration[] = [
  {
    id: 1000,
    name: 'message search',
    // The index is written by triggers, in the transaction of whatever writes the message (group commits, edits,
    // deletes, purges). rowid = message id. Messages already stored are indexed by the background backfill, which
    // walks (channel_id, id) up to the newest id at upgrade time; new ones are indexed at once.
    sqlite: `
      CREATE VIRTUAL TABLE message_fts USING fts5(content, channel_id UNINDEXED, tokenize = 'trigram remove_diacritics 1');
      CREATE TRIGGER message_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO message_fts (rowid, content, channel_id) VALUES (new.id, new.content, new.channel_id);
      END;
      CREATE TRIGGER message_fts_update AFTER UPDATE OF content ON messages BEGIN
        DELETE FROM message_fts WHERE rowid = old.id;
        INSERT INTO message_fts (rowid, content, channel_id) VALUES (new.id, new.content, new.channel_id);
      END;
      CREATE TRIGGER message_fts_delete AFTER DELETE ON messages BEGIN
        DELETE FROM message_fts WHERE rowid = old.id;
      END;
      CREATE TABLE search_backfill (
        id INTEGER PRIMARY KEY,
        upto_id BIGINT,
        through_channel BIGINT,
        through_id BIGINT,
        indexed BIGINT NOT NULL DEFAULT 0,
        done SMALLINT NOT NULL
      );
      INSERT INTO search_backfill (id, upto_id, done) SELECT 1, MAX(id), CASE WHEN COUNT(*) = 0 THEN 1 ELSE 0 END FROM messages;
    `,
    // A trigram index over the folded content; CREATE INDEX reads the existing messages itself.
    postgres: `
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      CREATE EXTENSION IF NOT EXISTS unaccent;
      CREATE OR REPLACE FUNCTION concord_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
      CREATE INDEX messages_content_trgm ON messages USING gin (concord_fold(content) gin_trgm_ops);
    `,
  },
  {
    id: 1950,
    name: 'message search: indexed after commit, in batches',
    // FTS5 writes a segment per transaction and merges them later, so a trigram row per small commit (a lone send,
    // a group commit) cost a third of SQLite's send rate. Now a message's transaction only queues its id
    // (message_fts_pending, durable with the message), and the indexer moves the queue into the FTS table a batch
    // at a time (SqliteSearch.indexPending). Searches read both: the index, and the queued messages by folded
    // substring, so what they see is still exactly what is committed. An edit takes the old text out of the index
    // at once and queues the new one; a delete takes the message out of both.
    sqlite: `
      CREATE TABLE message_fts_pending (id INTEGER PRIMARY KEY, channel_id BIGINT NOT NULL);
      DROP TRIGGER message_fts_insert;
      DROP TRIGGER message_fts_update;
      DROP TRIGGER message_fts_delete;
      CREATE TRIGGER message_fts_insert AFTER INSERT ON messages BEGIN
        INSERT OR IGNORE INTO message_fts_pending (id, channel_id) VALUES (new.id, new.channel_id);
      END;
      CREATE TRIGGER message_fts_update AFTER UPDATE OF content ON messages BEGIN
        DELETE FROM message_fts WHERE rowid = old.id;
        INSERT OR IGNORE INTO message_fts_pending (id, channel_id) VALUES (new.id, new.channel_id);
      END;
      CREATE TRIGGER message_fts_delete AFTER DELETE ON messages BEGIN
        DELETE FROM message_fts WHERE rowid = old.id;
        DELETE FROM message_fts_pending WHERE id = old.id;
      END;
    `,
    // PostgreSQL's GIN index already defers: new entries go to its pending list (fastupdate) and are merged in bulk.
    postgres: 'SELECT 1;',
  },
];
