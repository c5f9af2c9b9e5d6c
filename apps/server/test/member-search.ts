/** Member search (op 8's data): filtered and paged in the database, on SQLite and on PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnowflakeGenerator } from '@concord/protocol';
import { allMigrations, createStores } from '../src/app.js';
import type { Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import type { Stores } from '../src/modules/deps.js';
import { searchMembers, type MemberPage, type MemberQuery } from '../src/modules/guilds/search.js';
import type { Adapter } from './store-contract.js';

const ids = new SnowflakeGenerator(1, 2);
/** Enough for three pages of 1000; every fourth username starts with "ann". */
const MEMBERS = 2050;

/** Inserts rows in batches (one statement each) so a few thousand members take a moment, not minutes. */
async function insertMany(db: Db, table: string, columns: string[], rows: (string | number | null)[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    const values = batch.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
    await db.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, batch.flat());
  }
}

async function collect(s: Stores, guildId: string, q: MemberQuery): Promise<MemberPage[]> {
  const pages: MemberPage[] = [];
  for await (const page of searchMembers(s, guildId, q)) pages.push(page);
  return pages;
}

/** The suite, run by member-search.sqlite.test.ts and member-search.pg.test.ts. */
export function memberSearchSuite(adapter: Adapter): void {
  describe(`member search: ${adapter.name}`, () => {
    let db: Db;
    let s: Stores;
    let cleanup: () => Promise<void>;
    const guildId = ids.next();
    const roleId = ids.next();
    const userIds: string[] = [];
    const name = (i: number) => `${i % 4 === 0 ? 'ann' : 'bob'}${String(i).padStart(4, '0')}`;

    beforeAll(async () => {
      ({ db, cleanup } = await adapter.open());
      await migrate(db, allMigrations);
      s = createStores(db);
      const now = Date.now();
      for (let i = 0; i < MEMBERS; i++) userIds.push(ids.next());
      await insertMany(db, 'users', ['id', 'username', 'bot', 'flags', 'created_at'], userIds.map((id, i) => [id, name(i), 0, 0, now]));
      await s.guilds.create({ id: guildId, name: 'Big', icon: null, description: null, owner_id: userIds[0]!, system_channel_id: null, system_channel_flags: 0, afk_channel_id: null, afk_timeout: 300, created_at: now });
      await s.guilds.createRole({ id: guildId, guild_id: guildId, name: '@everyone', color: 0, hoist: false, position: 0, permissions: '1024', managed: false, mentionable: false, bot_id: null });
      await s.guilds.addMember({ guild_id: guildId, user_id: userIds[0]!, nick: null, joined_at: now, deaf: false, mute: false, communication_disabled_until: null, roles: [] });
      await insertMany(db, 'members', ['guild_id', 'user_id', 'joined_at'], userIds.slice(1).map((id) => [guildId, id, now]));
      await s.guilds.createRole({ id: roleId, guild_id: guildId, name: 'mods', color: 0, hoist: false, position: 1, permissions: '0', managed: false, mentionable: false, bot_id: null });
      await insertMany(db, 'member_roles', ['guild_id', 'user_id', 'role_id'], [[guildId, userIds[1001]!, roleId]]);
    }, 60_000);
    afterAll(async () => {
      await db?.close();
      await cleanup?.();
    });

    it('streams everyone in pages of 1000, in user id order, each member once, with roles', async () => {
      const pages = await collect(s, guildId, {});
      expect(pages.map((p) => [p.index, p.count, p.members.length])).toEqual([[0, 3, 1000], [1, 3, 1000], [2, 3, 50]]);
      const seen = pages.flatMap((p) => p.members.map((m) => m.user!.id));
      expect(seen).toEqual(userIds);
      expect(pages[1]!.members.find((m) => m.user!.id === userIds[1001])?.roles).toEqual([roleId]);
    });

    it('filters by username prefix (case-insensitively) and honours the limit', async () => {
      const anns = userIds.filter((_, i) => i % 4 === 0);
      const pages = await collect(s, guildId, { query: 'ANN' });
      expect(pages.map((p) => p.count)).toEqual([1]);
      expect(pages[0]!.members.map((m) => m.user!.id)).toEqual(anns);
      expect(pages[0]!.members.every((m) => m.user!.username.startsWith('ann'))).toBe(true);
      const limited = await collect(s, guildId, { query: 'ann01', limit: 3 });
      expect(limited[0]!.members.map((m) => m.user!.username)).toEqual(['ann0100', 'ann0104', 'ann0108']);
      expect((await collect(s, guildId, { limit: 1500 })).map((p) => p.members.length)).toEqual([1000, 500]);
    });

    it('finds by user id, naming those that are not members; nothing matching is one empty page', async () => {
      const stranger = ids.next();
      const pages = await collect(s, guildId, { userIds: [userIds[5]!, stranger, userIds[2000]!] });
      expect(pages).toHaveLength(1);
      expect(pages[0]!.members.map((m) => m.user!.id)).toEqual([userIds[5], userIds[2000]]);
      expect(pages[0]!.notFound).toEqual([stranger]);
      expect(await collect(s, guildId, { query: 'zed' })).toEqual([{ members: [], index: 0, count: 1 }]);
    });
  });
}
