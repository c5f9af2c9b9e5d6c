/**
 * The search contract, over REST on a real server: run on SQLite (search.sqlite.test.ts, FTS5 trigram) and on
 * PostgreSQL (search.pg.test.ts, pg_trgm) with the same corpus and assertions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, Permissions, type Message } from '@concord/protocol';
import { AppFlags, addBot, join, multipartBody, newBot, newGuild, newUser, sendStream, testPng, type FilePart, type TestBot, type TestGuild, type TestServer, type TestUser } from '@concord/server/testing';

export interface SearchServer {
  start(): Promise<TestServer>;
  /** Before each search: let an engine that indexes after commit finish (so both of its paths are checked). */
  settle?(server: TestServer): Promise<void>;
}

interface Answer {
  total_results: number;
  messages: Message[][];
  threads: { id: string }[];
}

const CORPUS = {
  english: 'The quick brown fox jumps over the lazy dog',
  reversed: 'brown quick is not the phrase',
  german: 'Schöne Grüße aus München und Köln',
  chinese: '我们明天在北京开会讨论项目',
  japanese: '東京タワーに行きました',
  korean: '서울특별시에서 만나요',
  arabic: 'مرحبا بالعالم من القاهرة',
  emoji: 'party time 🎉🎉 with cake 🍰',
  code: 'call getUserById(id) before renderUserCard()',
  syntax: 'weird "quotes" and * stars (parens) NEAR/2 content:column',
};

