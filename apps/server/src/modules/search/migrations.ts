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
];
