/** One contract for every storage adapter: the same assertions run on SQLite and on PostgreSQL (one entry file each). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnowflakeGenerator } from '@concord/protocol';
import { createStores } from '../src/app.js';
import type { Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import type { Stores } from '../src/modules/deps.js';
import type { UserRecord } from '../src/modules/users/store.js';
import type { MessageRecord } from '../src/modules/messages/store.js';
import type { ChannelRecord } from '../src/modules/channels/store.js';

const ids = new SnowflakeGenerator(1, 1);

/** A storage adapter under contract: opens a fresh, empty database, and cleans it up afterwards. */
export interface Adapter {
  name: string;
  open(): Promise<{ db: Db; cleanup: () => Promise<void> }>;
}

function user(name: string, extra: Partial<UserRecord> = {}): UserRecord {
  return { id: ids.next(), username: name, email: `${name}@example.com`, password_hash: 'h', global_name: null, avatar: null, bot: false, flags: 0, created_at: Date.now(), ...extra };
}

function channel(guildId: string, extra: Partial<ChannelRecord> = {}): ChannelRecord {
  return {
    id: ids.next(), guild_id: guildId, type: 0, name: 'general', position: 0, parent_id: null, topic: null, nsfw: false,
    rate_limit_per_user: 0, bitrate: null, user_limit: null, last_message_id: null, created_at: Date.now(), overwrites: [], ...extra,
  };
}

function message(channelId: string, authorId: string, content: string, nonce: string | null = null): MessageRecord {
  return {
    id: ids.next(), channel_id: channelId, guild_id: null, author_id: authorId, type: 0, content, nonce, dedupe: nonce !== null, edited_at: null, tts: false, pinned: false,
    flags: 0, mention_everyone: false, mentions: [], mention_roles: [], ref_message_id: null, ref_channel_id: null, embeds: [],
  };
}