export function searchSuite(name: string, opts: SearchServer): void {
  describe(`search on ${name}`, () => {
    let server: TestServer;
    let owner: TestUser;
    let alice: TestUser;
    let bob: TestUser;
    let bot: TestBot;
    let guild: TestGuild;
    let secretId: string;
    const sent: Record<string, Message> = {};

    const search = async (user: TestUser, query: string, where = `/guilds/${guild.id}`) => {
      await opts.settle?.(server);
      const res = await user.api.get<Answer>(`${where}/messages/search?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    const ids = (a: Answer) => a.messages.map(([m]) => m!.id);
    /** A message with one file, as Discord libraries send it (multipart). */
    const upload = async (user: TestUser, content: string, file: FilePart) => {
      const { contentType, body } = multipartBody({ content }, [file]);
      const res = await sendStream(`${server.base}/api/v10/channels/${guild.generalId}/messages`, 'POST', { authorization: user.token, 'content-type': contentType }, body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as Message;
    };
    const contentIds = async (user: TestUser, content: string) => ids(await search(user, `content=${encodeURIComponent(content)}`));

    beforeAll(async () => {
      server = await opts.start();
      owner = await newUser(server.base, 'owner');
      alice = await newUser(server.base, 'alice');
      bob = await newUser(server.base, 'bob');
      guild = await newGuild(owner.api, 'Search');
      await join(owner.api, alice.api, guild.generalId);
      await join(owner.api, bob.api, guild.generalId);
      bot = await newBot(owner.api, undefined, AppFlags.GatewayMessageContent);
      await addBot(owner.api, guild.id, bot);
      for (const [key, content] of Object.entries(CORPUS)) sent[key] = await alice.api.ok.post<Message>(`/channels/${guild.generalId}/messages`, { content });
      sent.link = await bob.api.ok.post<Message>(`/channels/${guild.generalId}/messages`, { content: `see https://example.com/page for <@${alice.id}>` });
      sent.embed = await bob.api.ok.post<Message>(`/channels/${guild.generalId}/messages`, { content: 'with an embed', embeds: [{ title: 'card' }] });
      sent.bot = await bot.api.ok.post<Message>(`/channels/${guild.generalId}/messages`, { content: 'beep boop from the bot' });
      sent.image = await upload(owner, 'a picture', { filename: 'p.png', data: testPng(2, 2), contentType: 'image/png' });
      sent.sound = await upload(owner, 'a recording', { filename: 'r.ogg', data: Buffer.from('OggS'), contentType: 'audio/ogg' });
      const hook = await owner.api.ok.post<{ id: string; token: string }>(`/channels/${guild.generalId}/webhooks`, { name: 'Builds' });
      sent.hook = await owner.api.ok.post<Message>(`/webhooks/${hook.id}/${hook.token}?wait=true`, { content: 'hook says build passed' });
      const secret = await owner.api.ok.post<{ id: string }>(`/guilds/${guild.id}/channels`, { name: 'secret' });
      secretId = secret.id;
      sent.secret = await owner.api.ok.post<Message>(`/channels/${secretId}/messages`, { content: 'classified plans' });
    });
    afterAll(() => server?.close());

    it('finds words in every script, substrings of identifiers, folded case and diacritics', async () => {
      expect(await contentIds(bob, 'quick brown')).toEqual(expect.arrayContaining([sent.english!.id, sent.reversed!.id]));
      expect(await contentIds(bob, 'München')).toEqual([sent.german!.id]);
      expect(await contentIds(bob, 'munchen')).toEqual([sent.german!.id]);
      expect(await contentIds(bob, 'KÖLN')).toEqual([sent.german!.id]);
      expect(await contentIds(bob, '北京开会')).toEqual([sent.chinese!.id]);
      expect(await contentIds(bob, '北京')).toEqual([sent.chinese!.id]);
      expect(await contentIds(bob, 'タワー')).toEqual([sent.japanese!.id]);
      expect(await contentIds(bob, '東京')).toEqual([sent.japanese!.id]);
      expect(await contentIds(bob, '서울특별시')).toEqual([sent.korean!.id]);
      expect(await contentIds(bob, 'القاهرة')).toEqual([sent.arabic!.id]);
      expect(await contentIds(bob, '🍰')).toEqual([sent.emoji!.id]);
      expect(await contentIds(bob, 'UserById')).toEqual([sent.code!.id]);
      expect(await contentIds(bob, 'renderuser')).toEqual([sent.code!.id]);
      expect(await contentIds(bob, 'nothing-like-this')).toEqual([]);
    });

    it('quoted phrases match in order; query syntax in content is plain text', async () => {
      expect(await contentIds(bob, '"quick brown"')).toEqual([sent.english!.id]);
      expect(await contentIds(bob, '"brown quick"')).toEqual([sent.reversed!.id]);
      for (const q of ['"quotes"', '* stars', '(parens)', 'NEAR/2', 'content:column', '"', '*', '(', 'AND', 'OR NOT', '"unterminated', "'; DROP TABLE messages; --", '%', '_']) {
        const res = await bob.api.get<Answer>(`/guilds/${guild.id}/messages/search?content=${encodeURIComponent(q)}`);
        expect(res.status, q).toBe(200);
      }
      expect(await contentIds(bob, '(parens)')).toEqual([sent.syntax!.id]);
      expect(await contentIds(bob, 'content:column')).toEqual([sent.syntax!.id]);
      expect(await contentIds(bob, '%')).toEqual([]);
    });

    it('filters alone and combined; sort, offset, limit and total', async () => {
      expect(ids(await search(bob, `author_id=${bob.id}`))).toEqual([sent.embed!.id, sent.link!.id]);
      expect(ids(await search(bob, `mentions=${alice.id}`))).toEqual([sent.link!.id]);
      expect(ids(await search(bob, 'has=link'))).toEqual([sent.link!.id]);
      expect(ids(await search(bob, 'has=embed'))).toEqual([sent.embed!.id]);
      expect(ids(await search(bob, 'has=file')).sort()).toEqual([sent.image!.id, sent.sound!.id].sort());
      expect(ids(await search(bob, 'has=image'))).toEqual([sent.image!.id]);
      expect(ids(await search(bob, 'has=sound'))).toEqual([sent.sound!.id]);
      expect(ids(await search(bob, 'has=video'))).toEqual([]);
      expect(ids(await search(bob, 'has=image&has=sound'))).toEqual([]);
      expect(ids(await search(bob, 'has=sticker'))).toEqual([]);
      expect(ids(await search(bob, 'author_type=webhook'))).toEqual([sent.hook!.id]);
      expect(ids(await search(bob, 'author_type=user&content=hook'))).toEqual([]);
      expect(ids(await search(bob, 'author_type=bot'))).toEqual([sent.bot!.id]);
      expect(ids(await search(bob, `author_id=${alice.id}&content=quick`))).toEqual([sent.reversed!.id, sent.english!.id]);
      expect(ids(await search(bob, `author_id=${bob.id}&author_id=${bot.userId}`))).toEqual([sent.bot!.id, sent.embed!.id, sent.link!.id]);
      expect(ids(await search(bob, `min_id=${sent.code!.id}&max_id=${sent.embed!.id}`))).toEqual([sent.link!.id, sent.syntax!.id]);
      expect(ids(await search(bob, `channel_id=${guild.generalId}&content=boop`))).toEqual([sent.bot!.id]);

      await server.app.deps.db.run('UPDATE messages SET pinned = 1 WHERE channel_id = ? AND id = ?', [guild.generalId, sent.korean!.id]);
      expect(ids(await search(bob, 'pinned=true'))).toEqual([sent.korean!.id]);

      const all = await search(bob, `author_id=${alice.id}&sort_order=asc&limit=3`);
      expect(all.total_results).toBe(Object.keys(CORPUS).length);
      expect(ids(all)).toEqual([sent.english!.id, sent.reversed!.id, sent.german!.id]);
      const page = await search(bob, `author_id=${alice.id}&sort_order=asc&limit=3&offset=3`);
      expect(ids(page)).toEqual([sent.chinese!.id, sent.japanese!.id, sent.korean!.id]);
      const relevant = await search(bob, `content=quick&sort_by=relevance&author_id=${alice.id}`);
      expect(ids(relevant).sort()).toEqual([sent.english!.id, sent.reversed!.id].sort());
      expect(relevant.messages[0]![0]!.author.id).toBe(alice.id);
    });

    it('checks permissions at query time: channels the searcher cannot read now are never searched', async () => {
      expect(await contentIds(owner, 'classified')).toEqual([sent.secret!.id]);
      expect(await contentIds(bob, 'classified')).toEqual([sent.secret!.id]);
      await owner.api.ok.patch(`/channels/${secretId}`, { permission_overwrites: [{ id: bob.id, type: 1, allow: '0', deny: String(Permissions.VIEW_CHANNEL) }] });
      expect(await contentIds(bob, 'classified')).toEqual([]);
      expect(ids(await search(bob, `channel_id=${secretId}`))).toEqual([]);
      expect((await bob.api.get(`/channels/${secretId}/messages/search?content=classified`)).body.code).toBe(ErrorCodes.MISSING_ACCESS);
      await owner.api.ok.patch(`/channels/${secretId}`, {
        permission_overwrites: [{ id: bob.id, type: 1, allow: '0', deny: String(Permissions.READ_MESSAGE_HISTORY) }],
      });
      expect(await contentIds(bob, 'classified')).toEqual([]);
      // A private thread: its members find its messages, others do not.
      const t = await alice.api.ok.post<{ id: string }>(`/channels/${guild.generalId}/threads`, { name: 'hush' });
      const inThread = await alice.api.ok.post<Message>(`/channels/${t.id}/messages`, { content: 'whispered zebra' });
      const mine = await search(alice, 'content=zebra');
      expect(ids(mine)).toEqual([inThread.id]);
      expect(mine.threads.map((x) => x.id)).toEqual([t.id]);
      expect(await contentIds(bob, 'zebra')).toEqual([]);
      expect(ids(await search(alice, 'content=zebra', `/channels/${t.id}`))).toEqual([inThread.id]);
      const outsider = await newUser(server.base);
      expect((await outsider.api.get(`/guilds/${guild.id}/messages/search?content=zebra`)).body.code).toBe(ErrorCodes.MISSING_ACCESS);
    });

    it('reflects edits and deletes at once', async () => {
      const m = await alice.api.ok.post<Message>(`/channels/${guild.generalId}/messages`, { content: 'original platypus' });
      expect(await contentIds(bob, 'platypus')).toEqual([m.id]);
      await alice.api.ok.patch(`/channels/${guild.generalId}/messages/${m.id}`, { content: 'edited wombat' });
      expect(await contentIds(bob, 'platypus')).toEqual([]);
      expect(await contentIds(bob, 'wombat')).toEqual([m.id]);
      await alice.api.ok.delete(`/channels/${guild.generalId}/messages/${m.id}`);
      expect(await contentIds(bob, 'wombat')).toEqual([]);
      // A deleted channel's messages go from the index with it.
      const c = await owner.api.ok.post<{ id: string }>(`/guilds/${guild.id}/channels`, { name: 'brief' });
      await owner.api.ok.post(`/channels/${c.id}/messages`, { content: 'ephemeral narwhal' });
      expect(await contentIds(owner, 'narwhal')).toHaveLength(1);
      await owner.api.ok.delete(`/channels/${c.id}`);
      expect(await contentIds(owner, 'narwhal')).toEqual([]);
    });

    it('refuses bad input in Discord’s shape, never a 500', async () => {
      for (const q of ['offset=5001', 'limit=26', 'limit=0', 'unknown_filter=1', 'has=everything', 'sort_by=size', 'min_id=yesterday', 'author_id=abc', 'pinned=maybe', `content=${'x'.repeat(1025)}`]) {
        const res = await bob.api.get(`/guilds/${guild.id}/messages/search?${q}`);
        expect([res.status, res.body.code], q).toEqual([400, ErrorCodes.INVALID_FORM_BODY]);
      }
      expect((await bob.api.get(`/guilds/${guild.id}/messages/search?content=`)).status).toBe(200);
      expect((await bob.api.get(`/guilds/1/messages/search?content=x`)).status).toBe(404);
    });
  });
}
