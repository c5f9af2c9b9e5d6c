/** Gateway v10 through real sockets: handshake shapes, fan-out, filtering, resume, the send extension. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayIntents as I, Permissions } from '@concord/protocol';
import { Api, GatewayTester, join, newGuild, newUser, startTestServer, type TestServer } from '../src/testing.js';

let server: TestServer;
const open: GatewayTester[] = [];
const track = (t: GatewayTester) => (open.push(t), t);

beforeAll(async () => {
  server = await startTestServer({ replayBufferSize: 64 });
});
afterAll(async () => {
  for (const t of open) t.terminate();
  await server?.close();
});

const ALL = 0b1111111111111111;
const identify = async (token: string, intents = ALL, extra = {}) => track(await GatewayTester.identify(server.gatewayUrl, token, intents, extra));

describe('handshake', () => {
  it('Hello, heartbeat ACK, READY at s=1 with guild stubs, then a full GUILD_CREATE per guild', async () => {
    const owner = await newUser(server.base);
    const { guild } = await newGuild(owner.api, 'Shapes');
    const t = track(await GatewayTester.connect(server.gatewayUrl));
    expect(t.frames[0]).toMatchObject({ op: 10, d: { heartbeat_interval: expect.any(Number) } });
    t.send({ op: 1, d: null });
    await t.next((f) => f.op === 11);
    t.send({ op: 2, d: { token: owner.token, intents: ALL, properties: {} } });
    const ready = await t.next((f) => f.t === 'READY');
    expect(ready.s).toBe(1);
    expect(ready.d).toMatchObject({
      v: 10,
      user: { id: owner.id, username: owner.username, discriminator: '0' },
      guilds: [{ id: guild.id, unavailable: true }],
      session_id: expect.any(String),
      resume_gateway_url: expect.stringMatching(/^ws:\/\/.+\/gateway$/),
    });
    const gc = await t.next((f) => f.t === 'GUILD_CREATE');
    expect(gc.s).toBe(2);
    expect(gc.d).toMatchObject({ id: guild.id, name: 'Shapes', unavailable: false, owner_id: owner.id, large: false, member_count: 1, features: [] });
    for (const key of ['threads', 'presences', 'voice_states', 'emojis', 'stickers', 'stage_instances', 'guild_scheduled_events', 'soundboard_sounds']) {
      expect(Array.isArray(gc.d[key]), key).toBe(true);
    }
    expect(gc.d.roles).toContainEqual(expect.objectContaining({ id: guild.id, name: '@everyone', permissions: expect.stringMatching(/^\d+$/) }));
    expect(gc.d.channels.map((c: any) => [c.type, c.name])).toEqual(
      expect.arrayContaining([[4, 'Text Channels'], [0, 'general'], [4, 'Voice Channels'], [2, 'General']]),
    );
    expect(gc.d.members).toEqual([expect.objectContaining({ user: expect.objectContaining({ id: owner.id }), roles: [], joined_at: expect.any(String) })]);
    expect(typeof gc.d.joined_at).toBe('string');
  });

  it('READY for a bot carries its application; without the Guilds intent no GUILD_CREATE follows', async () => {
    const owner = await newUser(server.base);
    const { guild } = await newGuild(owner.api);
    const app = (await owner.api.post('/applications', { name: 'Shape Bot' })).body;
    await owner.api.post(`/oauth2/authorize?client_id=${app.id}&scope=bot`, { guild_id: guild.id, permissions: '3072', authorize: true });
    const bot = await identify(app.bot.token, I.Guilds | I.GuildMessages);
    const ready = bot.dispatches('READY')[0]!;
    expect(ready.d.application).toEqual({ id: app.id, flags: 0 });
    expect(ready.d.user).toMatchObject({ id: app.bot.id, bot: true });
    const gc = bot.dispatches('GUILD_CREATE')[0]!;
    // A bot without GUILD_MEMBERS sees only its own member; the managed role is there.
    expect(gc.d.members.map((m: any) => m.user.id)).toEqual([app.bot.id]);
    expect(gc.d.roles).toContainEqual(expect.objectContaining({ managed: true, permissions: '3072', tags: { bot_id: app.bot.id } }));

    const quiet = await identify(owner.token, I.GuildMessages);
    expect(quiet.dispatches('READY')[0]!.d.guilds).toHaveLength(1);
    expect(quiet.dispatches('GUILD_CREATE')).toHaveLength(0);
  });
});

describe('close codes', () => {
  async function closeCode(send: (t: GatewayTester) => void, query?: string): Promise<number> {
    const t = track(await GatewayTester.connect(server.gatewayUrl, { query }));
    send(t);
    return (await t.closed).code;
  }

  it('4001 4002 4003 4004 4005 4010 4012 4013 4014', async () => {
    const owner = await newUser(server.base);
    const app = (await owner.api.post('/applications', { name: 'No Content Bot' })).body;
    const id = (token: string, more: Record<string, unknown> = {}) => ({ op: 2, d: { token, intents: 513, properties: {}, ...more } });

    expect(await closeCode((t) => t.send({ op: 150, d: null }))).toBe(4001);
    expect(await closeCode((t) => t.ws.send('{"op": 2, "d": '))).toBe(4002);
    expect(await closeCode((t) => t.ws.send(Buffer.from([1, 2, 3]), { binary: true }))).toBe(4002);
    expect(await closeCode((t) => t.send({ op: 2, d: { token: 5 } }))).toBe(4002);
    expect(await closeCode((t) => t.send({ op: 1, d: 'x'.repeat(20_000) }))).toBe(4002);
    expect(await closeCode((t) => t.send({ op: 100, d: { channel_id: '1', nonce: 'a', content: 'x' } }))).toBe(4003);
    expect(await closeCode((t) => t.send(id('not-a-token')))).toBe(4004);
    expect(await closeCode((t) => (t.send(id(owner.token)), t.send(id(owner.token))))).toBe(4005);
    expect(await closeCode((t) => t.send(id(owner.token, { shard: [1, 1] })))).toBe(4010);
    expect(await closeCode(() => undefined, '?v=6&encoding=json')).toBe(4012);
    expect(await closeCode((t) => t.send(id(owner.token, { intents: 1 << 30 })))).toBe(4013);
    expect(await closeCode((t) => t.send(id(app.bot.token, { intents: I.Guilds | I.MessageContent })))).toBe(4014);
  });

  it('4008 when a client sends more than 120 payloads a minute', async () => {
    expect(
      await closeCode((t) => {
        for (let i = 0; i < 130; i++) t.send({ op: 1, d: null });
      }),
    ).toBe(4008);
  });

  it('4007 when resuming from a sequence the session never reached', async () => {
    const owner = await newUser(server.base);
    const first = await identify(owner.token);
    const sessionId = first.dispatches('READY')[0]!.d.session_id;
    first.terminate();
    await first.closed;
    expect(await closeCode((t) => t.send({ op: 6, d: { token: owner.token, session_id: sessionId, seq: 999 } }))).toBe(4007);
  });

  it('4009 when heartbeats stop', async () => {
    const quick = await startTestServer({ heartbeatIntervalMs: 1000 });
    try {
      const owner = await newUser(quick.base);
      const t = track(await GatewayTester.identify(quick.gatewayUrl, owner.token));
      expect((await t.closed).code).toBe(4009);
    } finally {
      await quick.close();
    }
  });

  it('unknown Discord ops are ignored, not closed (clients send them routinely)', async () => {
    const owner = await newUser(server.base);
    const t = await identify(owner.token);
    t.send({ op: 3, d: { status: 'online', since: null, activities: [], afk: false } });
    t.send({ op: 31, d: {} });
    t.send({ op: 1, d: t.lastSeq() });
    await t.next((f) => f.op === 11);
    expect(t.ws.readyState).toBe(t.ws.OPEN);
  });
});

describe('dispatch', () => {
  it('fans a channel out to every session, in order, exactly once', async () => {
    const owner = await newUser(server.base);
    const { generalId } = await newGuild(owner.api);
    const members = await Promise.all(Array.from({ length: 4 }, () => newUser(server.base)));
    for (const m of members) await join(owner.api, m.api, generalId);
    const sessions = await Promise.all([owner, ...members, ...members].map((u) => identify(u.token)));
    const sent: string[] = [];
    for (let i = 0; i < 15; i++) sent.push((await members[i % 4]!.api.post(`/channels/${generalId}/messages`, { content: `fan ${i}` })).body.id);
    for (const s of sessions) {
      await s.waitUntil(() => s.dispatches('MESSAGE_CREATE').length >= 15);
      expect(s.dispatches('MESSAGE_CREATE').map((f) => f.d.id)).toEqual(sent);
      const seqs = s.frames.filter((f) => f.op === 0).map((f) => f.s);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    }
  });

  it('a MESSAGE_CREATE has the fields discord.js reads', async () => {
    const owner = await newUser(server.base);
    const { guild, generalId } = await newGuild(owner.api);
    const t = await identify(owner.token);
    const sent = await owner.api.post(`/channels/${generalId}/messages`, { content: 'shape', nonce: '42' });
    const ev = await t.next((f) => f.t === 'MESSAGE_CREATE');
    expect(ev.d).toEqual(sent.body);
    expect(ev.d).toMatchObject({
      id: sent.body.id, channel_id: generalId, guild_id: guild.id, content: 'shape', type: 0, nonce: '42', channel_type: 0,
      author: { id: owner.id, username: owner.username }, member: { roles: [], joined_at: expect.any(String) },
      edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [], embeds: [], pinned: false,
    });
    expect(ev.d.member.user).toBeUndefined();
    expect(Date.parse(ev.d.timestamp)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('filters by VIEW_CHANNEL: a hidden channel reaches only those who can see it', async () => {
    const owner = await newUser(server.base);
    const { guild, generalId } = await newGuild(owner.api);
    const member = await newUser(server.base);
    await join(owner.api, member.api, generalId);
    const secret = (
      await owner.api.post(`/guilds/${guild.id}/channels`, {
        name: 'secret',
        permission_overwrites: [{ id: guild.id, type: 0, deny: String(Permissions.VIEW_CHANNEL) }],
      })
    ).body;
    const [o, m] = [await identify(owner.token), await identify(member.token)];
    expect(m.dispatches('GUILD_CREATE')[0]!.d.channels.map((c: any) => c.id)).not.toContain(secret.id);
    await owner.api.post(`/channels/${secret.id}/messages`, { content: 'hidden' });
    await owner.api.post(`/channels/${generalId}/messages`, { content: 'public' });
    await o.waitUntil(() => o.dispatches('MESSAGE_CREATE').length === 2);
    await m.next((f) => f.t === 'MESSAGE_CREATE');
    expect(m.dispatches('MESSAGE_CREATE').map((f) => f.d.content)).toEqual(['public']);
    const denied = await member.api.get(`/channels/${secret.id}/messages`);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe(50001);
    expect((await member.api.post(`/channels/${secret.id}/messages`, { content: 'x' })).status).toBe(403);

    // Opening the channel to the member takes effect for the live session at once: it appears (CHANNEL_CREATE), as on Discord.
    await owner.api.patch(`/channels/${secret.id}`, { permission_overwrites: [] });
    await m.next((f) => f.t === 'CHANNEL_CREATE' && f.d.id === secret.id);
    await owner.api.post(`/channels/${secret.id}/messages`, { content: 'now visible' });
    await m.next((f) => f.t === 'MESSAGE_CREATE' && f.d.content === 'now visible');
  });

  it('filters by intents, and redacts content for bots without MESSAGE_CONTENT unless mentioned', async () => {
    const owner = await newUser(server.base);
    const { guild, generalId } = await newGuild(owner.api);
    const app = (await owner.api.post('/applications', { name: 'Redact Bot' })).body;
    await owner.api.post(`/oauth2/authorize?client_id=${app.id}&scope=bot`, { guild_id: guild.id, permissions: '0', authorize: true });
    const bot = await identify(app.bot.token, I.Guilds | I.GuildMessages);
    const noMessages = await identify(owner.token, I.Guilds | I.GuildMessageTyping);
    const noTyping = await identify(owner.token, I.Guilds | I.GuildMessages);

    await owner.api.post(`/channels/${generalId}/typing`);
    await owner.api.post(`/channels/${generalId}/messages`, { content: 'secret plans' });
    await owner.api.post(`/channels/${generalId}/messages`, { content: `hey <@${app.bot.id}>` });
    await bot.waitUntil(() => bot.dispatches('MESSAGE_CREATE').length === 2);
    expect(bot.dispatches('MESSAGE_CREATE').map((f) => f.d.content)).toEqual(['', `hey <@${app.bot.id}>`]);
    expect(bot.dispatches('MESSAGE_CREATE')[0]!.d).toMatchObject({ embeds: [], attachments: [], components: [] });
    const typing = await noMessages.next((f) => f.t === 'TYPING_START');
    expect(typing.d).toMatchObject({ channel_id: generalId, guild_id: guild.id, user_id: owner.id, timestamp: expect.any(Number) });
    expect(typing.d.timestamp).toBeLessThan(Date.now() / 1000 + 1);
    await noTyping.waitUntil(() => noTyping.dispatches('MESSAGE_CREATE').length === 2);
    expect(noTyping.dispatches('TYPING_START')).toHaveLength(0);
    expect(noMessages.dispatches('MESSAGE_CREATE')).toHaveLength(0);
    expect(bot.dispatches('TYPING_START')).toHaveLength(0);
    // REST reads are redacted the same way for that bot.
    const botApi = new Api(server.base, `Bot ${app.bot.token}`);
    expect((await botApi.get(`/channels/${generalId}/messages`)).body.map((m: any) => m.content)).toEqual([`hey <@${app.bot.id}>`, '']);
  });

  it('joining through an invite: GUILD_CREATE to the joiner, GUILD_MEMBER_ADD to the others', async () => {
    const owner = await newUser(server.base);
    const { guild, generalId } = await newGuild(owner.api);
    const joiner = await newUser(server.base);
    const [o, j] = [await identify(owner.token), await identify(joiner.token)];
    const invite = (await owner.api.post(`/channels/${generalId}/invites`, { max_uses: 1 })).body;
    expect((await new Api(server.base).get(`/invites/${invite.code}`)).body).toMatchObject({ code: invite.code, guild: { id: guild.id } });
    expect((await joiner.api.post(`/invites/${invite.code}`)).status).toBe(200);
    const gc = await j.next((f) => f.t === 'GUILD_CREATE');
    expect(gc.d.id).toBe(guild.id);
    const add = await o.next((f) => f.t === 'GUILD_MEMBER_ADD');
    expect(add.d).toMatchObject({ guild_id: guild.id, user: { id: joiner.id } });
    expect(j.dispatches('GUILD_MEMBER_ADD')).toHaveLength(0);
    // max_uses 1: the invite is spent.
    const third = await newUser(server.base);
    expect((await third.api.post(`/invites/${invite.code}`)).body.code).toBe(10006);
    // Leaving: GUILD_DELETE to the leaver, GUILD_MEMBER_REMOVE to the others.
    expect((await joiner.api.delete(`/users/@me/guilds/${guild.id}`)).status).toBe(204);
    await j.next((f) => f.t === 'GUILD_DELETE' && f.d.id === guild.id);
    await o.next((f) => f.t === 'GUILD_MEMBER_REMOVE' && f.d.user.id === joiner.id);
  });

  it('edits and deletes are dispatched; only the author edits, MANAGE_MESSAGES deletes', async () => {
    const owner = await newUser(server.base);
    const { generalId } = await newGuild(owner.api);
    const member = await newUser(server.base);
    await join(owner.api, member.api, generalId);
    const t = await identify(owner.token);
    const msg = (await member.api.post(`/channels/${generalId}/messages`, { content: 'v1' })).body;
    const byOwner = await owner.api.patch(`/channels/${generalId}/messages/${msg.id}`, { content: 'hijack' });
    expect(byOwner.status).toBe(403);
    expect(byOwner.body.code).toBe(50005);
    const edited = await member.api.patch(`/channels/${generalId}/messages/${msg.id}`, { content: 'v2' });
    expect(edited.body).toMatchObject({ id: msg.id, content: 'v2', edited_timestamp: expect.any(String) });
    const upd = await t.next((f) => f.t === 'MESSAGE_UPDATE');
    expect(upd.d).toMatchObject({ id: msg.id, content: 'v2', guild_id: expect.any(String), author: { id: member.id } });
    const own = (await owner.api.post(`/channels/${generalId}/messages`, { content: 'mine' })).body;
    expect((await member.api.delete(`/channels/${generalId}/messages/${own.id}`)).body.code).toBe(50013);
    expect((await owner.api.delete(`/channels/${generalId}/messages/${msg.id}`)).status).toBe(204);
    const del = await t.next((f) => f.t === 'MESSAGE_DELETE');
    expect(del.d).toEqual({ id: msg.id, channel_id: generalId, guild_id: expect.any(String) });
    expect((await owner.api.get(`/channels/${generalId}/messages/${msg.id}`)).body.code).toBe(10008);
  });
});

describe('nonces and the send extension', () => {
  it('a retried REST send with the same nonce returns the first message and dispatches once', async () => {
    const owner = await newUser(server.base);
    const { generalId } = await newGuild(owner.api);
    const t = await identify(owner.token);
    const a = await owner.api.post(`/channels/${generalId}/messages`, { content: 'once', nonce: 'retry-1' });
    const b = await owner.api.post(`/channels/${generalId}/messages`, { content: 'once', nonce: 'retry-1' });
    expect(b.body.id).toBe(a.body.id);
    await owner.api.post(`/channels/${generalId}/messages`, { content: 'marker' });
    await t.next((f) => f.t === 'MESSAGE_CREATE' && f.d.content === 'marker');
    expect(t.dispatches('MESSAGE_CREATE').map((f) => f.d.content)).toEqual(['once', 'marker']);
    expect((await owner.api.get(`/channels/${generalId}/messages`)).body).toHaveLength(2);
  });

  it("bots follow Discord's rule: a nonce deduplicates only with enforce_nonce; people's nonces are per channel", async () => {
    const owner = await newUser(server.base);
    const { guild, generalId } = await newGuild(owner.api);
    const app = (await owner.api.post('/applications', { name: 'Nonce Bot' })).body;
    await owner.api.post(`/oauth2/authorize?client_id=${app.id}&scope=bot`, { guild_id: guild.id, permissions: '0', authorize: true });
    const bot = new Api(server.base, `Bot ${app.bot.token}`);
    const plain = [await bot.post(`/channels/${generalId}/messages`, { content: 'tick', nonce: '1' }), await bot.post(`/channels/${generalId}/messages`, { content: 'tick', nonce: '1' })];
    expect(plain[0]!.body.id).not.toBe(plain[1]!.body.id);
    expect(plain[1]!.body.nonce).toBe('1');
    const enforced = [
      await bot.post(`/channels/${generalId}/messages`, { content: 'once', nonce: 'e1', enforce_nonce: true }),
      await bot.post(`/channels/${generalId}/messages`, { content: 'once', nonce: 'e1', enforce_nonce: true }),
    ];
    expect(enforced[1]!.body.id).toBe(enforced[0]!.body.id);
    const other = (await owner.api.post(`/guilds/${guild.id}/channels`, { name: 'other' })).body;
    const a = await owner.api.post(`/channels/${generalId}/messages`, { content: 'here', nonce: 'p1' });
    const b = await owner.api.post(`/channels/${other.id}/messages`, { content: 'there', nonce: 'p1' });
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.channel_id).toBe(other.id);
  });

  it('op 100 stores the message and op 101 acknowledges it with the nonce; errors come back the same way', async () => {
    const owner = await newUser(server.base);
    const { generalId } = await newGuild(owner.api);
    const t = await identify(owner.token);
    t.send({ op: 100, d: { channel_id: generalId, nonce: 'gw-1', content: 'over the gateway' } });
    const ack = await t.next((f) => f.op === 101);
    expect(ack.d).toEqual({ nonce: 'gw-1', channel_id: generalId, id: expect.stringMatching(/^\d+$/) });
    const created = await t.next((f) => f.t === 'MESSAGE_CREATE');
    expect(created.d).toMatchObject({ id: ack.d.id, nonce: 'gw-1', content: 'over the gateway' });
    t.send({ op: 100, d: { channel_id: generalId, nonce: 'gw-1', content: 'over the gateway' } });
    const again = await t.next((f) => f.op === 101, { from: t.frames.indexOf(ack) + 1 });
    expect(again.d.id).toBe(ack.d.id);
    t.send({ op: 100, d: { channel_id: '1234567890123456789', nonce: 'gw-2', content: 'nowhere' } });
    const err = await t.next((f) => f.op === 101 && f.d.nonce === 'gw-2');
    expect(err.d).toEqual({ nonce: 'gw-2', channel_id: '1234567890123456789', error: { code: 10003, message: 'Unknown Channel', status: 404 } });
    expect((await owner.api.get(`/channels/${generalId}/messages`)).body).toHaveLength(1);
  });
});

describe('resume', () => {
  it('replays exactly the missed dispatches, then RESUMED, and sequence numbers continue', async () => {
    const owner = await newUser(server.base);
    const { generalId } = await newGuild(owner.api);
    const first = await identify(owner.token);
    const ready = first.dispatches('READY')[0]!;
    const seq = first.lastSeq()!;
    first.terminate();
    await first.closed;
    const missed: string[] = [];
    for (let i = 0; i < 5; i++) missed.push((await owner.api.post(`/channels/${generalId}/messages`, { content: `missed ${i}` })).body.id);

    const second = track(await GatewayTester.connect(ready.d.resume_gateway_url));
    second.send({ op: 6, d: { token: owner.token, session_id: ready.d.session_id, seq } });
    const resumed = await second.next((f) => f.t === 'RESUMED');
    const replayed = second.dispatches('MESSAGE_CREATE');
    expect(replayed.map((f) => f.d.id)).toEqual(missed);
    expect(replayed.map((f) => f.s)).toEqual([seq + 1, seq + 2, seq + 3, seq + 4, seq + 5]);
    expect(resumed.s).toBe(seq + 6);
    const live = (await owner.api.post(`/channels/${generalId}/messages`, { content: 'live' })).body;
    const after = await second.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === live.id);
    expect(after.s).toBe(seq + 7);

    // Resuming from an older point replays more, still exactly.
    second.terminate();
    await second.closed;
    const third = track(await GatewayTester.connect(server.gatewayUrl));
    third.send({ op: 6, d: { token: owner.token, session_id: ready.d.session_id, seq: seq + 2 } });
    await third.next((f) => f.t === 'RESUMED');
    expect(third.dispatches('MESSAGE_CREATE').map((f) => f.d.id)).toEqual([...missed.slice(2), live.id]);
  });

  it('forgets what a heartbeat confirmed: resuming from before it is op 9, from it replays the rest', async () => {
    const owner = await newUser(server.base);
    const { generalId } = await newGuild(owner.api);
    const t = await identify(owner.token);
    const ready = t.dispatches('READY')[0]!.d;
    for (let i = 0; i < 3; i++) await owner.api.post(`/channels/${generalId}/messages`, { content: `seen ${i}` });
    await t.waitUntil(() => t.dispatches('MESSAGE_CREATE').length === 3);
    const confirmed = t.lastSeq()!;
    t.send({ op: 1, d: confirmed });
    await t.next((f) => f.op === 11);
    t.terminate();
    await t.closed;
    const later = (await owner.api.post(`/channels/${generalId}/messages`, { content: 'later' })).body;
    const tooOld = track(await GatewayTester.connect(server.gatewayUrl));
    tooOld.send({ op: 6, d: { token: owner.token, session_id: ready.session_id, seq: confirmed - 1 } });
    expect((await tooOld.next((f) => f.op === 9 || f.t === 'RESUMED')).op).toBe(9);
    // That op 9 ended the session; a fresh one shows the confirmed point works while the session lives.
    const u = await identify(owner.token);
    const uReady = u.dispatches('READY')[0]!.d;
    u.send({ op: 1, d: u.lastSeq() });
    await u.next((f) => f.op === 11);
    u.terminate();
    await u.closed;
    await owner.api.post(`/channels/${generalId}/messages`, { content: 'after confirm' });
    const ok = track(await GatewayTester.connect(server.gatewayUrl));
    ok.send({ op: 6, d: { token: owner.token, session_id: uReady.session_id, seq: u.lastSeq() } });
    await ok.next((f) => f.t === 'RESUMED');
    expect(ok.dispatches('MESSAGE_CREATE').map((f) => f.d.content)).toEqual(['after confirm']);
    expect(later.content).toBe('later');
  });

  it('answers op 9 for unknown sessions, another user, sessions closed with 1000, and gaps beyond the buffer', async () => {
    const owner = await newUser(server.base);
    const other = await newUser(server.base);
    const { generalId } = await newGuild(owner.api);
    const tryResume = async (token: string, session_id: string, seq: number) => {
      const t = track(await GatewayTester.connect(server.gatewayUrl));
      t.send({ op: 6, d: { token, session_id, seq } });
      return (await t.next((f) => f.op === 9 || f.t === 'RESUMED')).op;
    };
    expect(await tryResume(owner.token, 'no-such-session', 1)).toBe(9);

    const a = await identify(owner.token);
    const aReady = a.dispatches('READY')[0]!.d;
    a.terminate();
    await a.closed;
    expect(await tryResume(other.token, aReady.session_id, 1)).toBe(9);

    const b = await identify(owner.token);
    const bReady = b.dispatches('READY')[0]!.d;
    b.close(1000);
    await b.closed;
    expect(await tryResume(owner.token, bReady.session_id, b.lastSeq()!)).toBe(9);

    const c = await identify(owner.token);
    const cReady = c.dispatches('READY')[0]!.d;
    const cSeq = c.lastSeq()!;
    c.terminate();
    await c.closed;
    for (let i = 0; i < 70; i++) await owner.api.post(`/channels/${generalId}/messages`, { content: `flood ${i}` });
    expect(await tryResume(owner.token, cReady.session_id, cSeq)).toBe(9);
  });
});

describe('history and rate limits', () => {
  it('pages newest-first with before, after and around, and validates the query', async () => {
    const owner = await newUser(server.base);
    const { generalId } = await newGuild(owner.api);
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) ids.push((await owner.api.post(`/channels/${generalId}/messages`, { content: `h${i}` })).body.id);
    const latest = (await owner.api.get(`/channels/${generalId}/messages`)).body;
    expect(latest.map((m: any) => m.id)).toEqual(ids.slice(70).reverse());
    const collected: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = (await owner.api.get(`/channels/${generalId}/messages?limit=100${before ? `&before=${before}` : ''}`)).body;
      collected.push(...page.map((m: any) => m.id));
      if (page.length < 100) break;
      before = page[page.length - 1].id;
    }
    expect(collected).toEqual([...ids].reverse());
    expect((await owner.api.get(`/channels/${generalId}/messages?limit=3&after=${ids[10]}`)).body.map((m: any) => m.id)).toEqual([ids[13], ids[12], ids[11]]);
    expect((await owner.api.get(`/channels/${generalId}/messages?limit=4&around=${ids[50]}`)).body.map((m: any) => m.id)).toEqual([ids[51], ids[50], ids[49], ids[48]]);
    for (const q of ['limit=0', 'limit=101', 'limit=abc', `before=x`, `before=${ids[1]}&after=${ids[2]}`]) {
      const res = await owner.api.get(`/channels/${generalId}/messages?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.code, q).toBe(50035);
    }
  });

  it("limits per route bucket with Discord's headers and 429 body", async () => {
    const strict = await startTestServer({ rateLimitScale: 1 });
    try {
      const owner = await newUser(strict.base);
      const { generalId } = await newGuild(owner.api);
      const results = [];
      for (let i = 0; i < 6; i++) results.push(await owner.api.post(`/channels/${generalId}/messages`, { content: `rl ${i}` }));
      expect(results.slice(0, 5).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(results[0]!.headers.get('x-ratelimit-limit')).toBe('5');
      expect(results[0]!.headers.get('x-ratelimit-remaining')).toBe('4');
      expect(results[0]!.headers.get('x-ratelimit-bucket')).toBe('messages.create');
      expect(Number(results[0]!.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(0);
      const limited = results[5]!;
      expect(limited.status).toBe(429);
      expect(limited.body).toEqual({ message: 'You are being rate limited.', retry_after: expect.any(Number), global: false, code: 0 });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      // The refused message was not stored.
      expect((await owner.api.get(`/channels/${generalId}/messages`)).body).toHaveLength(5);
    } finally {
      await strict.close();
    }
  });
});

describe('send extension limits', () => {
  it('op 100 shares the message bucket with REST and answers 429 with retry_after in the ack', async () => {
    const strict = await startTestServer({ rateLimitScale: 1 });
    try {
      const owner = await newUser(strict.base);
      const { generalId } = await newGuild(owner.api);
      const t = track(await GatewayTester.identify(strict.gatewayUrl, owner.token));
      await owner.api.post(`/channels/${generalId}/messages`, { content: 'rest 1' });
      for (let i = 0; i < 5; i++) t.send({ op: 100, d: { channel_id: generalId, nonce: `rl-${i}`, content: `gw ${i}` } });
      await t.waitUntil(() => t.frames.filter((f) => f.op === 101).length === 5);
      // Acks answer each send as it completes; a refusal needs no commit, so it may come first.
      const acks = t.frames.filter((f) => f.op === 101).map((f) => f.d);
      expect(acks.filter((a) => a.id).map((a) => a.nonce).sort()).toEqual(['rl-0', 'rl-1', 'rl-2', 'rl-3']);
      const refused = acks.find((a) => a.nonce === 'rl-4');
      expect(refused).toEqual({ nonce: 'rl-4', channel_id: generalId, error: { code: 0, message: 'You are being rate limited.', status: 429, retry_after: expect.any(Number) } });
      expect(refused.error.retry_after).toBeGreaterThan(0);
      expect((await owner.api.get(`/channels/${generalId}/messages`)).body).toHaveLength(5);
    } finally {
      await strict.close();
    }
  });
});

describe('shutdown', () => {
  it('sends op 7 to connected clients on graceful shutdown', async () => {
    const s = await startTestServer();
    const owner = await newUser(s.base);
    const t = track(await GatewayTester.identify(s.gatewayUrl, owner.token));
    const closing = s.close();
    await t.next((f) => f.op === 7);
    await closing;
    expect((await t.closed).code).toBe(4000);
  });
});

describe('presence', () => {
  it('online on first session, status changes with op 3, offline after the last session ends', async () => {
    const owner = await newUser(server.base);
    const friend = await newUser(server.base);
    const { generalId } = await newGuild(owner.api);
    await join(owner.api, friend.api, generalId);
    const watcher = await identify(owner.token);
    const f1 = await identify(friend.token, ALL, { presence: { status: 'dnd', activities: [], since: null, afk: false } });
    const online = await watcher.next((f) => f.t === 'PRESENCE_UPDATE' && f.d.user.id === friend.id);
    expect(online.d).toMatchObject({ status: 'dnd', guild_id: expect.any(String), activities: [] });
    // A later session sees who is online in its GUILD_CREATE.
    const late = await identify(owner.token);
    expect(late.dispatches('GUILD_CREATE')[0]!.d.presences).toContainEqual(expect.objectContaining({ user: { id: friend.id }, status: 'dnd' }));

    // Several sessions: the user shows the most present one (online, then dnd, then idle); invisible hides them all.
    const f2 = await identify(friend.token);
    await watcher.next((f) => f.t === 'PRESENCE_UPDATE' && f.d.user.id === friend.id && f.d.status === 'online');
    f2.send({ op: 3, d: { status: 'idle', since: null, activities: [], afk: true } });
    await watcher.next((f) => f.t === 'PRESENCE_UPDATE' && f.d.user.id === friend.id && f.d.status === 'dnd', { from: watcher.frames.length - 1 });
    f1.close(1000);
    await watcher.next((f) => f.t === 'PRESENCE_UPDATE' && f.d.user.id === friend.id && f.d.status === 'idle');
    f2.send({ op: 3, d: { status: 'invisible', since: null, activities: [], afk: false } });
    await watcher.next((f) => f.t === 'PRESENCE_UPDATE' && f.d.user.id === friend.id && f.d.status === 'offline');
    f2.send({ op: 3, d: { status: 'online', since: null, activities: [], afk: false } });
    await watcher.next((f) => f.t === 'PRESENCE_UPDATE' && f.d.user.id === friend.id && f.d.status === 'online', { from: watcher.frames.length - 1 });
    f2.close(1000);
    const updates = () => watcher.dispatches('PRESENCE_UPDATE').filter((f) => f.d.user.id === friend.id).map((f) => f.d.status);
    await watcher.waitUntil(() => updates().at(-1) === 'offline');
    expect(updates()).toEqual(['dnd', 'online', 'dnd', 'idle', 'offline', 'online', 'offline']);
  });
});

describe('presence on join', () => {
  it('someone already online who joins a guild shows up online there', async () => {
    const owner = await newUser(server.base);
    const { generalId } = await newGuild(owner.api);
    const watcher = await identify(owner.token);
    const newcomer = await newUser(server.base);
    await identify(newcomer.token);
    await join(owner.api, newcomer.api, generalId);
    const p = await watcher.next((f) => f.t === 'PRESENCE_UPDATE' && f.d.user.id === newcomer.id);
    expect(p.d.status).toBe('online');
  });
});