/** The contract, run by store-contract.sqlite.test.ts and store-contract.pg.test.ts. */
export function storeContract(adapter: Adapter): void {
  describe(`store contract: ${adapter.name}`, () => {
    let db: Db;
    let s: Stores;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ db, cleanup } = await adapter.open());
      await migrate(db);
      s = createStores(db);
    });
    afterAll(async () => {
      await db?.close();
      await cleanup?.();
    });

    it('migrations are idempotent', async () => {
      expect(await migrate(db)).toEqual([]);
    });

    it('users: create, look up, unique username and email, update', async () => {
      const u = user('alice');
      await s.users.create(u);
      expect(await s.users.get(u.id)).toEqual(u);
      expect((await s.users.getByEmail('alice@example.com'))?.id).toBe(u.id);
      expect((await s.users.getByUsername('alice'))?.id).toBe(u.id);
      await expect(s.users.create(user('alice', { email: 'other@example.com' }))).rejects.toThrow();
      await expect(s.users.create(user('alice2', { email: 'alice@example.com' }))).rejects.toThrow();
      const updated = await s.users.update(u.id, { global_name: 'Alice A.' });
      expect(updated?.global_name).toBe('Alice A.');
      expect(await s.users.getMany([u.id, '1'])).toHaveLength(1);
    });

    it('tokens: stored by hash, revocable', async () => {
      const u = user('tok');
      await s.users.create(u);
      await s.users.addToken('hash-1', u.id, Date.now());
      expect(await s.users.userIdForToken('hash-1')).toBe(u.id);
      expect(await s.users.revokeToken('hash-1')).toBe(true);
      expect(await s.users.userIdForToken('hash-1')).toBeUndefined();
      expect(await s.users.revokeToken('hash-1')).toBe(false);
    });

    it('applications: app, bot user and token in one transaction', async () => {
      const owner = user('owner');
      await s.users.create(owner);
      const bot = user('botty', { email: null, bot: true, password_hash: null });
      const app = { id: ids.next(), name: 'Botty', description: '', owner_id: owner.id, bot_id: bot.id, flags: 0, created_at: Date.now() };
      await s.applications.create(app, bot, 'bot-hash');
      expect(await s.applications.get(app.id)).toEqual(app);
      expect((await s.applications.getByBot(bot.id))?.id).toBe(app.id);
      expect((await s.users.get(bot.id))?.bot).toBe(true);
      expect(await s.users.userIdForToken('bot-hash')).toBe(bot.id);
      // A failing part rolls the whole creation back.
      const dupBot = user('botty', { email: null, bot: true });
      await expect(s.applications.create({ ...app, id: ids.next(), bot_id: dupBot.id }, dupBot, 'other-hash')).rejects.toThrow();
      expect(await s.users.userIdForToken('other-hash')).toBeUndefined();
    });

    describe('guilds, channels, members, messages, invites', () => {
      let owner: UserRecord;
      let guildId: string;
      let chan: ChannelRecord;

      beforeAll(async () => {
        owner = user('gowner');
        await s.users.create(owner);
        guildId = ids.next();
        chan = channel(guildId);
        const now = Date.now();
        await s.guilds.create(
          { id: guildId, name: 'G', icon: null, description: null, owner_id: owner.id, system_channel_id: chan.id, afk_channel_id: null, afk_timeout: 300, created_at: now },
          { id: guildId, guild_id: guildId, name: '@everyone', color: 0, hoist: false, position: 0, permissions: '1024', managed: false, mentionable: false, bot_id: null },
          [chan],
          { guild_id: guildId, user_id: owner.id, nick: null, joined_at: now, deaf: false, mute: false, communication_disabled_until: null, roles: [] },
        );
      });

      it('guild with @everyone, channel and owner', async () => {
        expect((await s.guilds.get(guildId))?.owner_id).toBe(owner.id);
        expect((await s.guilds.roles(guildId)).map((r) => r.id)).toEqual([guildId]);
        expect((await s.channels.listByGuild(guildId)).map((c) => c.id)).toEqual([chan.id]);
        expect(await s.guilds.guildIdsForUser(owner.id)).toEqual([guildId]);
        expect(await s.guilds.countMembers(guildId)).toBe(1);
        expect((await s.guilds.update(guildId, { name: 'G2' }))?.name).toBe('G2');
      });

      it('members with roles; adding twice is a no-op; pagination by user id', async () => {
        const role = { id: ids.next(), guild_id: guildId, name: 'mods', color: 0, hoist: false, position: 1, permissions: '8192', managed: false, mentionable: false, bot_id: null };
        await s.guilds.createRole(role);
        const members: UserRecord[] = [];
        for (let i = 0; i < 5; i++) {
          const u = user(`member${i}`);
          await s.users.create(u);
          members.push(u);
          const m = { guild_id: guildId, user_id: u.id, nick: null, joined_at: Date.now(), deaf: false, mute: false, communication_disabled_until: null, roles: i === 0 ? [role.id] : [] };
          expect(await s.guilds.addMember(m)).toBe(true);
          expect(await s.guilds.addMember(m)).toBe(false);
        }
        expect((await s.guilds.getMember(guildId, members[0]!.id))?.roles).toEqual([role.id]);
        const page1 = await s.guilds.listMembers(guildId, { limit: 3 });
        const page2 = await s.guilds.listMembers(guildId, { limit: 10, after: page1[2]!.user_id });
        expect(page1.length + page2.length).toBe(6);
        expect(new Set([...page1, ...page2].map((m) => m.user_id)).size).toBe(6);
        expect(await s.guilds.removeMember(guildId, members[4]!.id)).toBe(true);
        expect(await s.guilds.getMember(guildId, members[4]!.id)).toBeUndefined();
        expect(await s.guilds.countMembers(guildId)).toBe(5);
      });

      it('channels: overwrites round-trip; deleting a category orphans its children', async () => {
        const cat = channel(guildId, { type: 4, name: 'cat' });
        await s.channels.create(cat);
        const child = channel(guildId, { parent_id: cat.id, overwrites: [{ id: guildId, type: 0, allow: '0', deny: '1024' }] });
        await s.channels.create(child);
        expect((await s.channels.get(child.id))?.overwrites).toEqual([{ id: guildId, type: 0, allow: '0', deny: '1024' }]);
        const upd = await s.channels.update(child.id, { name: 'renamed', nsfw: true, overwrites: [] });
        expect(upd).toMatchObject({ name: 'renamed', nsfw: true, overwrites: [] });
        expect(await s.channels.delete(cat.id)).toBe(true);
        expect((await s.channels.get(child.id))?.parent_id).toBeNull();
      });

      it('messages: nonce dedupe per author, last_message_id, history windows', async () => {
        const first = await s.messages.create(message(chan.id, owner.id, 'hello', 'n-1'));
        expect(first.created).toBe(true);
        const retry = await s.messages.create(message(chan.id, owner.id, 'hello again', 'n-1'));
        expect(retry).toEqual({ message: first.message, created: false });
        // A row the database refuses fails alone, not the sends committed with it.
        const mixed = await Promise.allSettled([
          s.messages.create(message(chan.id, owner.id, 'good 1')),
          s.messages.create({ ...message(chan.id, owner.id, 'bad'), content: null as unknown as string }),
          s.messages.create(message(chan.id, owner.id, 'good 2')),
        ]);
        expect(mixed.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        for (const r of mixed) if (r.status === 'fulfilled') await s.messages.delete(chan.id, r.value.message.id);
        // Concurrent sends are group-committed and each resolves with its own result.
        const many = await Promise.all(Array.from({ length: 30 }, (_, i) => s.messages.create(message(chan.id, owner.id, `m${i}`))));
        expect(many.every((r) => r.created)).toBe(true);
        const lastId = many[many.length - 1]!.message.id;
        expect((await s.channels.get(chan.id))?.last_message_id).toBe(lastId);

        const latest = await s.messages.list(chan.id, { limit: 10 });
        expect(latest.map((m) => m.content)).toEqual(Array.from({ length: 10 }, (_, i) => `m${29 - i}`));
        const older = await s.messages.list(chan.id, { limit: 5, before: latest[9]!.id });
        expect(older.map((m) => m.content)).toEqual(['m19', 'm18', 'm17', 'm16', 'm15']);
        const after = await s.messages.list(chan.id, { limit: 3, after: first.message.id });
        expect(after.map((m) => m.content)).toEqual(['m2', 'm1', 'm0']);
        const around = await s.messages.list(chan.id, { limit: 4, around: many[10]!.message.id });
        expect(around.map((m) => m.content)).toEqual(['m11', 'm10', 'm9', 'm8']);

        // A nonce that only echoes (a bot without enforce_nonce) never deduplicates.
        const echoed = [1, 2].map(() => ({ ...message(chan.id, owner.id, 'echo', 'n-2'), dedupe: false }));
        for (const m of echoed) expect((await s.messages.create(m)).created).toBe(true);
        // Deduplication is per channel: the same nonce in another channel is a new message.
        const other = channel(chan.guild_id!);
        await s.channels.create(other);
        expect((await s.messages.create(message(other.id, owner.id, 'elsewhere', 'n-1'))).created).toBe(true);
        const edited = await s.messages.update(chan.id, first.message.id, { content: 'edited', edited_at: 123 });
        expect(edited).toMatchObject({ content: 'edited', edited_at: 123 });
        expect(await s.messages.delete(chan.id, first.message.id)).toBe(true);
        expect(await s.messages.get(chan.id, first.message.id)).toBeUndefined();
        expect(await s.messages.delete(chan.id, first.message.id)).toBe(false);
      });

      it('invites: max uses and expiry are enforced atomically', async () => {
        const now = Date.now();
        await s.invites.create({ code: 'abc', guild_id: guildId, channel_id: chan.id, inviter_id: owner.id, max_age: 0, max_uses: 2, uses: 0, temporary: false, created_at: now });
        const results = await Promise.all([s.invites.use('abc', now), s.invites.use('abc', now), s.invites.use('abc', now)]);
        expect(results.filter(Boolean)).toHaveLength(2);
        await s.invites.create({ code: 'old', guild_id: guildId, channel_id: chan.id, inviter_id: owner.id, max_age: 60, max_uses: 0, uses: 0, temporary: false, created_at: now - 120_000 });
        expect(await s.invites.use('old', now)).toBe(false);
        expect((await s.invites.listByGuild(guildId)).map((i) => i.code).sort()).toEqual(['abc', 'old']);
        expect(await s.invites.delete('abc')).toBe(true);
      });

      it('transactions started in the same tick both commit', async () => {
        const [x, y] = [user('txa'), user('txb')];
        await Promise.all([s.users.create(x), s.users.create(y)]);
        const m = (id: string) => ({ guild_id: guildId, user_id: id, nick: null, joined_at: 1, deaf: false, mute: false, communication_disabled_until: null, roles: [] });
        expect(await Promise.all([s.guilds.addMember(m(x.id)), s.guilds.addMember(m(y.id))])).toEqual([true, true]);
        expect(await Promise.all([s.guilds.removeMember(guildId, x.id), s.guilds.removeMember(guildId, y.id)])).toEqual([true, true]);
      });

      it('invites: accept adds the member and counts a use together, or neither', async () => {
        const now = Date.now();
        const joiner = user('joiner');
        await s.users.create(joiner);
        const member = { guild_id: guildId, user_id: joiner.id, nick: null, joined_at: now, deaf: false, mute: false, communication_disabled_until: null, roles: [] };
        await s.invites.create({ code: 'one', guild_id: guildId, channel_id: chan.id, inviter_id: owner.id, max_age: 0, max_uses: 1, uses: 0, temporary: false, created_at: now });
        const twice = await Promise.all([s.invites.accept('one', member, now), s.invites.accept('one', member, now)]);
        expect(twice.sort()).toEqual(['joined', 'member']);
        expect((await s.invites.get('one'))!.uses).toBe(1);
        const late = user('late');
        await s.users.create(late);
        expect(await s.invites.accept('one', { ...member, user_id: late.id }, now)).toBe('unusable');
        expect(await s.guilds.getMember(guildId, late.id)).toBeUndefined();
        await s.guilds.removeMember(guildId, joiner.id);
      });

      it('deleting a guild removes what belongs to it', async () => {
        expect(await s.guilds.delete(guildId)).toBe(true);
        expect(await s.guilds.get(guildId)).toBeUndefined();
        expect(await s.channels.listByGuild(guildId)).toEqual([]);
        expect(await s.guilds.guildIdsForUser(owner.id)).toEqual([]);
      });
    });
  });
}
