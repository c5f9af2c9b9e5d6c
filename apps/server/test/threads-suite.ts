/**
 * Threads over REST and the gateway: creation, permissions, members, archiving, lists, auto-archive, purge. Run on
 * SQLite (threads.test.ts) and on PostgreSQL (threads.pg.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, MessageFlags, Permissions, type Channel, type Message } from '@concord/protocol';
import { GatewayTester, eventually, join, newGuild, newUser, type TestGuild, type TestServer, type TestUser } from '@concord/server/testing';
import { archiveIdleThreads } from '../src/modules/threads/service.js';

interface World {
  owner: TestUser;
  alice: TestUser;
  bob: TestUser;
  guild: TestGuild;
}

const deny = (id: string, type: 0 | 1, bits: bigint) => ({ id, type, allow: '0', deny: bits.toString() });

export function threadsSuite(name: string, start: () => Promise<TestServer>): void {
  let server: TestServer;

  async function world(): Promise<World> {
    const owner = await newUser(server.base, 'owner');
    const alice = await newUser(server.base, 'alice');
    const bob = await newUser(server.base, 'bob');
    const guild = await newGuild(owner.api, 'Threads');
    await join(owner.api, alice.api, guild.generalId);
    await join(owner.api, bob.api, guild.generalId);
    return { owner, alice, bob, guild };
  }

  describe(`threads on ${name}`, () => {
    beforeAll(async () => {
      server = await start();
    });
    afterAll(() => server?.close());

    it('starts from a message: same id, metadata, the starter carries it, counts follow messages', async () => {
      const { owner, alice, guild } = await world();
      const gw = await GatewayTester.identify(server.gatewayUrl, owner.token);
      try {
        const m = await alice.api.ok.post<Message>(`/channels/${guild.generalId}/messages`, { content: 'start here' });
        const res = await alice.api.post<Channel>(`/channels/${guild.generalId}/messages/${m.id}/threads`, { name: 'the thread', auto_archive_duration: 60 });
        expect(res.status).toBe(201);
        const t = res.body;
        expect(t).toMatchObject({ id: m.id, type: 11, parent_id: guild.generalId, owner_id: alice.id, name: 'the thread', member_count: 1, message_count: 0 });
        expect(t.thread_metadata).toMatchObject({ archived: false, locked: false, auto_archive_duration: 60 });
        const created = await gw.next((f) => f.t === 'THREAD_CREATE' && f.d.id === t.id);
        expect(created.d.newly_created).toBe(true);

        const again = await alice.api.post(`/channels/${guild.generalId}/messages/${m.id}/threads`, { name: 'twice' });
        expect([again.status, again.body.code]).toEqual([400, ErrorCodes.THREAD_ALREADY_CREATED]);
        expect((await alice.api.post(`/channels/${guild.generalId}/messages/1/threads`, { name: 'x' })).status).toBe(404);

        const first = await alice.api.ok.post<Message>(`/channels/${t.id}/messages`, { content: 'one' });
        await owner.api.ok.post(`/channels/${t.id}/messages`, { content: 'two' });
        await gw.next((f) => f.t === 'MESSAGE_CREATE' && f.d.channel_id === t.id && f.d.content === 'two');
        await alice.api.ok.delete(`/channels/${t.id}/messages/${first.id}`);
        const starter = await owner.api.ok.get<Message>(`/channels/${guild.generalId}/messages/${m.id}`);
        expect(starter.flags & MessageFlags.HAS_THREAD).toBe(MessageFlags.HAS_THREAD);
        expect(starter.thread).toMatchObject({ id: t.id, message_count: 1, total_message_sent: 2 });
        expect(await owner.api.ok.get(`/channels/${t.id}`)).toMatchObject({ id: t.id, message_count: 1, last_message_id: expect.any(String) });
        expect((await owner.api.ok.get<Message[]>(`/channels/${t.id}/messages`)).map((x) => x.content)).toEqual(['two']);
      } finally {
        gw.terminate();
      }
    });

    it('needs CREATE_PUBLIC_THREADS / CREATE_PRIVATE_THREADS; sending needs SEND_MESSAGES_IN_THREADS', async () => {
      const { owner, alice, guild } = await world();
      await owner.api.ok.patch(`/channels/${guild.generalId}`, {
        permission_overwrites: [deny(alice.id, 1, Permissions.CREATE_PUBLIC_THREADS | Permissions.CREATE_PRIVATE_THREADS | Permissions.SEND_MESSAGES_IN_THREADS)],
      });
      const m = await owner.api.ok.post<Message>(`/channels/${guild.generalId}/messages`, { content: 'x' });
      for (const [route, body] of [
        [`/channels/${guild.generalId}/messages/${m.id}/threads`, { name: 'a' }],
        [`/channels/${guild.generalId}/threads`, { name: 'b', type: 11 }],
        [`/channels/${guild.generalId}/threads`, { name: 'c' }],
      ] as const) {
        expect((await alice.api.post(route, body)).body.code).toBe(ErrorCodes.MISSING_PERMISSIONS);
      }
      const t = await owner.api.ok.post<Channel>(`/channels/${guild.generalId}/threads`, { name: 'public', type: 11 });
      expect((await alice.api.post(`/channels/${t.id}/messages`, { content: 'no' })).body.code).toBe(ErrorCodes.MISSING_PERMISSIONS);
      expect((await alice.api.post(`/channels/${guild.generalId}/messages`, { content: 'yes' })).status).toBe(200);
      // Bad bodies and channel types.
      expect((await owner.api.post(`/channels/${guild.generalId}/threads`, { name: 'x', type: 10 })).status).toBe(400);
      expect((await owner.api.post(`/channels/${guild.generalId}/threads`, { name: '', type: 11 })).body.code).toBe(ErrorCodes.INVALID_FORM_BODY);
      expect((await owner.api.post(`/channels/${guild.generalId}/threads`, { name: 'x', auto_archive_duration: 5 })).body.code).toBe(ErrorCodes.INVALID_FORM_BODY);
      expect((await owner.api.post(`/channels/${t.id}/threads`, { name: 'nested', type: 11 })).body.code).toBe(ErrorCodes.INVALID_CHANNEL_TYPE);
    });

    it('private threads: only members and MANAGE_THREADS see them; adding and removing members announces it', async () => {
      const { owner, alice, bob, guild } = await world();
      const bobGw = await GatewayTester.identify(server.gatewayUrl, bob.token);
      const ownerGw = await GatewayTester.identify(server.gatewayUrl, owner.token);
      try {
        const t = await alice.api.ok.post<Channel>(`/channels/${guild.generalId}/threads`, { name: 'secret' });
        expect(t.type).toBe(12);
        expect(t.thread_metadata?.invitable).toBe(true);
        // The owner manages threads (sees it); bob does not.
        await ownerGw.next((f) => f.t === 'THREAD_CREATE' && f.d.id === t.id);
        expect((await bob.api.get(`/channels/${t.id}`)).body.code).toBe(ErrorCodes.MISSING_ACCESS);
        expect((await bob.api.put(`/channels/${t.id}/thread-members/@me`)).body.code).toBe(ErrorCodes.MISSING_ACCESS);
        const active = await bob.api.ok.get<{ threads: Channel[] }>(`/guilds/${guild.id}/threads/active`);
        expect(active.threads.map((x) => x.id)).not.toContain(t.id);

        await alice.api.ok.put(`/channels/${t.id}/thread-members/${bob.id}`);
        const appeared = await bobGw.next((f) => f.t === 'THREAD_CREATE' && f.d.id === t.id);
        expect(appeared.d.member_count).toBe(2);
        await bobGw.next((f) => f.t === 'THREAD_MEMBER_UPDATE' && f.d.id === t.id && f.d.user_id === bob.id);
        const update = await ownerGw.next((f) => f.t === 'THREAD_MEMBERS_UPDATE' && f.d.id === t.id);
        expect(update.d).toMatchObject({ member_count: 2, added_members: [{ user_id: bob.id, member: { user: { id: bob.id } } }] });
        expect((await bob.api.get(`/channels/${t.id}`)).status).toBe(200);

        const members = await bob.api.ok.get<{ user_id: string; member?: unknown }[]>(`/channels/${t.id}/thread-members?with_member=true`);
        expect(members.map((x) => x.user_id).sort()).toEqual([alice.id, bob.id].sort());
        expect(members.every((x) => x.member)).toBe(true);
        expect(await bob.api.ok.get(`/channels/${t.id}/thread-members/${alice.id}`)).toMatchObject({ id: t.id, user_id: alice.id, flags: 0 });
        expect((await bob.api.get(`/channels/${t.id}/thread-members/${owner.id}`)).body.code).toBe(ErrorCodes.UNKNOWN_MEMBER);

        // Bob cannot remove alice (not the owner, no MANAGE_THREADS); alice, the owner of the thread, removes bob.
        expect((await bob.api.delete(`/channels/${t.id}/thread-members/${alice.id}`)).body.code).toBe(ErrorCodes.MISSING_PERMISSIONS);
        await alice.api.ok.delete(`/channels/${t.id}/thread-members/${bob.id}`);
        await bobGw.next((f) => f.t === 'THREAD_MEMBERS_UPDATE' && f.d.id === t.id && f.d.removed_member_ids?.includes(bob.id));
        await bobGw.next((f) => f.t === 'THREAD_DELETE' && f.d.id === t.id);
        expect((await bob.api.get(`/channels/${t.id}`)).body.code).toBe(ErrorCodes.MISSING_ACCESS);

        // Not invitable: only MANAGE_THREADS adds people.
        await owner.api.ok.patch(`/channels/${t.id}`, { invitable: false });
        expect((await alice.api.put(`/channels/${t.id}/thread-members/${bob.id}`)).body.code).toBe(ErrorCodes.MISSING_PERMISSIONS);
        await owner.api.ok.put(`/channels/${t.id}/thread-members/${bob.id}`);
        expect((await owner.api.put(`/channels/${t.id}/thread-members/1`)).body.code).toBe(ErrorCodes.UNKNOWN_MEMBER);
      } finally {
        bobGw.terminate();
        ownerGw.terminate();
      }
    });

    it('archive, unarchive and lock: who may, and sending unarchives unless locked', async () => {
      const { owner, alice, bob, guild } = await world();
      const gw = await GatewayTester.identify(server.gatewayUrl, bob.token);
      try {
        const t = await alice.api.ok.post<Channel>(`/channels/${guild.generalId}/threads`, { name: 'mine', type: 11 });
        expect((await bob.api.patch(`/channels/${t.id}`, { name: 'his' })).body.code).toBe(ErrorCodes.MISSING_PERMISSIONS);
        expect((await alice.api.patch(`/channels/${t.id}`, { locked: true })).body.code).toBe(ErrorCodes.MISSING_PERMISSIONS);
        const archived = await alice.api.ok.patch<Channel>(`/channels/${t.id}`, { archived: true });
        expect(archived.thread_metadata?.archived).toBe(true);
        await gw.next((f) => f.t === 'THREAD_UPDATE' && f.d.id === t.id && f.d.thread_metadata.archived);
        expect((await alice.api.patch(`/channels/${t.id}`, { name: 'while archived' })).body.code).toBe(ErrorCodes.THREAD_ARCHIVED);
        expect((await bob.api.put(`/channels/${t.id}/thread-members/@me`)).body.code).toBe(ErrorCodes.THREAD_ARCHIVED);

        // Anyone who may send unarchives by sending.
        await bob.api.ok.post(`/channels/${t.id}/messages`, { content: 'revive' });
        await gw.next((f) => f.t === 'THREAD_UPDATE' && f.d.id === t.id && !f.d.thread_metadata.archived);
        expect((await bob.api.ok.get<Channel>(`/channels/${t.id}`)).thread_metadata?.archived).toBe(false);

        await owner.api.ok.patch(`/channels/${t.id}`, { locked: true, archived: true });
        expect((await bob.api.post(`/channels/${t.id}/messages`, { content: 'no' })).body.code).toBe(ErrorCodes.THREAD_ARCHIVED);
        expect((await alice.api.patch(`/channels/${t.id}`, { archived: false })).body.code).toBe(ErrorCodes.THREAD_LOCKED);
        const reopened = await owner.api.ok.patch<Channel>(`/channels/${t.id}`, { archived: false, locked: false, auto_archive_duration: 10080 });
        expect(reopened.thread_metadata).toMatchObject({ archived: false, locked: false, auto_archive_duration: 10080 });
        // Bob (no MANAGE_THREADS) cannot delete it; the owner can.
        expect((await bob.api.delete(`/channels/${t.id}`)).body.code).toBe(ErrorCodes.MISSING_PERMISSIONS);
        await owner.api.ok.delete(`/channels/${t.id}`);
        await gw.next((f) => f.t === 'THREAD_DELETE' && f.d.id === t.id && f.d.parent_id === guild.generalId);
        expect((await bob.api.get(`/channels/${t.id}`)).status).toBe(404);
      } finally {
        gw.terminate();
      }
    });

    it('lists: active per guild, archived public and private with pagination, joined private', async () => {
      const { owner, alice, bob, guild } = await world();
      const pub: Channel[] = [];
      for (let i = 0; i < 3; i++) pub.push(await alice.api.ok.post<Channel>(`/channels/${guild.generalId}/threads`, { name: `p${i}`, type: 11 }));
      const priv = await alice.api.ok.post<Channel>(`/channels/${guild.generalId}/threads`, { name: 'priv' });
      const active = await alice.api.ok.get<{ threads: Channel[]; members: { id: string }[] }>(`/guilds/${guild.id}/threads/active`);
      expect(active.threads.map((t) => t.id).sort()).toEqual([...pub, priv].map((t) => t.id).sort());
      expect(active.members.map((m) => m.id).sort()).toEqual([...pub, priv].map((t) => t.id).sort());

      for (const t of [...pub, priv]) await alice.api.ok.patch(`/channels/${t.id}`, { archived: true });
      expect((await bob.api.ok.get<{ threads: Channel[] }>(`/guilds/${guild.id}/threads/active`)).threads).toEqual([]);

      const page1 = await bob.api.ok.get<{ threads: Channel[]; has_more: boolean; members: unknown[] }>(`/channels/${guild.generalId}/threads/archived/public?limit=2`);
      expect(page1.threads.map((t) => t.name)).toEqual(['p2', 'p1']);
      expect(page1.has_more).toBe(true);
      expect(page1.members).toEqual([]);
      const before = page1.threads[1]!.thread_metadata!.archive_timestamp;
      const page2 = await bob.api.ok.get<{ threads: Channel[]; has_more: boolean }>(`/channels/${guild.generalId}/threads/archived/public?limit=2&before=${encodeURIComponent(before)}`);
      expect([page2.threads.map((t) => t.name), page2.has_more]).toEqual([['p0'], false]);
      expect((await bob.api.get(`/channels/${guild.generalId}/threads/archived/public?before=yesterday`)).body.code).toBe(ErrorCodes.INVALID_FORM_BODY);

      expect((await bob.api.get(`/channels/${guild.generalId}/threads/archived/private`)).body.code).toBe(ErrorCodes.MISSING_PERMISSIONS);
      expect((await owner.api.ok.get<{ threads: Channel[] }>(`/channels/${guild.generalId}/threads/archived/private`)).threads.map((t) => t.id)).toEqual([priv.id]);
      expect((await alice.api.ok.get<{ threads: Channel[] }>(`/channels/${guild.generalId}/users/@me/threads/archived/private`)).threads.map((t) => t.id)).toEqual([priv.id]);
      expect((await bob.api.ok.get<{ threads: Channel[] }>(`/channels/${guild.generalId}/users/@me/threads/archived/private`)).threads).toEqual([]);
    });

    it('GUILD_CREATE carries the active threads a session may see', async () => {
      const { alice, bob, guild } = await world();
      const open = await alice.api.ok.post<Channel>(`/channels/${guild.generalId}/threads`, { name: 'open', type: 11 });
      const closed = await alice.api.ok.post<Channel>(`/channels/${guild.generalId}/threads`, { name: 'closed', type: 11 });
      await alice.api.ok.patch(`/channels/${closed.id}`, { archived: true });
      const secret = await alice.api.ok.post<Channel>(`/channels/${guild.generalId}/threads`, { name: 'secret' });
      const threadsOf = async (user: TestUser) => {
        const gw = await GatewayTester.identify(server.gatewayUrl, user.token);
        const gc = await gw.next((f) => f.t === 'GUILD_CREATE' && f.d.id === guild.id);
        gw.terminate();
        return (gc.d.threads as Channel[]).map((t) => t.id).sort();
      };
      expect(await threadsOf(alice)).toEqual([open.id, secret.id].sort());
      expect(await threadsOf(bob)).toEqual([open.id]);
    });

    it('archives idle threads by themselves, once, announced', async () => {
      const { alice, guild } = await world();
      const gw = await GatewayTester.identify(server.gatewayUrl, alice.token);
      try {
        const quiet = await alice.api.ok.post<Channel>(`/channels/${guild.generalId}/threads`, { name: 'quiet', type: 11, auto_archive_duration: 60 });
        const busy = await alice.api.ok.post<Channel>(`/channels/${guild.generalId}/threads`, { name: 'busy', type: 11, auto_archive_duration: 1440 });
        const deps = server.app.deps;
        const inTwoHours = Date.now() + 2 * 3600_000;
        expect(await archiveIdleThreads(deps, inTwoHours)).toBeGreaterThanOrEqual(1);
        expect(await archiveIdleThreads(deps, inTwoHours)).toBe(0);
        await gw.next((f) => f.t === 'THREAD_UPDATE' && f.d.id === quiet.id && f.d.thread_metadata.archived);
        expect((await alice.api.ok.get<Channel>(`/channels/${busy.id}`)).thread_metadata?.archived).toBe(false);
      } finally {
        gw.terminate();
      }
    });

    it('deleting a parent channel deletes its threads and their messages', async () => {
      const { owner, guild } = await world();
      const extra = await owner.api.ok.post<Channel>(`/guilds/${guild.id}/channels`, { name: 'parent' });
      const t = await owner.api.ok.post<Channel>(`/channels/${extra.id}/threads`, { name: 'child', type: 11 });
      await owner.api.ok.post(`/channels/${t.id}/messages`, { content: 'in the child' });
      await owner.api.ok.delete(`/channels/${extra.id}`);
      const db = server.app.deps.db;
      await eventually(async () => Number((await db.get('SELECT COUNT(*) AS n FROM messages WHERE channel_id = ?', [t.id]))!.n) === 0 || undefined, 'messages gone');
      expect(await db.get('SELECT id FROM channels WHERE id = ?', [t.id])).toBeUndefined();
      expect(Number((await db.get('SELECT COUNT(*) AS n FROM channel_members WHERE channel_id = ?', [t.id]))!.n)).toBe(0);
    });
  });
}
