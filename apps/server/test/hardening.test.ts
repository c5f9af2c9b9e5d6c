/**
 * Abuse resistance: one client cannot stall the others with a body built to be expensive, pick its own address
 * by header, guess passwords from many addresses, read content it has no intent for, or hold a socket open
 * without identifying; text is stored as sent or refused.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_IMAGE_DATA_URI } from '@concord/protocol';
import { Api, GatewayTester, addBot, join, newBot, newGuild, newUser, startTestServer, type TestServer, type TestUser } from '../src/testing.js';
import { jsonShapeProblem } from '../src/lib/json.js';
import { appPolicy } from '../src/http/security.js';

const json = { 'content-type': 'application/json' };

describe('request bodies', () => {
  let srv: TestServer;
  let owner: TestUser;
  let generalId: string;
  beforeAll(async () => {
    srv = await startTestServer();
    owner = await newUser(srv.base);
    generalId = (await newGuild(owner.api)).generalId;
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('a bystander is answered while attackers send the worst bodies; the attackers are refused before parsing', async () => {
    const anon = new Api(srv.base);
    // A megabyte of tiny values, to a route that takes a few KB.
    const megabyte = `{"pad":[${'{},'.repeat(350_000)}{}]}`;
    // The same shape within the small limit, and within the large one (a message route).
    const small = `{"login":"a@b.c","password":"x","pad":[${'{},'.repeat(5_000)}{}]}`;
    const manyValues = `{"content":"x","pad":[${'0,'.repeat(200_000)}0]}`;
    const attacks = [
      ...Array.from({ length: 4 }, () => anon.raw('POST', '/auth/login', { body: megabyte, headers: json })),
      ...Array.from({ length: 4 }, () => owner.api.raw('POST', `/channels/${generalId}/messages`, { body: manyValues, headers: json })),
      anon.raw('POST', '/auth/login', { body: small, headers: json }),
    ];
    const bystander = await owner.api.post(`/channels/${generalId}/messages`, { content: 'still here' });
    expect(bystander.status).toBe(200);
    const answers = await Promise.all(attacks);
    expect(answers.slice(0, 4).map((r) => r.status)).toEqual([413, 413, 413, 413]);
    for (const r of answers.slice(4, 8)) {
      expect(r.status).toBe(400);
      expect(r.body.code).toBe(50035);
    }
    // Small enough to parse: refused by the schema, as any bad login.
    expect(answers[8]!.status).toBe(400);
  });

  it('refuses deep nesting before building it, and bounds every array and image', async () => {
    const deep = `{"login":${'['.repeat(40)}${']'.repeat(40)},"password":"x"}`;
    const res = await new Api(srv.base).raw('POST', '/auth/login', { body: deep, headers: json });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(50035);

    const send = (body: unknown) => owner.api.post(`/channels/${generalId}/messages`, body);
    expect((await send({ content: 'x', components: Array.from({ length: 6 }, () => ({ type: 1, components: [] })) })).status).toBe(400);
    expect((await send({ content: 'x', attachments: Array.from({ length: 11 }, (_, i) => ({ id: String(i) })) })).status).toBe(400);
    expect((await send({ content: 'x', allowed_mentions: { parse: ['users', 'users', 'users', 'users'] } })).status).toBe(400);

    const icon = 'data:image/png;base64,' + 'A'.repeat(MAX_IMAGE_DATA_URI);
    const big = await owner.api.post('/guilds', { name: 'Big icon', icon });
    expect(big.status).toBe(400);
    expect(big.body.errors.icon).toBeDefined();
    // A route that takes a few KB refuses more at once.
    const long = await owner.api.post(`/channels/${generalId}/invites`, { max_age: 0, pad: 'y'.repeat(20_000) });
    expect(long.status).toBe(413);
  });

  it('counts depth and values on the text, ignoring brackets and commas inside strings', () => {
    expect(jsonShapeProblem('{"a":"[[[[,,,,"}', { maxDepth: 2, maxValues: 3 })).toBeUndefined();
    expect(jsonShapeProblem('[[[]]]', { maxDepth: 2, maxValues: 100 })).toBe('depth');
    expect(jsonShapeProblem('[1,2,3,4]', { maxDepth: 2, maxValues: 3 })).toBe('values');
    expect(jsonShapeProblem('{"a":"\\"[[["}', { maxDepth: 1, maxValues: 10 })).toBeUndefined();
  });

  it('lone UTF-16 surrogates are refused in bodies, queries and gateway frames; pairs are kept', async () => {
    const lone = await owner.api.raw('POST', `/channels/${generalId}/messages`, { body: '{"content":"a\\ud800b"}', headers: json });
    expect(lone.status).toBe(400);
    expect(lone.body.code).toBe(50035);
    expect((await owner.api.raw('PATCH', '/users/@me', { body: '{"global_name":"\\udc00"}', headers: json })).status).toBe(400);
    const pair = await owner.api.raw('POST', `/channels/${generalId}/messages`, { body: '{"content":"a\\ud83d\\ude00b"}', headers: json });
    expect(pair.status).toBe(200);
    expect(pair.body.content).toBe('a\u{1F600}b');

    const t = await GatewayTester.identify(srv.gatewayUrl, owner.token);
    t.ws.send('{"op":100,"d":{"channel_id":"' + generalId + '","nonce":"n1","content":"\\ud800"}}');
    expect((await t.closed).code).toBe(4002);
  });
});

describe('client addresses and logins', () => {
  let srv: TestServer;
  afterAll(async () => {
    await srv?.close();
  });

  it('X-Forwarded-For is ignored unless TRUST_PROXY names the proxy, so it cannot reset per-address limits', async () => {
    srv = await startTestServer({ rateLimitScale: 1 });
    const anon = new Api(srv.base);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const r = await anon.raw('POST', '/auth/login', {
        body: JSON.stringify({ login: `nobody${i}@example.test`, password: 'wrong password' }),
        headers: { ...json, 'x-forwarded-for': `10.0.0.${i}` },
      });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    expect(statuses[10]).toBe(429);
    await srv.close();
  });

  it('logins are limited per account across addresses, for the rest of a short window rather than a lockout', async () => {
    srv = await startTestServer({ rateLimitScale: 1, trustProxy: 'loopback' });
    const user = await newUser(srv.base);
    const anon = new Api(srv.base);
    const attempt = (ip: string, password: string) =>
      anon.raw('POST', '/auth/login', { body: JSON.stringify({ login: user.email, password }), headers: { ...json, 'x-forwarded-for': ip } });
    for (let i = 0; i < 10; i++) expect((await attempt(`10.1.0.${i}`, 'wrong password')).status).toBe(400);
    const limited = await attempt('10.2.0.1', user.password);
    expect(limited.status).toBe(429);
    // The wait is the window's rest (a minute at most), not a lockout.
    expect(limited.body.retry_after).toBeGreaterThan(0);
    expect(limited.body.retry_after).toBeLessThanOrEqual(60);
    // Another account from the same addresses is unaffected: the per-address limit came from the trusted header.
    const other = await newUser(srv.base);
    const ok = await anon.raw('POST', '/auth/login', { body: JSON.stringify({ login: other.email, password: other.password }), headers: { ...json, 'x-forwarded-for': '10.3.0.1' } });
    expect(ok.status).toBe(200);
  });

  it('an unknown email costs a password verification like a known one', async () => {
    const spy = vi.spyOn(argon2, 'verify');
    try {
      const r = await new Api(srv.base).post('/auth/login', { login: 'nobody-at-all@example.test', password: 'whatever it is' });
      expect(r.status).toBe(400);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('rejects a TRUST_PROXY that names no address', async () => {
    await expect(startTestServer({ trustProxy: 'my-proxy' })).rejects.toThrow(/trustProxy/);
  });
});

describe('content, discovery and idle sockets', () => {
  let srv: TestServer;
  beforeAll(async () => {
    const webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-web-'));
    fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Concord</title>');
    srv = await startTestServer({ identifyTimeoutMs: 1000, publicUrl: 'https://chat.example.test', webDir });
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('a bot without MESSAGE_CONTENT sees no content of the message a reply embeds, over REST and the gateway', async () => {
    const owner = await newUser(srv.base);
    const member = await newUser(srv.base);
    const g = await newGuild(owner.api);
    await join(owner.api, member.api, g.generalId);
    const bot = await newBot(owner.api);
    await addBot(owner.api, g.guild.id, bot);
    const t = await GatewayTester.identify(srv.gatewayUrl, bot.token, 1 | (1 << 9));

    const secret = await member.api.ok.post(`/channels/${g.generalId}/messages`, { content: 'the secret' });
    const reply = await owner.api.ok.post(`/channels/${g.generalId}/messages`, {
      content: `<@${bot.userId}> look`,
      message_reference: { message_id: secret.id },
    });
    const viaRest = await bot.api.ok.get(`/channels/${g.generalId}/messages/${reply.id}`);
    expect(viaRest.content).toBe(`<@${bot.userId}> look`);
    expect(viaRest.referenced_message.id).toBe(secret.id);
    expect(viaRest.referenced_message.content).toBe('');
    const history = await bot.api.ok.get(`/channels/${g.generalId}/messages?limit=10`);
    expect(history.find((m: any) => m.id === reply.id).referenced_message.content).toBe('');
    expect(history.find((m: any) => m.id === secret.id).content).toBe('');

    const created = await t.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === reply.id);
    expect(created.d.content).toBe(`<@${bot.userId}> look`);
    expect(created.d.referenced_message.content).toBe('');
    // Not mentioned: nothing of either message.
    const quiet = await owner.api.ok.post(`/channels/${g.generalId}/messages`, { content: 'no mention', message_reference: { message_id: secret.id } });
    const hidden = await t.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === quiet.id);
    expect(hidden.d.content).toBe('');
    expect(hidden.d.referenced_message.content).toBe('');
    t.close();
  });

  it('closes a socket that heartbeats but never identifies', async () => {
    const t = await GatewayTester.connect(srv.gatewayUrl);
    const beat = setInterval(() => t.send({ op: 1, d: null }), 200);
    try {
      const { code } = await t.closed;
      expect(code).toBe(4003);
    } finally {
      clearInterval(beat);
    }
  });

  it('GET /gateway answers the configured public URL whatever the Host header says', async () => {
    const port = new URL(srv.base).port;
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/api/v10/gateway', headers: { host: 'evil.example.test' } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(JSON.parse(body)).toEqual({ url: 'wss://chat.example.test/gateway' });
  });

  it('answers carry the security headers; HTML gets the app policy, JSON one that allows nothing', async () => {
    const res = await fetch(`${srv.base}/api/v10/gateway`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const page = await fetch(`${srv.base}/channels/@me`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(appPolicy('https://chat.example.test'));
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const policy = appPolicy('https://chat.example.test');
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("connect-src 'self' wss://chat.example.test");
    expect(policy).not.toContain('unsafe-eval');
  });
});
