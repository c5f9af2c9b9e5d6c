/** Webhooks over REST and the gateway: management with MANAGE_WEBHOOKS, token routes, execute, its messages, limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, GatewayTester, join, newGuild, newUser, startTestServer, testPng, type TestGuild, type TestServer, type TestUser } from '../src/testing.js';

let server: TestServer;
let owner: TestUser;
let member: TestUser;
let guild: TestGuild;
let anon: Api;
beforeAll(async () => {
  server = await startTestServer();
  owner = await newUser(server.base);
  member = await newUser(server.base);
  guild = await newGuild(owner.api, 'hooks');
  await join(owner.api, member.api, guild.generalId);
  anon = new Api(server.base);
});
afterAll(() => server?.close());

describe('webhooks', () => {
  it('are managed with MANAGE_WEBHOOKS; the token is long, shown once and never stored in clear', async () => {
    expect((await member.api.post(`/channels/${guild.generalId}/webhooks`, { name: 'nope' })).body.code).toBe(50013);
    expect((await owner.api.post(`/channels/${guild.generalId}/webhooks`, { name: 'my discord hook' })).status).toBe(400);
    const live = await GatewayTester.identify(server.gatewayUrl, owner.token);
    try {
      const hook = await owner.api.ok.post(`/channels/${guild.generalId}/webhooks`, { name: 'CI' });
      expect(hook).toMatchObject({ type: 1, guild_id: guild.id, channel_id: guild.generalId, name: 'CI', avatar: null, application_id: null, user: { id: owner.id } });
      expect(hook.token).toMatch(/^[\w-]{68}$/);
      expect(hook.url).toBe(`${server.base}/api/webhooks/${hook.id}/${hook.token}`);
      const update = await live.next((f) => f.t === 'WEBHOOKS_UPDATE');
      expect(update.d).toEqual({ guild_id: guild.id, channel_id: guild.generalId });

      const listed = await owner.api.ok.get(`/channels/${guild.generalId}/webhooks`);
      expect(listed).toEqual([expect.objectContaining({ id: hook.id, name: 'CI' })]);
      expect(listed[0].token).toBeUndefined();
      expect((await owner.api.ok.get(`/guilds/${guild.id}/webhooks`)).map((w: any) => w.id)).toEqual([hook.id]);
      expect((await member.api.get(`/webhooks/${hook.id}`)).body.code).toBe(50013);
      expect(await owner.api.ok.get(`/webhooks/${hook.id}`)).toMatchObject({ id: hook.id, user: { id: owner.id } });

      const raw = await server.app.deps.webhooks.get(hook.id);
      expect(raw?.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(raw)).not.toContain(hook.token);

      // Token routes need no Authorization, and refuse a wrong token.
      const byToken = await anon.ok.get(`/webhooks/${hook.id}/${hook.token}`);
      expect(byToken).toMatchObject({ id: hook.id, name: 'CI' });
      expect(byToken.user).toBeUndefined();
      const forged = await anon.get(`/webhooks/${hook.id}/${'x'.repeat(68)}`);
      expect(forged).toMatchObject({ status: 401, body: { code: 50027 } });
      expect((await anon.get(`/webhooks/1/${hook.token}`)).body.code).toBe(10015);

      const renamed = await anon.ok.patch(`/webhooks/${hook.id}/${hook.token}`, { name: 'Builds' });
      expect(renamed.name).toBe('Builds');
      await live.next((f) => f.t === 'WEBHOOKS_UPDATE');
      const moved = await owner.api.ok.patch(`/webhooks/${hook.id}`, { name: 'Builds 2', avatar: null });
      expect(moved).toMatchObject({ name: 'Builds 2' });

      await owner.api.ok.delete(`/webhooks/${hook.id}`);
      expect((await anon.get(`/webhooks/${hook.id}/${hook.token}`)).body.code).toBe(10015);
      const gone = await owner.api.ok.post(`/channels/${guild.generalId}/webhooks`, { name: 'gone' });
      expect((await anon.req('DELETE', `/webhooks/${gone.id}/${gone.token}`)).status).toBe(204);
    } finally {
      live.close();
    }
  });

  it('execute: a message marked webhook_id, name and avatar overridable, wait=true answers it; edit and delete it', async () => {
    const hook = await owner.api.ok.post(`/channels/${guild.generalId}/webhooks`, { name: 'Deployer' });
    const live = await GatewayTester.identify(server.gatewayUrl, member.token);
    try {
      const none = await anon.post(`/webhooks/${hook.id}/${hook.token}`, { content: 'no wait' });
      expect(none.status).toBe(204);
      const created = await live.next((f) => f.t === 'MESSAGE_CREATE' && f.d.content === 'no wait');
      expect(created.d).toMatchObject({ webhook_id: hook.id, author: { id: hook.id, username: 'Deployer', bot: true }, guild_id: guild.id });
      expect(created.d.member).toBeUndefined();

      const sent = await anon.ok.post(`/webhooks/${hook.id}/${hook.token}?wait=true`, {
        content: 'deployed <@' + member.id + '>',
        username: 'Release Bot',
        avatar_url: 'https://example.com/a.png',
        embeds: [{ title: 'v1.2.3', color: 0x00ff00 }],
      });
      expect(sent).toMatchObject({ webhook_id: hook.id, author: { id: hook.id, username: 'Release Bot', avatar: 'https://example.com/a.png' }, embeds: [{ title: 'v1.2.3' }] });
      expect(sent.mentions.map((u: any) => u.id)).toEqual([member.id]);
      // History shows it the same way (the author is not a user).
      const history = await member.api.ok.get(`/channels/${guild.generalId}/messages?limit=1`);
      expect(history[0]).toMatchObject({ id: sent.id, webhook_id: hook.id, author: { username: 'Release Bot' } });

      expect(await anon.ok.get(`/webhooks/${hook.id}/${hook.token}/messages/${sent.id}`)).toMatchObject({ id: sent.id });
      const edited = await anon.ok.patch(`/webhooks/${hook.id}/${hook.token}/messages/${sent.id}`, { content: 'deployed (edited)' });
      expect(edited).toMatchObject({ content: 'deployed (edited)', author: { username: 'Release Bot' } });
      expect(edited.edited_timestamp).not.toBeNull();
      await live.next((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === sent.id);
      // Only its own messages.
      const person = await member.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'mine' });
      expect((await anon.patch(`/webhooks/${hook.id}/${hook.token}/messages/${person.id}`, { content: 'x' })).body.code).toBe(10008);
      expect((await anon.req('DELETE', `/webhooks/${hook.id}/${hook.token}/messages/${sent.id}`)).status).toBe(204);
      await live.next((f) => f.t === 'MESSAGE_DELETE' && f.d.id === sent.id);
      expect((await anon.post(`/webhooks/${hook.id}/${hook.token}`, {})).body.code).toBe(50006);
    } finally {
      live.close();
    }
  });

  it('thread_id posts in a thread of its channel (reopening an archived one); its messages are read, edited and deleted there', async () => {
    const hook = await owner.api.ok.post(`/channels/${guild.generalId}/webhooks`, { name: 'Threader' });
    const thread = await owner.api.ok.post(`/channels/${guild.generalId}/threads`, { name: 'builds', type: 11 });
    const sent = await anon.ok.post(`/webhooks/${hook.id}/${hook.token}?wait=true&thread_id=${thread.id}`, { content: 'build #1 green' });
    expect(sent).toMatchObject({ channel_id: thread.id, webhook_id: hook.id, content: 'build #1 green' });
    expect((await member.api.ok.get(`/channels/${thread.id}/messages?limit=1`))[0]).toMatchObject({ id: sent.id });
    // In the body too (multipart payloads carry it there), and the thread's messages are reached with it.
    const inBody = await anon.ok.post(`/webhooks/${hook.id}/${hook.token}?wait=true`, { content: 'build #2 green', thread_id: thread.id });
    expect(inBody.channel_id).toBe(thread.id);
    const q = `?thread_id=${thread.id}`;
    expect(await anon.ok.get(`/webhooks/${hook.id}/${hook.token}/messages/${sent.id}${q}`)).toMatchObject({ id: sent.id, channel_id: thread.id });
    expect((await anon.get(`/webhooks/${hook.id}/${hook.token}/messages/${sent.id}`)).body.code).toBe(10008);
    expect(await anon.ok.patch(`/webhooks/${hook.id}/${hook.token}/messages/${sent.id}${q}`, { content: 'build #1 red' })).toMatchObject({ content: 'build #1 red' });
    expect((await anon.req('DELETE', `/webhooks/${hook.id}/${hook.token}/messages/${inBody.id}${q}`)).status).toBe(204);

    // An archived thread is reopened by the send, as on Discord.
    await owner.api.ok.patch(`/channels/${thread.id}`, { archived: true });
    await anon.ok.post(`/webhooks/${hook.id}/${hook.token}?wait=true&thread_id=${thread.id}`, { content: 'build #3 green' });
    expect((await owner.api.ok.get(`/channels/${thread.id}`)).thread_metadata.archived).toBe(false);

    // Only threads of the webhook's own channel.
    const other = await owner.api.ok.post(`/guilds/${guild.id}/channels`, { name: 'other', type: 0 });
    const elsewhere = await owner.api.ok.post(`/channels/${other.id}/threads`, { name: 'not yours', type: 11 });
    expect((await anon.post(`/webhooks/${hook.id}/${hook.token}?thread_id=${elsewhere.id}`, { content: 'x' })).body.code).toBe(10003);
    expect((await anon.post(`/webhooks/${hook.id}/${hook.token}?thread_id=${guild.generalId}`, { content: 'x' })).body.code).toBe(10003);
    expect((await anon.post(`/webhooks/${hook.id}/${hook.token}?thread_id=nope`, { content: 'x' })).body.code).toBe(10003);
  });

  it('avatars are image data, stored under their hash and served at /avatars/<webhook id>/; its messages carry it', async () => {
    const png = `data:image/png;base64,${testPng(64, 64).toString('base64')}`;
    const hook = await owner.api.ok.post(`/channels/${guild.generalId}/webhooks`, { name: 'Pictured', avatar: png });
    expect(hook.avatar).toMatch(/^[0-9a-f]{32}$/);
    const served = await fetch(`${server.base}/avatars/${hook.id}/${hook.avatar}.png?size=64`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    const sent = await anon.ok.post(`/webhooks/${hook.id}/${hook.token}?wait=true`, { content: 'with a face' });
    expect(sent.author).toMatchObject({ id: hook.id, avatar: hook.avatar });
    expect((await owner.api.patch(`/webhooks/${hook.id}`, { avatar: 'not an image' })).body.errors.avatar._errors[0].code).toBe('IMAGE_INVALID');
    expect((await owner.api.ok.patch(`/webhooks/${hook.id}`, { avatar: null })).avatar).toBeNull();
    await owner.api.ok.delete(`/webhooks/${hook.id}`);
  });

  it('/slack and /github take those services\' payloads as Discord does', async () => {
    const hook = await owner.api.ok.post(`/channels/${guild.generalId}/webhooks`, { name: 'Compat' });
    const slack = await anon.ok.post(`/webhooks/${hook.id}/${hook.token}/slack?wait=true`, {
      text: 'Deploy *done*, see <https://ci.example.com/42|build 42>',
      username: 'Slacker',
      icon_url: 'https://example.com/s.png',
      attachments: [{ color: 'good', title: 'v1.2', title_link: 'https://example.com/v1.2', text: 'All green', fields: [{ title: 'Env', value: 'prod', short: true }], footer: 'CI', ts: 1700000000 }],
    });
    expect(slack).toMatchObject({
      webhook_id: hook.id,
      content: 'Deploy **done**, see [build 42](https://ci.example.com/42)',
      author: { username: 'Slacker', avatar: 'https://example.com/s.png' },
      embeds: [{ title: 'v1.2', url: 'https://example.com/v1.2', description: 'All green', color: 0x2eb886, fields: [{ name: 'Env', value: 'prod', inline: true }], footer: { text: 'CI' }, timestamp: new Date(1700000000_000).toISOString() }],
    });

    // Another webhook: each takes 5 executes per 2 s.
    const gh = await owner.api.ok.post(`/channels/${guild.generalId}/webhooks`, { name: 'Compat GitHub' });
    const github = (event: string, body: unknown) =>
      anon.raw('POST', `/webhooks/${gh.id}/${gh.token}/github?wait=true`, { body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'x-github-event': event } });
    const sender = { login: 'octocat', avatar_url: 'https://example.com/o.png', html_url: 'https://github.com/octocat' };
    const repository = { name: 'hello', full_name: 'octo/hello', html_url: 'https://github.com/octo/hello' };
    // GitHub's first delivery is a ping: taken, nothing posted.
    const before = (await owner.api.ok.get(`/channels/${guild.generalId}/messages?limit=1`))[0].id;
    expect((await github('ping', { zen: 'Keep it logically awesome.', hook_id: 1, sender, repository })).status).toBe(204);
    expect((await owner.api.ok.get(`/channels/${guild.generalId}/messages?limit=1`))[0].id).toBe(before);
    const push = await github('push', {
      ref: 'refs/heads/main',
      compare: 'https://github.com/octo/hello/compare/a...b',
      commits: [{ id: 'abcdef1234567', message: 'Fix the thing\n\nlong body', url: 'https://github.com/octo/hello/commit/abcdef1', author: { name: 'Octo Cat', username: 'octocat' } }],
      sender,
      repository,
    });
    expect(push.status).toBe(200);
    expect(push.body).toMatchObject({
      author: { username: 'GitHub' },
      embeds: [{ title: '[octo/hello:main] 1 new commit', url: 'https://github.com/octo/hello/compare/a...b', author: { name: 'octocat' }, description: '[`abcdef1`](https://github.com/octo/hello/commit/abcdef1) Fix the thing - octocat' }],
    });
    const pr = await github('pull_request', { action: 'closed', pull_request: { number: 7, title: 'Add tests', html_url: 'https://github.com/octo/hello/pull/7', merged: true }, sender, repository });
    expect(pr.body.embeds[0].title).toBe('[octo/hello] Pull request merged: #7 Add tests');
    const issue = await github('issues', { action: 'opened', issue: { number: 3, title: 'Broken', html_url: 'https://github.com/octo/hello/issues/3', body: 'It broke.' }, sender, repository });
    expect(issue.body.embeds[0]).toMatchObject({ title: '[octo/hello] Issue opened: #3 Broken', description: 'It broke.' });
    // A wrong token is refused before anything else.
    expect((await anon.raw('POST', `/webhooks/${hook.id}/${'x'.repeat(68)}/github`, { body: '{}', headers: { 'content-type': 'application/json', 'x-github-event': 'ping' } })).body.code).toBe(50027);
  });

  it('has Discord’s limits: 15 per channel, 5 executes per 2 s per webhook', async () => {
    const srv = await startTestServer({ rateLimitScale: 1 });
    try {
      const o = await newUser(srv.base);
      const g = await newGuild(o.api);
      const hooks = [];
      for (let i = 0; i < 15; i++) hooks.push(await o.api.ok.post(`/channels/${g.generalId}/webhooks`, { name: `h${i}` }));
      expect((await o.api.post(`/channels/${g.generalId}/webhooks`, { name: 'sixteen' })).body.code).toBe(30007);
      const a = new Api(srv.base);
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await a.post(`/webhooks/${hooks[0].id}/${hooks[0].token}`, { content: `m${i}` })).status);
      expect(statuses).toEqual([204, 204, 204, 204, 204, 429]);
      // Another webhook has its own window.
      expect((await a.post(`/webhooks/${hooks[1].id}/${hooks[1].token}`, { content: 'other' })).status).toBe(204);
    } finally {
      await srv.close();
    }
  });
});
