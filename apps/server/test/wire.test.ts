/**
 * Wire fidelity for strict libraries (discord.py, and others in other languages): the exact JSON content type,
 * ids and bits as JSON numbers (big ones included), `null` for absent optional fields, body-less POST/PUT with
 * any content type, literal route segments never taken for ids, and the fields libraries read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonLossless } from '../src/lib/json.js';
import { addBot, join, newBot, newGuild, newUser, startTestServer, type TestGuild, type TestServer, type TestUser } from '../src/testing.js';

let server: TestServer;
let owner: TestUser;
let guild: TestGuild;
beforeAll(async () => {
  server = await startTestServer();
  owner = await newUser(server.base);
  guild = await newGuild(owner.api, 'wire');
});
afterAll(() => server?.close());

describe('lossless JSON', () => {
  it('quotes integers of 16 digits or more, outside strings only', () => {
    expect(parseJsonLossless('{"a":1234567890123456789,"b":12,"c":"9999999999999999999","d":[-12345678901234567],"e":1.5e300}')).toEqual({
      a: '1234567890123456789',
      b: 12,
      c: '9999999999999999999',
      d: ['-12345678901234567'],
      e: 1.5e300,
    });
    expect(parseJsonLossless('{"s":"a\\"1234567890123456789\\"","n":1234567890123456.5}')).toEqual({ s: 'a"1234567890123456789"', n: 1234567890123456.5 });
  });
});

describe('wire fidelity', () => {
  it('answers with Content-Type exactly application/json, errors included', async () => {
    const ok = await owner.api.get('/users/@me');
    expect(ok.headers.get('content-type')).toBe('application/json');
    const missing = await owner.api.get('/channels/1/messages');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json');
  });

  it('takes body-less POST/PUT with any content type, and refuses a non-JSON body', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream']) {
      const typing = await owner.api.raw('POST', `/channels/${guild.generalId}/typing`, { headers: { 'content-type': type } });
      expect(typing.status, type).toBe(204);
    }
    const m = await owner.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'react' });
    const put = await owner.api.raw('PUT', `/channels/${guild.generalId}/messages/${m.id}/reactions/${encodeURIComponent('👍')}/@me`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(put.status).toBe(204);
    const bad = await owner.api.raw('POST', `/channels/${guild.generalId}/messages`, { body: 'content=hi', headers: { 'content-type': 'text/plain' } });
    expect(bad.status).toBe(415);
  });

  it('takes snowflakes as JSON numbers, exactly, and null for absent optional fields', async () => {
    const first = await owner.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'first' });
    // Written by hand: JSON.stringify could not carry a 19-digit number.
    const body = `{"content":"reply","message_reference":{"message_id":${first.id},"channel_id":${guild.generalId},"guild_id":${guild.id},"fail_if_not_exists":null},"embeds":null,"components":null,"nonce":null,"tts":null,"sticker_ids":null,"attachments":null,"flags":null,"allowed_mentions":null}`;
    const reply = await owner.api.raw('POST', `/channels/${guild.generalId}/messages`, { body, headers: { 'content-type': 'application/json' } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({ type: 19, message_reference: { message_id: first.id }, referenced_message: { id: first.id } });
    const member = await newUser(server.base);
    await join(owner.api, member.api, guild.generalId);
    // Permission bits as numbers, too.
    const ch = await owner.api.raw('POST', `/guilds/${guild.id}/channels`, {
      body: `{"name":"numbers","type":0,"topic":null,"parent_id":null,"permission_overwrites":[{"id":${member.id},"type":1,"allow":1024,"deny":2048}]}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(ch.status, JSON.stringify(ch.body)).toBe(201);
    expect(ch.body.permission_overwrites).toEqual([{ id: member.id, type: 1, allow: '1024', deny: '2048' }]);
  });

  it('a history page carries each reply’s message, and null for one deleted since', async () => {
    const ch = await owner.api.ok.post<{ id: string }>(`/guilds/${guild.id}/channels`, { name: 'replies' });
    const post = (body: object) => owner.api.ok.post<{ id: string }>(`/channels/${ch.id}/messages`, body);
    const a = await post({ content: 'a' });
    const b = await post({ content: 'b' });
    const toA = await post({ content: 'to a', message_reference: { message_id: a.id } });
    const toB = await post({ content: 'to b', message_reference: { message_id: b.id } });
    const toA2 = await post({ content: 'to a again', message_reference: { message_id: a.id } });
    await owner.api.ok.delete(`/channels/${ch.id}/messages/${b.id}`);
    const page = await owner.api.ok.get<{ id: string; content: string; referenced_message?: { id: string; content: string } | null }[]>(`/channels/${ch.id}/messages`);
    const byId = new Map(page.map((m) => [m.id, m]));
    expect(byId.get(toA.id)!.referenced_message).toMatchObject({ id: a.id, content: 'a' });
    expect(byId.get(toA2.id)!.referenced_message).toMatchObject({ id: a.id, content: 'a' });
    expect(byId.get(toB.id)!.referenced_message).toBeNull();
    expect(byId.get(a.id)!.referenced_message).toBeUndefined();
  });

  it('serves member search and the caller’s member; `search` is never taken for a user id', async () => {
    const bot = await newBot(owner.api, 'Wire Bot');
    await addBot(owner.api, guild.id, bot);
    // A prefix of the owner's name that no other member's shares (`user_` plus one hex digit would).
    const found = await bot.api.ok.get(`/guilds/${guild.id}/members/search?query=${owner.username.slice(0, -2)}&limit=10`);
    expect(found.map((m: any) => m.user.id)).toEqual([owner.id]);
    expect(await bot.api.ok.get(`/guilds/${guild.id}/members/search?query=zzzz`)).toEqual([]);
    expect((await bot.api.get(`/guilds/${guild.id}/members/search`)).status).toBe(400);
    const me = await bot.api.ok.get(`/users/@me/guilds/${guild.id}/member`);
    expect(me).toMatchObject({ user: { id: bot.userId }, flags: 0, pending: false });
  });

  it('carries the fields libraries read, with Discord’s defaults', async () => {
    const roles = await owner.api.ok.get(`/guilds/${guild.id}/roles`);
    expect(roles[0]).toMatchObject({ colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, flags: 0, icon: null, unicode_emoji: null });
    const channel = await owner.api.ok.get(`/channels/${guild.generalId}`);
    expect(channel).toMatchObject({ flags: 0, nsfw: false, rate_limit_per_user: 0 });
  });
});
