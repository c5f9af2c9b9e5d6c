/**
 * Adversarial input through the public surfaces: bad input is refused in Discord's shape and changes
 * nothing; events reach only who may see them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, GatewayTester, join, newGuild, newUser, startTestServer, type TestServer, type TestUser } from '../src/testing.js';

let srv: TestServer;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;
let guildId: string;
let generalId: string;

beforeAll(async () => {
  srv = await startTestServer();
  [owner, member, outsider] = [await newUser(srv.base), await newUser(srv.base), await newUser(srv.base)];
  const g = await newGuild(owner.api);
  guildId = g.guild.id;
  generalId = g.generalId;
  await join(owner.api, member.api, generalId);
});
afterAll(async () => {
  await srv?.close();
});

const history = async (api: Api, channelId: string) => (await api.get(`/channels/${channelId}/messages?limit=100`)).body.map((m: any) => m.id);

describe('REST input', () => {
  it('embeds must be embed objects within Discord limits; garbage is 400 and stores nothing', async () => {
    const before = await history(owner.api, generalId);
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const bad: unknown[] = [
      { embeds: [null] },
      { embeds: [5] },
      { content: 'x', embeds: ['text'] },
      { embeds: [{ title: 'x'.repeat(257) }] },
      { embeds: [{ description: 'x'.repeat(4097) }] },
      { embeds: [{ color: 'red' }] },
      { embeds: [{ fields: Array.from({ length: 26 }, () => ({ name: 'a', value: 'b' })) }] },
      { embeds: [{ fields: [{ name: 'a' }] }] },
      { embeds: [{ description: 'x'.repeat(4000) }, { description: 'x'.repeat(2001) }] },
      // Nested 20,000 deep: sent as text, since JSON.stringify cannot.
      `{"content":"x","embeds":[${deep}]}`,
      `{"content":"x","embeds":[{"title":"ok","author":${deep}}]}`,
    ];
    for (const body of bad) {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const res = await owner.api.raw('POST', `/channels/${generalId}/messages`, { body: text, headers: { 'content-type': 'application/json' } });
      expect(res.status, text.slice(0, 80)).toBe(400);
      expect(res.body.code).toBe(50035);
      // Nesting that deep is refused before parsing, for the whole body rather than one field.
      if (typeof body !== 'string') expect(res.body.errors.embeds).toBeDefined();
    }
    expect(await history(owner.api, generalId)).toEqual(before);

    const ok = await owner.api.post(`/channels/${generalId}/messages`, {
      embeds: [{ title: 'T', description: 'D', color: 0xff0000, fields: [{ name: 'n', value: 'v', inline: true }], footer: { text: 'f' } }],
    });
    expect(ok.status).toBe(200);
    // As on Discord, an embed comes back with its type (rich unless given).
    expect(ok.body.embeds).toEqual([{ type: 'rich', title: 'T', description: 'D', color: 0xff0000, fields: [{ name: 'n', value: 'v', inline: true }], footer: { text: 'f' } }]);
    const edit = await owner.api.patch(`/channels/${generalId}/messages/${ok.body.id}`, { embeds: [{ title: 7 }] });
    expect(edit.status).toBe(400);
    expect(edit.body.errors.embeds).toBeDefined();
    expect((await owner.api.get(`/channels/${generalId}/messages/${ok.body.id}`)).body.embeds[0].title).toBe('T');
  });

  it('embed and webhook avatar URLs are http(s) (images may also be attachment://); javascript: and data: are refused', async () => {
    const before = await history(owner.api, generalId);
    const bad = [
      { embeds: [{ title: 't', url: 'javascript:alert(1)' }] },
      { embeds: [{ title: 't', url: 'JavaScript:alert(1)' }] },
      { embeds: [{ image: { url: 'data:text/html,<script>alert(1)</script>' } }] },
      { embeds: [{ author: { name: 'a', url: 'vbscript:x' } }] },
      { embeds: [{ title: 't', url: 'not a url' }] },
      { embeds: [{ thumbnail: { url: 'file:///etc/passwd' } }] },
    ];
    for (const body of bad) {
      const res = await owner.api.post(`/channels/${generalId}/messages`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe(50035);
      expect(JSON.stringify(res.body.errors.embeds)).toMatch(/Scheme .* is not supported|Not a well formed URL/);
    }
    expect(await history(owner.api, generalId)).toEqual(before);
    const ok = await owner.api.post(`/channels/${generalId}/messages`, {
      embeds: [{ title: 't', url: 'https://example.com/a', image: { url: 'attachment://chart.png' }, author: { name: 'a', icon_url: 'http://example.com/i.png' } }],
    });
    expect(ok.status).toBe(200);
    expect(ok.body.embeds[0].url).toBe('https://example.com/a');
  });

  it('ids beyond 63 bits in query strings are refused before they reach the database', async () => {
    const msg = await owner.api.post(`/channels/${generalId}/messages`, { content: 'react to me' });
    expect((await owner.api.put(`/channels/${generalId}/messages/${msg.body.id}/reactions/%F0%9F%91%8D/@me`)).status).toBe(204);
    const res = await owner.api.get(`/channels/${generalId}/messages/${msg.body.id}/reactions/%F0%9F%91%8D?after=99999999999999999999`);
    expect(res.status).toBe(400);
    expect(res.body.errors.after._errors[0].code).toBeDefined();
    const app = await owner.api.post(`/oauth2/authorize?client_id=99999999999999999999&scope=bot`, { guild_id: guildId, authorize: true });
    expect(app.status).toBe(404);
    expect(app.body.code).toBe(10002);
  });

  it('over-long or malformed path parameters answer 404 in Discord shape, never a framework error', async () => {
    const long = await owner.api.get(`/invites/${'x'.repeat(300)}`);
    expect(long.status).toBe(404);
    expect(long.headers.get('content-type')).toMatch(/^application\/json/);
    expect(long.body).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
    expect(long.body.error).toBeUndefined();
    const badEscape = await owner.api.get(`/channels/${generalId}/messages/%E0%A4%A`);
    expect(badEscape.status).toBe(404);
    expect(badEscape.body).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
    expect(badEscape.body.error).toBeUndefined();
  });

  it('a malformed X-Audit-Log-Reason is taken as it is, never a 500', async () => {
    const res = await owner.api.raw('PATCH', `/guilds/${guildId}`, {
      body: JSON.stringify({ name: 'Renamed Guild' }),
      headers: { 'content-type': 'application/json', 'x-audit-log-reason': '%E0%A4%A bad escape' },
    });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Renamed Guild');
  });

  it('the system channel must be a text channel and the AFK channel a voice channel of the guild', async () => {
    const channels = (await owner.api.get(`/guilds/${guildId}/channels`)).body as any[];
    const voice = channels.find((c) => c.type === 2).id;
    const category = channels.find((c) => c.type === 4).id;
    const before = (await owner.api.get(`/guilds/${guildId}`)).body;
    for (const body of [{ system_channel_id: voice }, { system_channel_id: category }, { afk_channel_id: generalId }, { afk_channel_id: category }]) {
      const res = await owner.api.patch(`/guilds/${guildId}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors[Object.keys(body)[0]!]._errors[0].code).toBeDefined();
    }
    const after = (await owner.api.get(`/guilds/${guildId}`)).body;
    expect([after.system_channel_id, after.afk_channel_id]).toEqual([before.system_channel_id, before.afk_channel_id]);
    const ok = await owner.api.patch(`/guilds/${guildId}`, { system_channel_id: generalId, afk_channel_id: voice });
    expect(ok.status).toBe(200);
    expect([ok.body.system_channel_id, ok.body.afk_channel_id]).toEqual([generalId, voice]);
  });

  it('deleting the system or AFK channel clears it on the guild (GUILD_UPDATE), as on Discord', async () => {
    const { guild } = await newGuild(owner.api, 'Clears');
    const text = await owner.api.post(`/guilds/${guild.id}/channels`, { name: 'announcements' });
    const voice = await owner.api.post(`/guilds/${guild.id}/channels`, { name: 'afk', type: 2 });
    expect((await owner.api.patch(`/guilds/${guild.id}`, { system_channel_id: text.body.id, afk_channel_id: voice.body.id })).status).toBe(200);
    const gw = await GatewayTester.identify(srv.gatewayUrl, owner.token, 1);
    try {
      expect((await owner.api.delete(`/channels/${text.body.id}`)).status).toBe(200);
      const update = await gw.next((f) => f.t === 'GUILD_UPDATE' && f.d.id === guild.id);
      expect([update.d.system_channel_id, update.d.afk_channel_id]).toEqual([null, voice.body.id]);
      expect((await owner.api.delete(`/channels/${voice.body.id}`)).status).toBe(200);
      await gw.next((f) => f.t === 'GUILD_UPDATE' && f.d.id === guild.id && f.d.afk_channel_id === null);
      const after = (await owner.api.get(`/guilds/${guild.id}`)).body;
      expect([after.system_channel_id, after.afk_channel_id]).toEqual([null, null]);
    } finally {
      gw.close();
    }
  });

  it('two overwrites for the same role or member are a 400 and change nothing (was a 500)', async () => {
    const dup = [{ id: guildId, type: 0, allow: '1024' }, { id: guildId, type: 0, deny: '1024' }];
    const before = (await owner.api.get(`/guilds/${guildId}/channels`)).body.map((c: any) => c.id);
    const created = await owner.api.post(`/guilds/${guildId}/channels`, { name: 'dup', permission_overwrites: dup });
    expect(created.status).toBe(400);
    expect(created.body.errors.permission_overwrites._errors[0].code).toBeDefined();
    expect((await owner.api.get(`/guilds/${guildId}/channels`)).body.map((c: any) => c.id)).toEqual(before);
    const general = (await owner.api.get(`/channels/${generalId}`)).body;
    const modified = await owner.api.patch(`/channels/${generalId}`, { permission_overwrites: dup });
    expect(modified.status).toBe(400);
    expect((await owner.api.get(`/channels/${generalId}`)).body.permission_overwrites).toEqual(general.permission_overwrites);
  });

  it('access is checked before the emoji: a non-member gets 403, not 400', async () => {
    const msg = await owner.api.post(`/channels/${generalId}/messages`, { content: 'hello' });
    const res = await outsider.api.put(`/channels/${generalId}/messages/${msg.body.id}/reactions/notanemoji/@me`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe(50001);
  });
});

describe('permission overwrites', () => {
  const P = { VIEW: 1n << 10n, SEND: 1n << 11n, MANAGE_CHANNELS: 1n << 4n, MANAGE_MESSAGES: 1n << 13n, MANAGE_ROLES: 1n << 28n, ADMIN: 1n << 3n };

  it('MANAGE_CHANNELS alone cannot write overwrites: granting oneself more needs MANAGE_ROLES and only what one has', async () => {
    const ch = await owner.api.post(`/guilds/${guildId}/channels`, {
      name: 'delegated',
      permission_overwrites: [{ id: member.id, type: 1, allow: String(P.MANAGE_CHANNELS) }],
    });
    expect(ch.status).toBe(201);
    // The member may rename it (MANAGE_CHANNELS)...
    expect((await member.api.patch(`/channels/${ch.body.id}`, { name: 'renamed' })).status).toBe(200);
    // ...but not rewrite who may do what in it.
    const grab = await member.api.patch(`/channels/${ch.body.id}`, {
      permission_overwrites: [{ id: member.id, type: 1, allow: String(P.MANAGE_CHANNELS | P.MANAGE_MESSAGES) }],
    });
    expect(grab.status).toBe(403);
    expect(grab.body.code).toBe(50013);
    const after = await owner.api.get(`/channels/${ch.body.id}`);
    expect(after.body.permission_overwrites).toEqual([{ id: member.id, type: 1, allow: String(P.MANAGE_CHANNELS), deny: '0' }]);

    // With MANAGE_ROLES in the channel, overwrites may be written, but only with permissions the member has.
    await owner.api.patch(`/channels/${ch.body.id}`, { permission_overwrites: [{ id: member.id, type: 1, allow: String(P.MANAGE_CHANNELS | P.MANAGE_ROLES) }] });
    const tooMuch = await member.api.patch(`/channels/${ch.body.id}`, {
      permission_overwrites: [{ id: member.id, type: 1, allow: String(P.MANAGE_CHANNELS | P.MANAGE_ROLES | P.MANAGE_MESSAGES) }],
    });
    expect(tooMuch.status).toBe(403);
    const fine = await member.api.patch(`/channels/${ch.body.id}`, {
      permission_overwrites: [
        { id: member.id, type: 1, allow: String(P.MANAGE_CHANNELS | P.MANAGE_ROLES) },
        { id: guildId, type: 0, deny: String(P.SEND) },
      ],
    });
    expect(fine.status).toBe(200);
    // Renaming with the same overwrites echoed back (as clients do) needs nothing more.
    const echo = await member.api.patch(`/channels/${ch.body.id}`, { name: 'again', permission_overwrites: fine.body.permission_overwrites });
    expect(echo.status).toBe(200);
    // The owner may set any bits, even ones no permission uses (yet).
    const anyBits = await owner.api.patch(`/channels/${ch.body.id}`, { permission_overwrites: [{ id: member.id, type: 1, allow: '99999999999999999999' }] });
    expect(anyBits.status).toBe(200);
  });
});

describe('gateway payloads', () => {
  const closeOf = (t: GatewayTester) => Promise.race([t.closed, new Promise<{ code: number }>((_, no) => setTimeout(() => no(new Error('socket stayed open')), 5000))]);

  it('op 8 with fields of the wrong type closes 4002 (decode error), not 4000', async () => {
    // (An integer guild_id is an id, as discord.py sends it; a fraction is not.)
    for (const d of [{ guild_id: guildId, query: 5, limit: 0 }, { guild_id: guildId, query: '', limit: 'all' }, { guild_id: guildId, user_ids: { a: 1 } }, { guild_id: 7.5 }, 'x']) {
      const t = await GatewayTester.identify(srv.gatewayUrl, owner.token, 1 | 2);
      t.send({ op: 8, d });
      expect((await closeOf(t)).code, JSON.stringify(d)).toBe(4002);
    }
    // A well-formed request still answers.
    const t = await GatewayTester.identify(srv.gatewayUrl, owner.token, 1 | 2);
    t.send({ op: 8, d: { guild_id: guildId, query: '', limit: 0, nonce: 'n1' } });
    const chunk = await t.next((f) => f.t === 'GUILD_MEMBERS_CHUNK');
    expect(chunk.d).toMatchObject({ guild_id: guildId, nonce: 'n1', chunk_index: 0, chunk_count: 1 });
    expect(chunk.d.members).toHaveLength(2);
    t.close();
  });

  it('a sharded session hears only about its own guilds: READY, GUILD_CREATE and GUILD_DELETE', async () => {
    const sharded = await newUser(srv.base);
    const shardOf = (id: string) => Number((BigInt(id) >> 22n) % 2n);
    const ids: string[] = [];
    // Guild ids carry their creation time: a few guilds land on both shards.
    while (ids.length < 12 && (ids.every((id) => shardOf(id) === 0) || ids.every((id) => shardOf(id) === 1))) {
      ids.push((await newGuild(sharded.api, `Shard ${ids.length}`)).guild.id);
      await new Promise((r) => setTimeout(r, 3));
    }
    const shards = [] as GatewayTester[];
    try {
      for (const k of [0, 1]) {
        const t = await GatewayTester.connect(srv.gatewayUrl);
        t.send({ op: 2, d: { token: sharded.token, intents: 1, properties: {}, shard: [k, 2] } });
        const ready = await t.next((f) => f.t === 'READY');
        const mine = ids.filter((id) => shardOf(id) === k).sort();
        expect(ready.d.guilds.map((g: any) => g.id).sort()).toEqual(mine);
        await t.waitUntil(() => t.dispatches('GUILD_CREATE').length >= mine.length);
        expect(t.dispatches('GUILD_CREATE').map((f) => f.d.id).sort()).toEqual(mine);
        shards.push(t);
      }
      const doomed = ids.find((id) => shardOf(id) === 1)!;
      expect((await sharded.api.delete(`/guilds/${doomed}`)).status).toBe(204);
      await shards[1]!.next((f) => f.t === 'GUILD_DELETE' && f.d.id === doomed);
      // Shard 0 hears of a later change to one of its own guilds, and never of the deleted one.
      const own = ids.find((id) => shardOf(id) === 0)!;
      await sharded.api.patch(`/guilds/${own}`, { name: 'Still here' });
      await shards[0]!.next((f) => f.t === 'GUILD_UPDATE' && f.d.id === own);
      expect(shards[0]!.dispatches('GUILD_DELETE')).toEqual([]);
    } finally {
      for (const t of shards) t.close();
    }
  });

  it('logging out closes the gateway sessions of that token with 4004; other tokens of the user stay', async () => {
    const user = await newUser(srv.base);
    const second = await new Api(srv.base).post('/auth/login', { login: user.email, password: 'correct horse battery' });
    expect(second.status).toBe(200);
    const [a, b] = [await GatewayTester.identify(srv.gatewayUrl, user.token, 1), await GatewayTester.identify(srv.gatewayUrl, second.body.token, 1)];
    try {
      expect((await user.api.post('/auth/logout')).status).toBe(204);
      expect((await closeOf(a)).code).toBe(4004);
      expect((await user.api.get('/users/@me')).status).toBe(401);
      // The other token's session is untouched and still hears its own events.
      const { guild } = await newGuild(new Api(srv.base, second.body.token), 'After logout');
      await b.next((f) => f.t === 'GUILD_CREATE' && f.d.id === guild.id);
    } finally {
      a.close();
      b.close();
    }
  });

  it('a bot cannot log out: its token is its application\'s only one (and Discord refuses bots here too)', async () => {
    const app = (await owner.api.post('/applications', { name: 'Logout Bot' })).body;
    const bot = new Api(srv.base, `Bot ${app.bot.token}`);
    const res = await bot.post('/auth/logout');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe(20001);
    expect((await bot.get('/users/@me')).status).toBe(200);
  });

  it('intents beyond the 32-bit range are invalid intents (4013), not silently truncated', async () => {
    for (const intents of [2 ** 40, 2 ** 32 + 513]) {
      const t = await GatewayTester.connect(srv.gatewayUrl);
      t.send({ op: 2, d: { token: owner.token, intents, properties: {} } });
      expect((await closeOf(t)).code, String(intents)).toBe(4013);
    }
  });
});

describe('who receives what', () => {
  it('INVITE_CREATE and INVITE_DELETE reach only those with MANAGE_CHANNELS on the channel (and the GUILD_INVITES intent)', async () => {
    const GUILDS = 1;
    const INVITES = 1 << 6;
    const [own, mem, ownNoIntent] = await Promise.all([
      GatewayTester.identify(srv.gatewayUrl, owner.token, GUILDS | INVITES),
      GatewayTester.identify(srv.gatewayUrl, member.token, GUILDS | INVITES),
      GatewayTester.identify(srv.gatewayUrl, owner.token, GUILDS),
    ]);
    try {
      const from = [own, mem, ownNoIntent].map((t) => t.frames.length);
      // A member may create invites (CREATE_INSTANT_INVITE) but still does not see others' codes.
      const inv = await member.api.post(`/channels/${generalId}/invites`, { max_uses: 1 });
      expect(inv.status).toBe(200);
      const created = await own.next((f) => f.t === 'INVITE_CREATE', { from: from[0] });
      expect(created.d).toMatchObject({ code: inv.body.code, channel_id: generalId, guild_id: guildId, max_uses: 1 });
      expect((await owner.api.delete(`/invites/${inv.body.code}`)).status).toBe(200);
      await own.next((f) => f.t === 'INVITE_DELETE' && f.d.code === inv.body.code, { from: from[0] });
      // Everything published after the invite events reaches the member, so the member's stream is complete up to here.
      const marker = await owner.api.post(`/guilds/${guildId}/channels`, { name: 'marker-invites' });
      for (const [i, t] of [mem, ownNoIntent].entries()) {
        await t.next((f) => f.t === 'CHANNEL_CREATE' && f.d.id === marker.body.id, { from: from[i + 1] });
        expect(t.frames.slice(from[i + 1]!).filter((f) => f.t?.startsWith('INVITE_'))).toEqual([]);
      }
    } finally {
      for (const t of [own, mem, ownNoIntent]) t.close();
    }
  });

  it('an overwrite that hides a channel sends CHANNEL_DELETE to those who lose it, and CHANNEL_CREATE when it is shown again', async () => {
    const ch = await owner.api.post(`/guilds/${guildId}/channels`, { name: 'secret' });
    const [own, mem] = await Promise.all([GatewayTester.identify(srv.gatewayUrl, owner.token, 1), GatewayTester.identify(srv.gatewayUrl, member.token, 1)]);
    try {
      const VIEW = String(1 << 10);
      const hide = await owner.api.patch(`/channels/${ch.body.id}`, { permission_overwrites: [{ id: guildId, type: 0, deny: VIEW }] });
      expect(hide.status).toBe(200);
      const gone = await mem.next((f) => f.op === 0 && f.d?.id === ch.body.id);
      expect(gone.t).toBe('CHANNEL_DELETE');
      expect(gone.d).toMatchObject({ id: ch.body.id, guild_id: guildId, type: 0 });
      expect((await own.next((f) => f.op === 0 && f.d?.id === ch.body.id)).t).toBe('CHANNEL_UPDATE');

      // While hidden, further changes reach only those who can see it.
      await owner.api.patch(`/channels/${ch.body.id}`, { topic: 'still hidden' });
      await own.next((f) => f.t === 'CHANNEL_UPDATE' && f.d.topic === 'still hidden');

      const fromMem = mem.frames.length;
      const show = await owner.api.patch(`/channels/${ch.body.id}`, { permission_overwrites: [] });
      expect(show.status).toBe(200);
      const back = await mem.next((f) => f.op === 0 && f.d?.id === ch.body.id, { from: fromMem });
      expect(back.t).toBe('CHANNEL_CREATE');
      expect(back.d).toMatchObject({ id: ch.body.id, guild_id: guildId, topic: 'still hidden', permission_overwrites: [] });
      expect(mem.frames.slice(fromMem).filter((f) => f.d?.id === ch.body.id).map((f) => f.t)).toEqual(['CHANNEL_CREATE']);
      expect(mem.dispatches().filter((f) => f.d?.id === ch.body.id).map((f) => f.t)).toEqual(['CHANNEL_DELETE', 'CHANNEL_CREATE']);
    } finally {
      own.close();
      mem.close();
    }
  });
});
