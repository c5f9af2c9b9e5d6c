/**
 * Schema migrations for both adapters, applied in order at start. Each entry is SQL per dialect; most
 * statements are shared, and only what differs (clustered message storage) is written twice.
 * Ids are 64-bit integers, times are ms since the Unix epoch, booleans are 0/1, bitfields decimal text.
 */
import type { Db } from './db.js';

interface Migration {
  id: number;
  name: string;
  shared?: string;
  sqlite?: string;
  postgres?: string;
}

export const migrations: Migration[] = [
  {
    id: 1,
    name: 'accounts',
    shared: `
      CREATE TABLE users (
        id BIGINT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        email TEXT UNIQUE,
        password_hash TEXT,
        global_name TEXT,
        avatar TEXT,
        bot SMALLINT NOT NULL DEFAULT 0,
        flags INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE tokens (
        token_hash TEXT PRIMARY KEY,
        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX tokens_user ON tokens(user_id);
      CREATE TABLE applications (
        id BIGINT PRIMARY KEY,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        owner_id BIGINT NOT NULL REFERENCES users(id),
        bot_id BIGINT NOT NULL UNIQUE REFERENCES users(id),
        flags INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX applications_owner ON applications(owner_id);
    `,
  },
  {
    id: 2,
    name: 'guilds',
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
      CREATE TABLE invites (
        code TEXT PRIMARY KEY,
        guild_id BIGINT NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
        channel_id BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        inviter_id BIGINT NOT NULL REFERENCES users(id),
        max_age INTEGER NOT NULL,
        max_uses INTEGER NOT NULL,
        uses INTEGER NOT NULL DEFAULT 0,
        temporary SMALLINT NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX invites_guild ON invites(guild_id);
    `,
  },
  {
    id: 3,
    name: 'messages',
    // History reads are "latest N in a channel": store messages clustered by (channel_id, id).
    sqlite: `
      CREATE TABLE messages (
        channel_id BIGINT NOT NULL,
        id BIGINT NOT NULL,
        guild_id BIGINT,
        author_id BIGINT NOT NULL,
        type SMALLINT NOT NULL DEFAULT 0,
        content TEXT NOT NULL,
        nonce TEXT,
        edited_at BIGINT,
        tts SMALLINT NOT NULL DEFAULT 0,
        pinned SMALLINT NOT NULL DEFAULT 0,
        flags INTEGER NOT NULL DEFAULT 0,
        mention_everyone SMALLINT NOT NULL DEFAULT 0,
        mentions TEXT,
        mention_roles TEXT,
        ref_message_id BIGINT,
        ref_channel_id BIGINT,
        embeds TEXT,
        PRIMARY KEY (channel_id, id)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX messages_nonce ON messages(author_id, nonce) WHERE nonce IS NOT NULL;
    `,
    postgres: `
      CREATE TABLE messages (
        channel_id BIGINT NOT NULL,
        id BIGINT NOT NULL,
        guild_id BIGINT,
        author_id BIGINT NOT NULL,
        type SMALLINT NOT NULL DEFAULT 0,
        content TEXT NOT NULL,
        nonce TEXT,
        edited_at BIGINT,
        tts SMALLINT NOT NULL DEFAULT 0,
        pinned SMALLINT NOT NULL DEFAULT 0,
        flags INTEGER NOT NULL DEFAULT 0,
        mention_everyone SMALLINT NOT NULL DEFAULT 0,
        mentions TEXT,
        mention_roles TEXT,
        ref_message_id BIGINT,
        ref_channel_id BIGINT,
        embeds TEXT,
        PRIMARY KEY (channel_id, id)
      );
      CREATE UNIQUE INDEX messages_nonce ON messages(author_id, nonce) WHERE nonce IS NOT NULL;
    `,
  },
  {
    id: 4,
    name: 'reactions',
    // One row per user and emoji on a message; `emoji` is the custom emoji id or the unicode emoji.
    shared: `
      CREATE TABLE reactions (
        channel_id BIGINT NOT NULL,
        message_id BIGINT NOT NULL,
        emoji TEXT NOT NULL,
        emoji_id BIGINT,
        emoji_name TEXT NOT NULL,
        user_id BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (channel_id, message_id, emoji, user_id)
      );
    `,
  },
  {
    id: 5,
    name: 'nonce dedupe per channel, by choice',
    // `nonce` is echoed; `dedupe_nonce` is set only when the sender asked for deduplication (people's clients,
    // op 100, enforce_nonce), and is unique per channel and author. Earlier messages keep deduplicating.
    shared: `
      ALTER TABLE messages ADD COLUMN dedupe_nonce TEXT;
      UPDATE messages SET dedupe_nonce = nonce WHERE nonce IS NOT NULL;
      DROP INDEX messages_nonce;
      CREATE UNIQUE INDEX messages_dedupe ON messages(channel_id, author_id, dedupe_nonce) WHERE dedupe_nonce IS NOT NULL;
    `,
  },
];

/** Applies pending migrations, each in its own transaction; safe when several processes start at once. */
export async function migrate(db: Db): Promise<number[]> {
  await db.run('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
  const applied: number[] = [];
  for (const m of migrations) {
    const sql = m.shared ?? m[db.dialect];
    if (!sql) throw new Error(`migration ${m.id} has no SQL for ${db.dialect}`);
    const done = await db.tx(async (q) => {
      // Serialise concurrent starters on PostgreSQL; SQLite's BEGIN IMMEDIATE already does.
      if (q.dialect === 'postgres') await q.run('LOCK TABLE schema_migrations IN EXCLUSIVE MODE');
      if (await q.get('SELECT id FROM schema_migrations WHERE id = ?', [m.id])) return false;
      for (const stmt of splitStatements(sql)) await q.run(stmt);
      await q.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)', [m.id, m.name, Date.now()]);
      return true;
    });
    if (done) applied.push(m.id);
  }
  return applied;
}

function splitStatements(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}
