/**
 * Races on PostgreSQL, split from robustness.test.ts so the fast target runs without a database server:
 * races need a database that really runs requests concurrently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayTester, createTestDatabase, join, newGuild, newUser, startTestServer, type TestDatabase, type TestServer, type TestUser } from '../src/testing.js';

/** Races need a database that really runs requests concurrently: PostgreSQL. */
describe('races (PostgreSQL)', () => {
  const pg = {} as { srv: TestServer; db: TestDatabase; owner: TestUser; member: TestUser; guildId: string; generalId: string };
  beforeAll(async () => {
    pg.db = await createTestDatabase();
    pg.srv = await startTestServer({ databaseUrl: pg.db.url });
    pg.owner = await newUser(pg.srv.base);
    pg.member = await newUser(pg.srv.base);
    const g = await newGuild(pg.owner.api);
    pg.guildId = g.guild.id;
    pg.generalId = g.generalId;
    await join(pg.owner.api, pg.member.api, g.generalId);
  });
  afterAll(async () => {
    await pg.srv?.close();
    await pg.db?.drop();
  });

  it('two concurrent deletes of a channel: one succeeds, the other is 404, and one CHANNEL_DELETE is sent', async () => {
    const ch = await pg.owner.api.post(`/guilds/${pg.guildId}/channels`, { name: 'doomed' });
    const gw = await GatewayTester.identify(pg.srv.gatewayUrl, pg.member.token, 1);
    try {
      const from = gw.frames.length;
      const results = await Promise.all([pg.owner.api.delete(`/channels/${ch.body.id}`), pg.owner.api.delete(`/channels/${ch.body.id}`)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 404]);
      expect(results.find((r) => r.status === 404)!.body.code).toBe(10003);
      // A later event on the same guild marks the end of what the deletes published.
      const marker = await pg.owner.api.post(`/guilds/${pg.guildId}/channels`, { name: 'marker' });
      await gw.next((f) => f.t === 'CHANNEL_CREATE' && f.d.id === marker.body.id, { from });
      expect(gw.frames.slice(from).filter((f) => f.t === 'CHANNEL_DELETE' && f.d.id === ch.body.id)).toHaveLength(1);
    } finally {
      gw.close();
    }
  });

  it('two concurrent deletes of an invite or a guild: one succeeds, the other is 404', async () => {
    const inv = await pg.owner.api.post(`/channels/${pg.generalId}/invites`, {});
    const invites = await Promise.all([pg.owner.api.delete(`/invites/${inv.body.code}`), pg.owner.api.delete(`/invites/${inv.body.code}`)]);
    expect(invites.map((r) => r.status).sort()).toEqual([200, 404]);
    expect(invites.find((r) => r.status === 404)!.body.code).toBe(10006);
    const { guild } = await newGuild(pg.owner.api, 'Doomed');
    const guilds = await Promise.all([pg.owner.api.delete(`/guilds/${guild.id}`), pg.owner.api.delete(`/guilds/${guild.id}`)]);
    expect(guilds.map((r) => r.status).sort()).toEqual([204, 404]);
    expect(guilds.find((r) => r.status === 404)!.body.code).toBe(10004);
  });

  it('an edit racing a delete of the same channel: 200 or 404, never 500', async () => {
    for (let i = 0; i < 8; i++) {
      const ch = await pg.owner.api.post(`/guilds/${pg.guildId}/channels`, { name: `race-${i}` });
      const [patch, del] = await Promise.all([
        pg.owner.api.patch(`/channels/${ch.body.id}`, { permission_overwrites: [{ id: pg.guildId, type: 0, deny: '1024' }] }),
        pg.owner.api.delete(`/channels/${ch.body.id}`),
      ]);
      expect(del.status).toBe(200);
      expect([200, 404], JSON.stringify(patch.body)).toContain(patch.status);
      if (patch.status === 404) expect(patch.body.code).toBe(10003);
    }
    const channels = await pg.owner.api.get(`/guilds/${pg.guildId}/channels`);
    expect(channels.body.filter((c: any) => c.name.startsWith('race-'))).toEqual([]);
  });

  it('NUL characters (which PostgreSQL text cannot hold) are refused as bad input, in bodies, paths, queries and gateway frames', async () => {
    const { owner: o, generalId: ch } = pg;
    const body = await o.api.post(`/channels/${ch}/messages`, { content: 'a\u0000b' });
    expect(body.status).toBe(400);
    expect(body.body.errors.content._errors[0].code).toBe('BASE_TYPE_INVALID');
    const nested = await o.api.post(`/channels/${ch}/messages`, { content: 'ok', embeds: [{ fields: [{ name: 'n', value: '\u0000' }] }] });
    expect(nested.status).toBe(400);
    expect(nested.body.errors.embeds['0'].fields['0'].value._errors).toBeDefined();
    for (const res of [await o.api.post('/guilds', { name: 'a\u0000b' }), await o.api.patch(`/channels/${ch}`, { topic: '\u0000' }), await o.api.post('/auth/login', { login: 'a\u0000@b.c', password: 'xxxxxxxx' })]) {
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(50035);
    }
    for (const res of [await o.api.get('/invites/a%00b'), await o.api.post('/invites/a%00b')]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe(10006);
    }
    const msg = await o.api.post(`/channels/${ch}/messages`, { content: 'react' });
    const q = await o.api.get(`/channels/${ch}/messages/${msg.body.id}/reactions/%F0%9F%91%8D?after=1%00`);
    expect(q.status).toBe(400);
    expect((await o.api.get(`/channels/${ch}`)).body.topic).toBeNull();

    const t = await GatewayTester.identify(pg.srv.gatewayUrl, o.token, 1 | 512);
    t.send({ op: 100, d: { channel_id: ch, nonce: 'nul', content: 'a\u0000b' } });
    expect((await Promise.race([t.closed, new Promise<{ code: number }>((_, no) => setTimeout(() => no(new Error('socket stayed open')), 5000))])).code).toBe(4002);
  });

  it('@me stands only for a user: as a guild, channel or message id it is unknown (was a 500 on PostgreSQL)', async () => {
    const { owner: o, generalId: ch, guildId: g } = pg;
    const cases: [string, string, number][] = [
      ['GET', '/channels/@me', 10003],
      ['POST', '/channels/@me/messages', 10003],
      ['GET', '/guilds/@me', 10004],
      ['GET', '/guilds/@me/channels', 10004],
      ['DELETE', '/users/@me/guilds/@me', 10004],
      ['GET', `/channels/${ch}/messages/@me`, 10008],
      ['PUT', `/channels/${ch}/messages/@me/reactions/%F0%9F%91%8D/@me`, 10008],
    ];
    for (const [method, route, code] of cases) {
      const res = await o.api.req(method, route, method === 'POST' ? { content: 'x' } : undefined);
      expect([res.status, res.body.code], `${method} ${route}`).toEqual([404, code]);
    }
    const me = await o.api.get(`/guilds/${g}/members/@me`);
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(o.id);
  });

  it('a channel position too large for the database is a 400, not a 500', async () => {
    for (const position of [2 ** 31, 2 ** 40, 1e15]) {
      const created = await pg.owner.api.post(`/guilds/${pg.guildId}/channels`, { name: 'far-away', position });
      expect(created.status, String(position)).toBe(400);
      expect(created.body.errors.position._errors[0].code).toBe('BASE_TYPE_BAD_LENGTH');
      const moved = await pg.owner.api.patch(`/channels/${pg.generalId}`, { position });
      expect(moved.status).toBe(400);
    }
    expect((await pg.owner.api.get(`/channels/${pg.generalId}`)).body.position).toBe(0);
  });

  it('one person accepting an invite twice at once joins once, is told so twice, and uses it once', async () => {
    for (const maxUses of [1, 2]) {
      const joiner = await newUser(pg.srv.base);
      const inv = await pg.owner.api.post(`/channels/${pg.generalId}/invites`, { max_uses: maxUses });
      const both = await Promise.all([joiner.api.post(`/invites/${inv.body.code}`), joiner.api.post(`/invites/${inv.body.code}`)]);
      expect(both.map((r) => r.status), JSON.stringify(both.map((r) => r.body))).toEqual([200, 200]);
      expect(both.map((r) => r.body.new_member).sort()).toEqual([false, true]);
      expect((await joiner.api.get(`/guilds/${pg.guildId}/members/@me`)).status).toBe(200);
      const listed = (await pg.owner.api.get(`/guilds/${pg.guildId}/invites`)).body.find((i: any) => i.code === inv.body.code);
      // A one-use invite is used up (and no longer listed); a two-use one has one use left.
      expect(listed?.uses).toBe(maxUses === 1 ? undefined : 1);
    }
  });

  it('applications of one name created at once all succeed, with distinct bot usernames (was a 500)', async () => {
    const created = await Promise.all(Array.from({ length: 4 }, () => pg.owner.api.post('/applications', { name: 'Twin Bot' })));
    expect(created.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(created.map((r) => r.body.bot.username)).size).toBe(4);
  });

  it('a socket that drops while its Resume is being checked leaves the session to expire, not attached to a dead socket', async () => {
    const srv2 = await startTestServer({ databaseUrl: pg.db.url, resumeTimeoutMs: 1000, heartbeatIntervalMs: 1000 });
    try {
      const sessions = async () => ((await (await fetch(`${srv2.base}/health`)).json()) as { sessions: number }).sessions;
      for (let i = 0; i < 3; i++) {
        const a = await GatewayTester.identify(srv2.gatewayUrl, pg.owner.token, 1);
        const sessionId = a.frames.find((f) => f.t === 'READY')!.d.session_id;
        a.terminate();
        const b = await GatewayTester.connect(srv2.gatewayUrl);
        b.send({ op: 6, d: { token: pg.owner.token, session_id: sessionId, seq: 1 } });
        b.terminate();
      }
      // Detached sessions expire after RESUME_TIMEOUT_MS; one attached to a dead socket never did.
      for (let tries = 0; (await sessions()) > 0; tries++) {
        if (tries > 100) throw new Error(`sessions never expired: ${await sessions()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await srv2.close();
    }
  });
});
