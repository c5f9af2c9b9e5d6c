/**
 * Forum channels over REST and the gateway (settings, tags, posts with their first message, the REQUIRE_TAG flag,
 * moderated tags), and the thread rules that go with them: slowmode in threads, following a thread by posting or
 * being mentioned, private threads in THREAD_LIST_SYNC. Run on SQLite (forums.test.ts) and PostgreSQL
 * (forums.pg.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelFlags, ErrorCodes, type Channel, type ForumTag, type Message } from '@concord/protocol';
import { GatewayTester, join, newGuild, newUser, type TestGuild, type TestServer, type TestUser } from '@concord/server/testing';

interface World {
  owner: TestUser;
  alice: TestUser;
  bob: TestUser;
  guild: TestGuild;
}

export function forumsSuite(name: string, start: () => Promise<TestServer>): void {
  let server: TestServer;

  async function world(): Promise<World> {
    const owner = await newUser(server.base, 'owner');
    const alice = await newUser(server.base, 'alice');
    const bob = await newUser(server.base, 'bob');
    const guild = await newGuild(owner.api, 'Forums');
    await join(owner.api, alice.api, guild.generalId);
    await join(owner.api, bob.api, guild.generalId);
    return { owner, alice, bob, guild };
  }

  async function forum(w: World, extra: Record<string, unknown> = {}): Promise<Channel & { available_tags: ForumTag[] }> {
    return w.owner.api.ok.post(`/guilds/${w.guild.id}/channels`, {
      name: 'Help',
      type: 15,
      topic: 'Ask here',
      available_tags: [{ name: 'bug', emoji_name: '🐛' }, { name: 'question' }, { name: 'solved', moderated: true }],
      default_reaction_emoji: { emoji_name: '👍' },
      default_sort_order: 1,
      default_forum_layout: 2,
      default_thread_rate_limit_per_user: 5,
      ...extra,
    });
  }

  describe(`forums on ${name}`, () => {
    beforeAll(async () => {
      server = await start();
    });
    afterAll(() => server?.close());

    it('a forum has its settings and tags in Discord shape; PATCH keeps the ids of tags it names', async () => {
      const w = await world();
      const gw = await GatewayTester.identify(server.gatewayUrl, w.alice.token);
      try {
        const f = await forum(w, { flags: ChannelFlags.REQUIRE_TAG | 1 });
        expect(f).toMatchObject({
          type: 15,
          name: 'Help',
          topic: 'Ask here',
          flags: ChannelFlags.REQUIRE_TAG,
          default_reaction_emoji: { emoji_id: null, emoji_name: '👍' },
          default_sort_order: 1,
          default_forum_layout: 2,
          default_thread_rate_limit_per_user: 5,
          default_auto_archive_duration: null,
          last_message_id: null,
        });
        expect(f.available_tags.map((t) => [t.name, t.moderated, t.emoji_name, t.emoji_id])).toEqual([
          ['bug', false, '🐛', null],
          ['question', false, null, null],
          ['solved', true, null, null],
        ]);
        expect(new Set(f.available_tags.map((t) => t.id)).size).toBe(3);
        const created = await gw.next((x) => x.t === 'CHANNEL_CREATE' && x.d.id === f.id);
        expect(created.d.available_tags).toHaveLength(3);
        expect(await w.alice.api.ok.get(`/channels/${f.id}`)).toMatchObject({ available_tags: f.available_tags, flags: ChannelFlags.REQUIRE_TAG });

        const [bug, , solved] = f.available_tags;
        const patched = await w.owner.api.ok.patch<Channel & { available_tags: ForumTag[] }>(`/channels/${f.id}`, {
          available_tags: [{ id: bug!.id, name: 'defect' }, { id: solved!.id, name: 'solved', moderated: true }, { name: 'idea' }],
          default_sort_order: null,
          flags: 0,
        });
        expect(patched.available_tags.map((t) => t.name)).toEqual(['defect', 'solved', 'idea']);
        expect(patched.available_tags[0]!.id).toBe(bug!.id);
        expect(patched.available_tags[1]!.id).toBe(solved!.id);
        expect(patched).toMatchObject({ default_sort_order: null, flags: 0, default_forum_layout: 2 });
        await gw.next((x) => x.t === 'CHANNEL_UPDATE' && x.d.id === f.id && x.d.available_tags?.[0]?.name === 'defect');

        // Bad input changes nothing.
        for (const body of [
          { available_tags: Array.from({ length: 21 }, (_, i) => ({ name: `t${i}` })) },
          { available_tags: [{ name: 'same' }, { name: 'same' }] },
          { available_tags: [{ name: '' }] },
          { available_tags: [{ name: 'x'.repeat(21) }] },
          { default_sort_order: 7 },
          { default_forum_layout: 3 },
        ]) {
          expect((await w.owner.api.patch(`/channels/${f.id}`, body)).body.code).toBe(ErrorCodes.INVALID_FORM_BODY);
        }
        expect((await w.alice.api.patch(`/channels/${f.id}`, { available_tags: [] })).body.code).toBe(ErrorCodes.MISSING_PERMISSIONS);
        expect((await w.owner.api.ok.get<Channel>(`/channels/${f.id}`)).available_tags).toEqual(patched.available_tags);
        const media = await w.owner.api.ok.post<Channel>(`/guilds/${w.guild.id}/channels`, { name: 'clips', type: 16, flags: ChannelFlags.HIDE_MEDIA_DOWNLOAD_OPTIONS });
        expect(media).toMatchObject({ type: 16, flags: ChannelFlags.HIDE_MEDIA_DOWNLOAD_OPTIONS, available_tags: [] });
        expect(media.default_forum_layout).toBeUndefined();
      } finally {
        gw.terminate();
      }
    });

    it('a post is a public thread with its first message (same id) and tags; the forum takes no plain message', async () => {
      const w = await world();
      const f = await forum(w);
      const [bug, question] = f.available_tags;
      const gw = await GatewayTester.identify(server.gatewayUrl, w.bob.token);
      try {
        const res = await w.alice.api.post<Channel>(`/channels/${f.id}/threads`, {
          name: 'It crashes',
          applied_tags: [bug!.id, question!.id],
          message: { content: 'when I click' },
        });
        expect(res.status).toBe(201);
        const post = res.body;
        expect(post).toMatchObject({
          type: 11,
          parent_id: f.id,
          owner_id: w.alice.id,
          name: 'It crashes',
          applied_tags: [bug!.id, question!.id],
          rate_limit_per_user: 5,
          message_count: 0,
          member_count: 1,
          last_message_id: post.id,
          thread_metadata: { archived: false, locked: false },
        });
        expect(post.message).toMatchObject({ id: post.id, channel_id: post.id, content: 'when I click', author: { id: w.alice.id } });
        const created = await gw.next((x) => x.t === 'THREAD_CREATE' && x.d.id === post.id);
        expect(created.d).toMatchObject({ newly_created: true, applied_tags: [bug!.id, question!.id], parent_id: f.id });
        const first = await gw.next((x) => x.t === 'MESSAGE_CREATE' && x.d.id === post.id);
        expect(first.d).toMatchObject({ channel_id: post.id, content: 'when I click' });

        expect((await w.bob.api.ok.get<Message[]>(`/channels/${post.id}/messages`)).map((m) => m.content)).toEqual(['when I click']);
        const active = await w.bob.api.ok.get<{ threads: Channel[] }>(`/guilds/${w.guild.id}/threads/active`);
        expect(active.threads.find((t) => t.id === post.id)).toMatchObject({ applied_tags: [bug!.id, question!.id] });
        // Replies count; the first message does not (Discord's message_count).
        await w.bob.api.ok.post(`/channels/${post.id}/messages`, { content: 'same here' });
        expect(await w.bob.api.ok.get(`/channels/${post.id}`)).toMatchObject({ message_count: 1, member_count: 2 });

        expect((await w.alice.api.post(`/channels/${f.id}/messages`, { content: 'plain' })).body.code).toBe(ErrorCodes.CANNOT_SEND_IN_NON_TEXT_CHANNEL);
        expect((await w.alice.api.post(`/channels/${f.id}/threads`, { name: 'no message' })).body).toMatchObject({
          code: ErrorCodes.INVALID_FORM_BODY,
          errors: { message: { _errors: [{ code: 'BASE_TYPE_REQUIRED' }] } },
        });
        expect((await w.alice.api.post(`/channels/${f.id}/threads`, { name: 'empty', message: { content: ' ' } })).body.code).toBe(ErrorCodes.EMPTY_MESSAGE);
        expect((await w.alice.api.post(`/channels/${f.id}/threads`, { name: 'x', applied_tags: ['1'], message: { content: 'x' } })).body.code).toBe(ErrorCodes.INVALID_FORM_BODY);
        const six = await w.alice.api.post(`/channels/${f.id}/threads`, { name: 'x', applied_tags: ['1', '2', '3', '4', '5', '6'], message: { content: 'x' } });
        expect(six.body.code).toBe(ErrorCodes.INVALID_FORM_BODY);
        const twice = await w.alice.api.post(`/channels/${f.id}/threads`, { name: 'x', applied_tags: [bug!.id, bug!.id], message: { content: 'x' } });
        expect(twice.body.code).toBe(ErrorCodes.INVALID_FORM_BODY);
        // None of the refused posts exists.
        const after = await w.bob.api.ok.get<{ threads: Channel[] }>(`/guilds/${w.guild.id}/threads/active`);
        expect(after.threads.filter((t) => t.parent_id === f.id).map((t) => t.id)).toEqual([post.id]);
        // A post is a message in the forum: SEND_MESSAGES decides, not CREATE_PUBLIC_THREADS.
        await w.owner.api.ok.patch(`/channels/${f.id}`, { permission_overwrites: [{ id: w.bob.id, type: 1, allow: '0', deny: String(1 << 11) }] });
        expect((await w.bob.api.post(`/channels/${f.id}/threads`, { name: 'x', message: { content: 'x' } })).body.code).toBe(ErrorCodes.MISSING_PERMISSIONS);
      } finally {
        gw.terminate();
      }
    });

    it('REQUIRE_TAG refuses a post without a tag; moderated tags take MANAGE_THREADS; a post owner edits its tags', async () => {
      const w = await world();
      const f = await forum(w, { flags: ChannelFlags.REQUIRE_TAG });
      const [bug, question, solved] = f.available_tags;
      const untagged = await w.alice.api.post(`/channels/${f.id}/threads`, { name: 'x', message: { content: 'x' } });
      expect([untagged.status, untagged.body.code]).toEqual([400, ErrorCodes.TAG_REQUIRED]);
      expect(untagged.body.message).toBe('A tag is required to create a forum post in this channel');
      expect((await w.alice.api.post(`/channels/${f.id}/threads`, { name: 'x', applied_tags: [solved!.id], message: { content: 'x' } })).body.code).toBe(
        ErrorCodes.MISSING_PERMISSIONS,
      );
      const post = await w.alice.api.ok.post<Channel>(`/channels/${f.id}/threads`, { name: 'tagged', applied_tags: [bug!.id], message: { content: 'x' } });

      expect((await w.alice.api.ok.patch<Channel>(`/channels/${post.id}`, { applied_tags: [question!.id] })).applied_tags).toEqual([question!.id]);
      expect((await w.alice.api.patch(`/channels/${post.id}`, { applied_tags: [] })).body.code).toBe(ErrorCodes.TAG_REQUIRED);
      expect((await w.alice.api.patch(`/channels/${post.id}`, { applied_tags: [solved!.id] })).body.code).toBe(ErrorCodes.MISSING_PERMISSIONS);
      expect((await w.bob.api.patch(`/channels/${post.id}`, { applied_tags: [bug!.id] })).body.code).toBe(ErrorCodes.MISSING_PERMISSIONS);
      // The guild owner manages threads: moderated tags are theirs to set, and to take off.
      expect((await w.owner.api.ok.patch<Channel>(`/channels/${post.id}`, { applied_tags: [question!.id, solved!.id] })).applied_tags).toEqual([question!.id, solved!.id]);
      expect((await w.alice.api.patch(`/channels/${post.id}`, { applied_tags: [question!.id] })).body.code).toBe(ErrorCodes.MISSING_PERMISSIONS);
      expect((await w.alice.api.ok.get<Channel>(`/channels/${post.id}`)).applied_tags).toEqual([question!.id, solved!.id]);
      // Tags belong to forum posts only.
      const plain = await w.alice.api.ok.post<Channel>(`/channels/${w.guild.generalId}/threads`, { name: 'plain', type: 11 });
      expect((await w.alice.api.patch(`/channels/${plain.id}`, { applied_tags: [bug!.id] })).body.code).toBe(ErrorCodes.INVALID_CHANNEL_TYPE);
    });

    it('search finds the messages of forum posts, only for who sees the forum', async () => {
      const w = await world();
      const f = await forum(w);
      const post = await w.alice.api.ok.post<Channel>(`/channels/${f.id}/threads`, { name: 'Printer', message: { content: 'the printer prints zebrafish' } });
      await w.bob.api.ok.post(`/channels/${post.id}/messages`, { content: 'more zebrafish here' });
      const found = await w.bob.api.ok.get<{ total_results: number; messages: Message[][]; threads: Channel[] }>(`/guilds/${w.guild.id}/messages/search?content=zebrafish`);
      expect(found.total_results).toBe(2);
      expect(found.messages.map(([m]) => m!.channel_id)).toEqual([post.id, post.id]);
      expect(found.threads.map((t) => t.id)).toEqual([post.id]);
      await w.owner.api.ok.patch(`/channels/${f.id}`, { permission_overwrites: [{ id: w.bob.id, type: 1, allow: '0', deny: String(1 << 10) }] });
      expect((await w.bob.api.ok.get<{ total_results: number }>(`/guilds/${w.guild.id}/messages/search?content=zebrafish`)).total_results).toBe(0);
    });

    it('slowmode in a thread: members wait, MANAGE_THREADS does not', async () => {
      const w = await world();
      const t = await w.alice.api.ok.post<Channel>(`/channels/${w.guild.generalId}/threads`, { name: 'slow', type: 11, rate_limit_per_user: 60 });
      expect(t.rate_limit_per_user).toBe(60);
      await w.alice.api.ok.post(`/channels/${t.id}/messages`, { content: 'one' });
      const second = await w.alice.api.post(`/channels/${t.id}/messages`, { content: 'two' });
      expect([second.status, second.body.code]).toEqual([429, ErrorCodes.SLOWMODE_RATE_LIMITED]);
      await w.owner.api.ok.post(`/channels/${t.id}/messages`, { content: 'mod one' });
      await w.owner.api.ok.post(`/channels/${t.id}/messages`, { content: 'mod two' });
      // Only MANAGE_THREADS changes a thread's slowmode; a post inherits the forum's default.
      expect((await w.alice.api.patch(`/channels/${t.id}`, { rate_limit_per_user: 0 })).body.code).toBe(ErrorCodes.MISSING_PERMISSIONS);
      expect((await w.owner.api.ok.patch<Channel>(`/channels/${t.id}`, { rate_limit_per_user: 0 })).rate_limit_per_user).toBe(0);
      await w.alice.api.ok.post(`/channels/${t.id}/messages`, { content: 'three' });
    });

    it('posting in a thread follows it, and so does being mentioned there', async () => {
      const w = await world();
      const bobGw = await GatewayTester.identify(server.gatewayUrl, w.bob.token);
      try {
        const t = await w.alice.api.ok.post<Channel>(`/channels/${w.guild.generalId}/threads`, { name: 'open', type: 11 });
        expect((await w.alice.api.get(`/channels/${t.id}/thread-members/${w.bob.id}`)).body.code).toBe(ErrorCodes.UNKNOWN_MEMBER);
        await w.bob.api.ok.post(`/channels/${t.id}/messages`, { content: 'hi' });
        await bobGw.next((f) => f.t === 'THREAD_MEMBER_UPDATE' && f.d.id === t.id && f.d.user_id === w.bob.id);
        await w.bob.api.ok.post(`/channels/${t.id}/messages`, { content: `look <@${w.owner.id}>` });
        const members = await w.alice.api.ok.get<{ user_id: string }[]>(`/channels/${t.id}/thread-members`);
        expect(members.map((m) => m.user_id).sort()).toEqual([w.owner.id, w.alice.id, w.bob.id].sort());
        expect(await w.alice.api.ok.get(`/channels/${t.id}`)).toMatchObject({ member_count: 3, message_count: 2 });

        // A private thread that is not invitable takes no one in by a mention from a plain member.
        const secret = await w.alice.api.ok.post<Channel>(`/channels/${w.guild.generalId}/threads`, { name: 'closed', invitable: false });
        await w.alice.api.ok.post(`/channels/${secret.id}/messages`, { content: `psst <@${w.bob.id}>` });
        expect((await w.bob.api.get(`/channels/${secret.id}`)).body.code).toBe(ErrorCodes.MISSING_ACCESS);
        const open = await w.alice.api.ok.post<Channel>(`/channels/${w.guild.generalId}/threads`, { name: 'invitable' });
        await w.alice.api.ok.post(`/channels/${open.id}/messages`, { content: `come <@${w.bob.id}>` });
        await bobGw.next((f) => f.t === 'THREAD_CREATE' && f.d.id === open.id);
        expect((await w.bob.api.get(`/channels/${open.id}`)).status).toBe(200);
      } finally {
        bobGw.terminate();
      }
    });

    it('THREAD_LIST_SYNC lists a private thread to its members and to MANAGE_THREADS, to no one else', async () => {
      const w = await world();
      const [aliceGw, bobGw, ownerGw] = await Promise.all([
        GatewayTester.identify(server.gatewayUrl, w.alice.token),
        GatewayTester.identify(server.gatewayUrl, w.bob.token),
        GatewayTester.identify(server.gatewayUrl, w.owner.token),
      ]);
      try {
        const pub = await w.bob.api.ok.post<Channel>(`/channels/${w.guild.generalId}/threads`, { name: 'public', type: 11 });
        const priv = await w.alice.api.ok.post<Channel>(`/channels/${w.guild.generalId}/threads`, { name: 'private' });
        await w.owner.api.ok.patch(`/channels/${w.guild.generalId}`, { permission_overwrites: [{ id: w.bob.id, type: 1, allow: '0', deny: '8192' }] });
        const ids = (f: { d: { threads: Channel[] } }) => f.d.threads.map((t) => t.id).sort();
        const synced = (gw: GatewayTester, withPrivate: boolean) =>
          gw.next((f) => f.t === 'THREAD_LIST_SYNC' && f.d.guild_id === w.guild.id && f.d.threads.some((t: Channel) => t.id === priv.id) === withPrivate);
        expect(ids(await synced(aliceGw, true))).toEqual([pub.id, priv.id].sort());
        expect(ids(await synced(ownerGw, true))).toEqual([pub.id, priv.id].sort());
        expect(ids(await synced(bobGw, false))).toEqual([pub.id]);
        await new Promise((r) => setTimeout(r, 200));
        expect(bobGw.dispatches('THREAD_LIST_SYNC').some((f) => f.d.threads.some((t: Channel) => t.id === priv.id))).toBe(false);
        const aliceSync = aliceGw.dispatches('THREAD_LIST_SYNC').find((f) => f.d.threads.some((t: Channel) => t.id === priv.id))!;
        expect(aliceSync.d.members).toMatchObject([{ id: priv.id, user_id: w.alice.id }]);
      } finally {
        for (const gw of [aliceGw, bobGw, ownerGw]) gw.terminate();
      }
    });
  });
}
