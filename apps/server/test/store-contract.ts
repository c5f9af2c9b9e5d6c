/** One contract for every storage adapter: the same assertions run on SQLite and on PostgreSQL (one entry file each). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnowflakeGenerator } from '@concord/protocol';
import { allMigrations, createStores } from '../src/app.js';
import { UniqueViolation, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import { MemoryBus } from '../src/bus/memory.js';
import type { BusMessage } from '../src/bus/bus.js';
import { Events } from '../src/modules/events.js';
import { modules } from '../src/modules/index.js';
import { createTxRunner } from '../src/modules/tx.js';
import type { Stores, TxRunner } from '../src/modules/deps.js';
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

function channel(guildId: string | null, extra: Partial<ChannelRecord> = {}): ChannelRecord {
  return {
    id: ids.next(), guild_id: guildId, type: 0, name: 'general', position: 0, parent_id: null, topic: null, nsfw: false,
    rate_limit_per_user: 0, bitrate: null, user_limit: null, last_message_id: null, owner_id: null, created_at: Date.now(), overwrites: [], ...extra,
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
    let tx: TxRunner;
    /** Every bus message published on the guild topics tests use, in order. */
    const published: BusMessage[] = [];
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ db, cleanup } = await adapter.open());
      await migrate(db, allMigrations);
      s = createStores(db);
      const bus = new MemoryBus();
      tx = createTxRunner(db, modules, new Events(bus));
      await bus.subscribe('g:tx-test', (m) => published.push(m));
    });
    afterAll(async () => {
      await db?.close();
      await cleanup?.();
    });

    it('migrations are idempotent', async () => {
      expect(await migrate(db, allMigrations)).toEqual([]);
    });

    it('users: create, look up, unique username and email, update', async () => {
      const u = user('alice');
      await s.users.create(u);
      // A new user was never seen and shows their last seen (the defaults).
      expect(await s.users.get(u.id)).toEqual({ ...u, last_seen_at: null, show_last_seen: true });
      expect((await s.users.getByEmail('alice@example.com'))?.id).toBe(u.id);
      expect((await s.users.getByUsername('alice'))?.id).toBe(u.id);
      // A unique key is a typed error of the Db surface, naming what was taken.
      const byName = await s.users.create(user('alice', { email: 'other@example.com' })).catch((e: unknown) => e);
      expect(byName).toBeInstanceOf(UniqueViolation);
      expect((byName as UniqueViolation).target).toMatch(/username/);
      const byEmail = await s.users.create(user('alice2', { email: 'alice@example.com' })).catch((e: unknown) => e);
      expect(byEmail).toBeInstanceOf(UniqueViolation);
      expect((byEmail as UniqueViolation).target).toMatch(/email/);
      const updated = await s.users.update(u.id, { global_name: 'Alice A.' });
      expect(updated?.global_name).toBe('Alice A.');
      expect(await s.users.getMany([u.id, '1'])).toHaveLength(1);
      // Last seen and its setting: a millisecond time past 32 bits, and a flag that reads back as a boolean.
      await s.users.setLastSeen(u.id, 1_764_000_000_123);
      await s.users.setShowLastSeen(u.id, false);
      expect(await s.users.get(u.id)).toMatchObject({ last_seen_at: 1_764_000_000_123, show_last_seen: false });
      await s.users.setShowLastSeen(u.id, true);
      expect((await s.users.get(u.id))?.show_last_seen).toBe(true);
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
      const createAll = (a: typeof app, b: UserRecord, hash: string) =>
        tx(async (t) => {
          await t.users.create(b);
          await t.applications.create(a);
          await t.users.addToken(hash, b.id, a.created_at);
        });
      await createAll(app, bot, 'bot-hash');
      expect(await s.applications.get(app.id)).toEqual(app);
      expect((await s.applications.getByBot(bot.id))?.id).toBe(app.id);
      expect((await s.users.get(bot.id))?.bot).toBe(true);
      expect(await s.users.userIdForToken('bot-hash')).toBe(bot.id);
      // A failing part rolls the whole creation back.
      const dupBot = user('botty', { email: null, bot: true });
      await expect(createAll({ ...app, id: ids.next(), bot_id: dupBot.id }, dupBot, 'other-hash')).rejects.toThrow();
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
        await tx(async (t) => {
          await t.guilds.create({ id: guildId, name: 'G', icon: null, description: null, owner_id: owner.id, system_channel_id: chan.id, system_channel_flags: 0, afk_channel_id: null, afk_timeout: 300, created_at: now });
          await t.guilds.createRole({ id: guildId, guild_id: guildId, name: '@everyone', color: 0, hoist: false, position: 0, permissions: '1024', managed: false, mentionable: false, bot_id: null });
          await t.channels.create(chan);
          await t.guilds.addMember({ guild_id: guildId, user_id: owner.id, nick: null, joined_at: now, deaf: false, mute: false, communication_disabled_until: null, roles: [] });
        });
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
        expect(await s.channels.update(child.id, { name: 'renamed', nsfw: true, overwrites: [] })).toBe(true);
        expect(await s.channels.get(child.id)).toMatchObject({ name: 'renamed', nsfw: true, overwrites: [] });
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

      it('transactions: a failing step leaves nothing written and publishes nothing; a commit publishes after it', async () => {
        const joiner = user('joiner');
        await s.users.create(joiner);
        const member = { guild_id: guildId, user_id: joiner.id, nick: null, joined_at: Date.now(), deaf: false, mute: false, communication_disabled_until: null, roles: [] };
        const dupRole = { id: guildId, guild_id: guildId, name: 'dup', color: 0, hoist: false, position: 0, permissions: '0', managed: false, mentionable: false, bot_id: null };
        const before = published.length;
        const failed = await tx(async (t) => {
          expect(await t.guilds.addMember(member)).toBe(true);
          t.emit({ guild: 'tx-test' }, 'GUILD_MEMBER_REMOVE', { guild_id: guildId, user: { id: joiner.id, username: 'x', discriminator: '0', global_name: null, avatar: null } });
          // The @everyone role's id again: the unique key refuses it, and the member goes with the rollback.
          await t.guilds.createRole(dupRole);
        }).catch((e: unknown) => e);
        expect(failed).toBeInstanceOf(UniqueViolation);
        expect(await s.guilds.getMember(guildId, joiner.id)).toBeUndefined();
        expect(published.length).toBe(before);

        let seenInside = -1;
        await tx(async (t) => {
          await t.guilds.addMember(member);
          t.emit({ guild: 'tx-test' }, 'GUILD_MEMBER_REMOVE', { guild_id: guildId, user: { id: joiner.id, username: 'x', discriminator: '0', global_name: null, avatar: null } });
          seenInside = published.length;
        });
        expect(seenInside).toBe(before);
        expect(published.length).toBe(before + 1);
        expect(published[before]).toMatchObject({ kind: 'dispatch', t: 'GUILD_MEMBER_REMOVE' });
        expect((await s.guilds.getMember(guildId, joiner.id))?.user_id).toBe(joiner.id);
        await s.guilds.removeMember(guildId, joiner.id);
      });

      it('purges: deleting messages or channels removes their reactions (and messages) in the same transaction', async () => {
        const ch = channel(guildId);
        const other = channel(guildId);
        await tx(async (t) => {
          await t.channels.create(ch);
          await t.channels.create(other);
        });
        const a = (await s.messages.create(message(ch.id, owner.id, 'a'))).message;
        const b = (await s.messages.create(message(ch.id, owner.id, 'b'))).message;
        const c = (await s.messages.create(message(other.id, owner.id, 'c'))).message;
        for (const m of [a, b, c]) await s.reactions.add(m.channel_id, m.id, { id: null, name: '👍' }, owner.id);
        const count = async (channelId: string) => Number((await db.get('SELECT COUNT(*) AS n FROM reactions WHERE channel_id = ?', [channelId]))!.n);

        await tx(async (t) => {
          await t.purgeMessages(ch.id, [a.id]);
          await t.messages.delete(ch.id, a.id);
        });
        expect(await count(ch.id)).toBe(1);
        // A rolled-back purge leaves everything.
        await tx(async (t) => {
          await t.purgeChannels([ch.id]);
          throw new Error('changed my mind');
        }).catch(() => undefined);
        expect(await count(ch.id)).toBe(1);
        expect(await s.messages.get(ch.id, b.id)).toBeDefined();

        await tx(async (t) => {
          await t.purgeChannels([ch.id]);
          await t.channels.delete(ch.id);
        });
        expect(await count(ch.id)).toBe(0);
        expect(await s.messages.list(ch.id, { limit: 10 })).toEqual([]);
        expect(await count(other.id)).toBe(1);
      });

      it('private channels: members (recipients) and the channels a user is in', async () => {
        const [x, y, z] = [user('dmx'), user('dmy'), user('dmz')];
        for (const u of [x, y, z]) await s.users.create(u);
        const dm = channel(null, { guild_id: null, type: 1, name: null });
        const group = channel(null, { guild_id: null, type: 3, name: 'pals', owner_id: x.id });
        await tx(async (t) => {
          for (const c of [dm, group]) await t.channels.create(c);
          await t.channels.addMember(dm.id, x.id, 1);
          await t.channels.addMember(dm.id, y.id, 2);
          for (const [i, u] of [x, y, z].entries()) await t.channels.addMember(group.id, u.id, 10 + i);
        });
        expect(await s.channels.addMember(dm.id, x.id, 3)).toBe(false);
        expect(await s.channels.members(group.id)).toEqual([x.id, y.id, z.id]);
        const ofY = await s.channels.privateChannelsOf(y.id);
        expect(ofY.map((p) => p.channel.id)).toEqual([dm.id, group.id]);
        expect(ofY[0]!.recipients).toEqual([x.id, y.id]);
        expect(ofY[1]!.channel.owner_id).toBe(x.id);
        expect(await s.channels.removeMember(group.id, z.id)).toBe(true);
        expect((await s.channels.privateChannelsOf(z.id)).map((p) => p.channel.id)).toEqual([]);
      });

      it('dms: one channel per pair, either order; hidden DMs; gone with their channel', async () => {
        const [x, y] = [user('pairx'), user('pairy')];
        for (const u of [x, y]) await s.users.create(u);
        const dm = channel(null, { type: 1, name: null });
        await tx(async (t) => {
          await t.channels.create(dm);
          await t.dms.insert(y.id, x.id, dm.id);
        });
        expect(await s.dms.find(x.id, y.id)).toBe(dm.id);
        expect(await s.dms.find(y.id, x.id)).toBe(dm.id);
        const again = channel(null, { type: 1, name: null });
        await s.channels.create(again);
        await expect(s.dms.insert(x.id, y.id, again.id)).rejects.toBeInstanceOf(UniqueViolation);
        expect(await s.dms.hide(dm.id, y.id)).toBe(true);
        expect(await s.dms.hide(dm.id, y.id)).toBe(false);
        expect(await s.dms.hidden(dm.id)).toEqual([y.id]);
        expect(await s.dms.hiddenFor(y.id)).toEqual([dm.id]);
        expect(await s.dms.reveal(dm.id, y.id)).toBe(true);
        expect(await s.dms.reveal(dm.id, y.id)).toBe(false);
        await s.dms.hide(dm.id, x.id);
        await tx(async (t) => {
          await t.purgeChannels([dm.id]);
          await t.channels.delete(dm.id);
        });
        expect(await s.dms.find(x.id, y.id)).toBeUndefined();
        expect(await s.dms.hiddenFor(x.id)).toEqual([]);
      });

      it('read states: one row per user and channel, moved by upsert, gone with the channel', async () => {
        const reader = user('reader');
        await s.users.create(reader);
        const dm = channel(null, { type: 1, name: null });
        await s.channels.create(dm);
        await s.readStates.upsert({ user_id: reader.id, channel_id: dm.id, last_message_id: '10' }, 1);
        await s.readStates.upsert({ user_id: reader.id, channel_id: dm.id, last_message_id: '20' }, 2);
        expect(await s.readStates.get(reader.id, dm.id)).toEqual({ user_id: reader.id, channel_id: dm.id, last_message_id: '20' });
        expect(await s.readStates.forUser(reader.id)).toHaveLength(1);
        await tx(async (t) => {
          await t.purgeChannels([dm.id]);
          await t.channels.delete(dm.id);
        });
        expect(await s.readStates.forUser(reader.id)).toEqual([]);
      });

      it('receipts: cursors only move forward, reading delivers, settings default on', async () => {
        const [x, y] = [user('rcx'), user('rcy')];
        for (const u of [x, y]) await s.users.create(u);
        const dm = channel(null, { type: 1, name: null });
        await s.channels.create(dm);
        expect(await s.receipts.delivered(dm.id, x.id, '20', 1)).toBe(true);
        expect(await s.receipts.delivered(dm.id, x.id, '10', 2)).toBe(false);
        expect(await s.receipts.read(dm.id, x.id, '15', 3)).toBe(true);
        expect(await s.receipts.read(dm.id, x.id, '15', 4)).toBe(false);
        expect(await s.receipts.read(dm.id, y.id, '30', 5)).toBe(true);
        const rows = await s.receipts.forChannels([dm.id]);
        expect(rows.map((r) => [r.user_id, r.delivered_id, r.read_id])).toEqual([
          [x.id, '20', '15'],
          [y.id, '30', '30'],
        ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
        expect(await s.receipts.readReceipts(x.id)).toBe(true);
        await s.receipts.setReadReceipts(x.id, false);
        expect(await s.receipts.readReceipts(x.id)).toBe(false);
        expect([...(await s.receipts.withoutReadReceipts([x.id, y.id]))]).toEqual([x.id]);
        await tx(async (t) => {
          await t.purgeChannels([dm.id]);
          await t.channels.delete(dm.id);
        });
        expect(await s.receipts.forChannels([dm.id])).toEqual([]);
      });

      it('deleting a guild removes what belongs to it', async () => {
        const m = (await s.messages.create(message(chan.id, owner.id, 'last words'))).message;
        await s.reactions.add(chan.id, m.id, { id: null, name: '👋' }, owner.id);
        expect(
          await tx(async (t) => {
            await t.purgeChannels(await t.channels.idsByGuild(guildId));
            return t.guilds.delete(guildId);
          }),
        ).toBe(true);
        expect(await db.get('SELECT 1 AS x FROM reactions WHERE channel_id = ?', [chan.id])).toBeUndefined();
        expect(await db.get('SELECT 1 AS x FROM messages WHERE channel_id = ?', [chan.id])).toBeUndefined();
        expect(await s.guilds.get(guildId)).toBeUndefined();
        expect(await s.channels.listByGuild(guildId)).toEqual([]);
        expect(await s.guilds.guildIdsForUser(owner.id)).toEqual([]);
      });
    });
  });
}
