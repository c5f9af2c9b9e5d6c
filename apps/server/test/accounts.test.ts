/** Accounts and bots over REST, and a table of bad inputs that must be refused without changing anything. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, newUser, startTestServer, type TestServer } from '../src/testing.js';

let server: TestServer;
let anon: Api;

beforeAll(async () => {
  server = await startTestServer({ bodyLimitBytes: 64 * 1024 });
  anon = new Api(server.base);
});
afterAll(() => server?.close());

const body = (name: string, extra: Record<string, unknown> = {}) => ({ email: `${name}@example.com`, username: name, password: 'correct horse battery', ...extra });

describe('accounts', () => {
  it('register, log in with the email, read and change yourself, log out', async () => {
    const reg = await anon.post('/auth/register', body('carol'));
    expect(reg.status).toBe(201);
    expect(reg.body).toEqual({ token: expect.any(String), user_id: expect.stringMatching(/^\d{17,19}$/) });
    expect(reg.headers.get('content-type')).toMatch(/^application\/json/);

    const login = await anon.post('/auth/login', { login: 'CAROL@example.com', password: 'correct horse battery' });
    expect(login.status).toBe(200);
    expect(login.body.user_id).toBe(reg.body.user_id);
    expect(login.body.token).not.toBe(reg.body.token);

    const me = await anon.as(login.body.token).get('/users/@me');
    expect(me.body).toMatchObject({ id: reg.body.user_id, username: 'carol', discriminator: '0', email: 'carol@example.com', bot: false });
    const other = await anon.as(reg.body.token).get(`/users/${reg.body.user_id}`);
    expect(other.body).toMatchObject({ id: reg.body.user_id, username: 'carol' });
    expect(other.body.email).toBeUndefined();

    const patched = await anon.as(login.body.token).patch('/users/@me', { global_name: 'Carol C.' });
    expect(patched.body.global_name).toBe('Carol C.');

    expect((await anon.as(login.body.token).post('/auth/logout')).status).toBe(204);
    expect((await anon.as(login.body.token).get('/users/@me')).status).toBe(401);
    // Other tokens of the same account stay valid.
    expect((await anon.as(reg.body.token).get('/users/@me')).status).toBe(200);
  });

  it('the API answers under /api/v10, /api/v9 and /api', async () => {
    const { token } = await newUser(server.base);
    for (const prefix of ['/api/v10', '/api/v9', '/api']) {
      expect((await new Api(server.base, token, prefix).get('/users/@me')).status).toBe(200);
    }
  });

  it('bot applications: the token works only as a Bot token; the owner cannot use it as their own', async () => {
    const owner = await newUser(server.base);
    const created = await owner.api.post('/applications', { name: 'Helper Bot' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), name: 'Helper Bot', bot: { bot: true, token: expect.any(String) } });
    const botToken = created.body.bot.token;
    const bot = new Api(server.base, `Bot ${botToken}`);
    expect((await bot.get('/users/@me')).body).toMatchObject({ id: created.body.bot.id, bot: true });
    expect((await bot.get('/applications/@me')).body).toMatchObject({ id: created.body.id, owner: { id: owner.id } });
    expect((await bot.get('/oauth2/applications/@me')).body.id).toBe(created.body.id);
    expect((await new Api(server.base, botToken).get('/users/@me')).status).toBe(401);
    expect((await new Api(server.base, `Bot ${owner.token}`).get('/users/@me')).status).toBe(401);
    const botMakesApp = await bot.post('/applications', { name: 'Nested' });
    expect(botMakesApp.status).toBe(403);
    expect(botMakesApp.body.code).toBe(20001);
    expect((await owner.api.get('/applications')).body.map((a: any) => a.id)).toEqual([created.body.id]);
  });

  it('serves gateway discovery', async () => {
    const { api } = await newUser(server.base);
    expect((await anon.get('/gateway')).body).toEqual({ url: expect.stringMatching(/^ws:\/\/.+\/gateway$/) });
    const bot = await api.get('/gateway/bot');
    expect(bot.body).toEqual({
      url: expect.stringMatching(/\/gateway$/),
      shards: 1,
      session_start_limit: { total: expect.any(Number), remaining: expect.any(Number), reset_after: expect.any(Number), max_concurrency: 1 },
    });
  });
});

describe('bad input changes nothing', () => {
  it('register: malformed JSON, wrong types, missing and oversize fields', async () => {
    type Case = [string, { body?: string; json?: unknown }, number, number, string[]?];
    const long = 'x'.repeat(33);
    const cases: Case[] = [
      ['malformed JSON', { body: '{"email": "dave@example.com", "username": ' }, 400, 50109],
      ['array body', { json: [body('dave')] }, 400, 50035],
      ['username a number', { json: body('dave', { username: 12345 }) }, 400, 50035, ['username', 'BASE_TYPE_INVALID']],
      ['missing password', { json: { email: 'dave@example.com', username: 'dave' } }, 400, 50035, ['password', 'BASE_TYPE_REQUIRED']],
      ['username too long', { json: body('dave', { username: long }) }, 400, 50035, ['username', 'BASE_TYPE_BAD_LENGTH']],
      ['username with spaces', { json: body('dave', { username: 'da ve' }) }, 400, 50035, ['username']],
      ['password too short', { json: body('dave', { password: 'short' }) }, 400, 50035, ['password', 'BASE_TYPE_BAD_LENGTH']],
      ['password too long', { json: body('dave', { password: 'p'.repeat(129) }) }, 400, 50035, ['password', 'BASE_TYPE_BAD_LENGTH']],
      ['not an email', { json: body('dave', { email: 'dave-at-example' }) }, 400, 50035, ['email', 'EMAIL_TYPE_INVALID_EMAIL']],
      ['oversize payload', { json: body('dave', { global_name: 'g'.repeat(100_000) }) }, 413, 40005],
    ];
    for (const [name, input, status, code, field] of cases) {
      const res = await anon.raw('POST', '/auth/register', {
        body: input.body ?? JSON.stringify(input.json),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status, name).toBe(status);
      expect(res.body.code, name).toBe(code);
      expect(res.headers.get('content-type'), name).toMatch(/^application\/json/);
      if (field) {
        expect(res.body.errors?.[field[0]!]?._errors?.length, name).toBeGreaterThan(0);
        if (field[1]) expect(res.body.errors[field[0]!]._errors[0].code, name).toBe(field[1]);
      }
    }
    // None of those created dave: the name and the email are still free.
    expect((await anon.post('/auth/login', { login: 'dave@example.com', password: 'correct horse battery' })).status).toBe(400);
    expect((await anon.post('/auth/register', body('dave'))).status).toBe(201);
  });

  it('register: duplicate email or username (in any case) is refused', async () => {
    await anon.post('/auth/register', body('erin'));
    const dupEmail = await anon.post('/auth/register', body('erin2', { email: 'ERIN@example.com' }));
    expect(dupEmail.status).toBe(400);
    expect(dupEmail.body.errors.email._errors[0].code).toBe('EMAIL_ALREADY_REGISTERED');
    const dupName = await anon.post('/auth/register', body('erin3', { username: 'Erin' }));
    expect(dupName.status).toBe(400);
    expect(dupName.body.errors.username._errors[0].code).toBe('USERNAME_ALREADY_TAKEN');
    // Neither attempt made an account.
    expect((await anon.post('/auth/login', { login: 'erin2@example.com', password: 'correct horse battery' })).status).toBe(400);
    expect((await anon.post('/auth/login', { login: 'erin3@example.com', password: 'correct horse battery' })).status).toBe(400);
  });

  it('login: wrong password and unknown account look the same', async () => {
    await anon.post('/auth/register', body('frank'));
    for (const attempt of [{ login: 'frank@example.com', password: 'wrong password' }, { login: 'nobody@example.com', password: 'whatever1' }]) {
      const res = await anon.post('/auth/login', attempt);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(50035);
      expect(res.body.errors.login._errors[0].code).toBe('INVALID_LOGIN');
    }
    const wrongType = await anon.post('/auth/login', { login: 42, password: true });
    expect(wrongType.status).toBe(400);
    expect(Object.keys(wrongType.body.errors).sort()).toEqual(['login', 'password']);
  });

  it('tokens: missing, garbage, revoked and oversize tokens are 401 with code 40001', async () => {
    const { token } = await newUser(server.base);
    await anon.as(token).post('/auth/logout');
    for (const header of [undefined, 'garbage', token, `Bot garbage`, 'x'.repeat(2000)]) {
      const res = await (header === undefined ? anon : anon.as(header)).get('/users/@me');
      expect(res.status, String(header).slice(0, 20)).toBe(401);
      expect(res.body).toEqual({ code: 40001, message: '401: Unauthorized' });
    }
  });

  it('PATCH /users/@me with bad values changes nothing', async () => {
    const a = await newUser(server.base);
    const b = await newUser(server.base);
    const before = (await a.api.get('/users/@me')).body;
    const cases: unknown[] = [{ username: b.username }, { username: 'no spaces allowed' }, { global_name: 'g'.repeat(33) }, { username: ['x'] }];
    for (const c of cases) {
      const res = await a.api.patch('/users/@me', c);
      expect(res.status, JSON.stringify(c)).toBe(400);
      expect(res.body.code).toBe(50035);
    }
    expect((await a.api.get('/users/@me')).body).toEqual(before);
  });

  it('unknown routes and ids answer JSON 404s', async () => {
    const { api } = await newUser(server.base);
    const route = await api.get('/no/such/route');
    expect(route.status).toBe(404);
    expect(route.body).toEqual({ code: 0, message: '404: Not Found' });
    expect(route.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await api.get('/users/1234567890123456789')).body.code).toBe(10013);
    expect((await api.get('/users/not-an-id')).body.code).toBe(10013);
    expect((await api.get('/users/99999999999999999999999')).status).toBe(404);
  });
});
