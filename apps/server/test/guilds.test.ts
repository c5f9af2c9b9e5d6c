/** Guilds, channels, members and invites over REST, with their permission checks and bad inputs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EVERYONE_PERMISSIONS, Permissions } from '@concord/protocol';
import { Api, GatewayTester, join, newGuild, newUser, startTestServer, type TestServer } from '../src/testing.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('guilds', () => {
  it('a new guild: owner, @everyone = guild id, categories with #general and a voice channel', async () => {
    const owner = await newUser(server.base);
    const { guild } = await newGuild(owner.api, 'Readers');
    expect(guild).toMatchObject({ name: 'Readers', owner_id: owner.id, features: [] });
    expect(guild.roles).toEqual([expect.objectContaining({ id: guild.id, name: '@everyone', permissions: DEFAULT_EVERYONE_PERMISSIONS.toString() })]);
    const channels = (await owner.api.get(`/guilds/${guild.id}/channels`)).body;
    const byName = Object.fromEntries(channels.map((c: any) => [c.name, c]));
    expect(byName['Text Channels'].type).toBe(4);
    expect(byName['general']).toMatchObject({ type: 0, parent_id: byName['Text Channels'].id, guild_id: guild.id });
    expect(byName['Voice Channels'].type).toBe(4);
    expect(byName['General']).toMatchObject({ type: 2, parent_id: byName['Voice Channels'].id, bitrate: 64000 });
    expect((await owner.api.get(`/guilds/${guild.id}?with_counts=true`)).body).toMatchObject({ id: guild.id, approximate_member_count: 1 });
    expect((await owner.api.get('/users/@me/guilds')).body).toEqual([
      expect.objectContaining({ id: guild.id, name: 'Readers', owner: true, permissions: expect.stringMatching(/^\d+$/) }),
    ]);
  });

  it('modify needs MANAGE_GUILD; delete is for the owner; the owner cannot leave', async () => {
    const owner = await newUser(server.base);
    const member = await newUser(server.base);
    const { guild, generalId } = await newGuild(owner.api);
    await join(owner.api, member.api, generalId);
    const watcher = await GatewayTester.identify(server.gatewayUrl, member.token);
    try {
      const denied = await member.api.patch(`/guilds/${guild.id}`, { name: 'Mine now' });
      expect(denied.status).toBe(403);
      expect(denied.body.code).toBe(50013);
      const renamed = await owner.api.patch(`/guilds/${guild.id}`, { name: 'Renamed' });
      expect(renamed.body.name).toBe('Renamed');
      await watcher.next((f) => f.t === 'GUILD_UPDATE' && f.d.name === 'Renamed');
      expect((await owner.api.patch(`/guilds/${guild.id}`, { system_channel_id: '1234567890123456789' })).status).toBe(400);
      expect((await member.api.delete(`/guilds/${guild.id}`)).status).toBe(403);
      expect((await owner.api.delete(`/users/@me/guilds/${guild.id}`)).status).toBe(400);
      expect((await owner.api.delete(`/guilds/${guild.id}`)).status).toBe(204);
      await watcher.next((f) => f.t === 'GUILD_DELETE' && f.d.id === guild.id);
      expect((await owner.api.get(`/guilds/${guild.id}`)).body.code).toBe(10004);
      expect((await member.api.get(`/channels/${generalId}/messages`)).body.code).toBe(10003);
    } finally {
      watcher.terminate();
    }
  });

  it('members: list with pagination, get one, non-members are refused', async () => {
    const owner = await newUser(server.base);
    const { guild, generalId } = await newGuild(owner.api);
    const others = await Promise.all(Array.from({ length: 3 }, () => newUser(server.base)));
    for (const o of others) await join(owner.api, o.api, generalId);
    const all = (await owner.api.get(`/guilds/${guild.id}/members?limit=1000`)).body;
    expect(all.map((m: any) => m.user.id).sort()).toEqual([owner.id, ...others.map((o) => o.id)].sort());
    const first = (await owner.api.get(`/guilds/${guild.id}/members?limit=2`)).body;
    const rest = (await owner.api.get(`/guilds/${guild.id}/members?limit=10&after=${first[1].user.id}`)).body;
    expect([...first, ...rest]).toHaveLength(4);
    expect((await owner.api.get(`/guilds/${guild.id}/members/${others[0]!.id}`)).body).toMatchObject({ user: { id: others[0]!.id }, roles: [] });
    const outsider = await newUser(server.base);
    expect((await owner.api.get(`/guilds/${guild.id}/members/${outsider.id}`)).body.code).toBe(10007);
    const refused = await outsider.api.get(`/guilds/${guild.id}/members`);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe(50001);
    expect((await owner.api.get(`/guilds/${guild.id}/members?limit=0`)).status).toBe(400);
  });
});

describe('channels', () => {
  it('create, modify and delete with position and parent; events reach members', async () => {
    const owner = await newUser(server.base);
    const { guild } = await newGuild(owner.api);
    const t = await GatewayTester.identify(server.gatewayUrl, owner.token);
    try {
      const cat = (await owner.api.post(`/guilds/${guild.id}/channels`, { name: 'Projects', type: 4 })).body;
      expect(cat).toMatchObject({ type: 4, name: 'Projects', parent_id: null, position: 2 });
      const a = (await owner.api.post(`/guilds/${guild.id}/channels`, { name: 'Road Map', parent_id: cat.id })).body;
      const b = (await owner.api.post(`/guilds/${guild.id}/channels`, { name: 'ideas', parent_id: cat.id, topic: 'anything' })).body;
      expect(a).toMatchObject({ name: 'road-map', parent_id: cat.id, position: 0, type: 0 });
      expect(b).toMatchObject({ position: 1, topic: 'anything' });
      await t.next((f) => f.t === 'CHANNEL_CREATE' && f.d.id === b.id);
      const moved = (await owner.api.patch(`/channels/${b.id}`, { position: 0, parent_id: null, name: 'ideas-2' })).body;
      expect(moved).toMatchObject({ position: 0, parent_id: null, name: 'ideas-2' });
      await t.next((f) => f.t === 'CHANNEL_UPDATE' && f.d.id === b.id && f.d.name === 'ideas-2');
      expect((await owner.api.delete(`/channels/${cat.id}`)).body).toMatchObject({ id: cat.id, type: 4 });
      await t.next((f) => f.t === 'CHANNEL_DELETE' && f.d.id === cat.id);
      expect((await owner.api.get(`/channels/${a.id}`)).body.parent_id).toBeNull();
      expect((await owner.api.get(`/channels/${cat.id}`)).body.code).toBe(10003);
    } finally {
      t.terminate();
    }
  });

  it('refuses bad channel input and missing permissions without changing anything', async () => {
    const owner = await newUser(server.base);
    const member = await newUser(server.base);
    const { guild, generalId } = await newGuild(owner.api);
    await join(owner.api, member.api, generalId);
    const voice = (await owner.api.get(`/guilds/${guild.id}/channels`)).body.find((c: any) => c.type === 2);
    const before = (await owner.api.get(`/guilds/${guild.id}/channels`)).body;
    const cases: [Api, string, string, unknown, number, number][] = [
      [owner.api, 'POST', `/guilds/${guild.id}/channels`, { name: '' }, 400, 50035],
      [owner.api, 'POST', `/guilds/${guild.id}/channels`, { name: 'x'.repeat(101) }, 400, 50035],
      [owner.api, 'POST', `/guilds/${guild.id}/channels`, { name: 'ok', type: 13 }, 400, 50035],
      [owner.api, 'POST', `/guilds/${guild.id}/channels`, { name: 'ok', type: '0' }, 400, 50035],
      [owner.api, 'POST', `/guilds/${guild.id}/channels`, { name: 'ok', parent_id: generalId }, 400, 50035],
      [owner.api, 'POST', `/guilds/${guild.id}/channels`, { name: 'ok', parent_id: '1234567890123456789' }, 400, 50035],
      [owner.api, 'POST', `/guilds/1234567890123456789/channels`, { name: 'ok' }, 404, 10004],
      [member.api, 'POST', `/guilds/${guild.id}/channels`, { name: 'mine' }, 403, 50013],
      [member.api, 'PATCH', `/channels/${generalId}`, { name: 'mine' }, 403, 50013],
      [member.api, 'DELETE', `/channels/${generalId}`, undefined, 403, 50013],
      [owner.api, 'PATCH', `/channels/${generalId}`, { position: -1 }, 400, 50035],
      [owner.api, 'POST', `/channels/${voice.id}/messages`, { content: 'x' }, 200, 0],
      [owner.api, 'POST', `/channels/${voice.parent_id}/messages`, { content: 'x' }, 400, 50008],
      [owner.api, 'POST', `/channels/${generalId}/messages`, { content: '' }, 400, 50006],
      [owner.api, 'POST', `/channels/${generalId}/messages`, { content: 'x'.repeat(2001) }, 400, 50035],
      [owner.api, 'POST', `/channels/${generalId}/messages`, { content: 5 }, 400, 50035],
      [owner.api, 'POST', `/channels/${generalId}/messages`, { content: 'x', message_reference: { message_id: '1234567890123456789' } }, 400, 50035],
      [owner.api, 'GET', `/channels/${generalId}/messages/1234567890123456789`, undefined, 404, 10008],
      [owner.api, 'GET', `/channels/1234567890123456789/messages`, undefined, 404, 10003],
      [owner.api, 'GET', `/channels/abc`, undefined, 404, 10003],
    ];
    for (const [api, method, route, body, status, code] of cases) {
      const res = await api.req(method, route, body);
      const label = `${method} ${route} ${JSON.stringify(body)}`;
      expect(res.status, label).toBe(status);
      if (status !== 200) expect(res.body.code, label).toBe(code);
    }
    expect((await owner.api.get(`/guilds/${guild.id}/channels`)).body).toEqual(before.map((c: any) => (c.id === voice.id ? { ...c, last_message_id: expect.any(String) } : c)));
    expect((await owner.api.get(`/channels/${generalId}/messages`)).body).toEqual([]);
  });

  it('a channel hidden from @everyone disappears from the member list of channels', async () => {
    const owner = await newUser(server.base);
    const member = await newUser(server.base);
    const { guild, generalId } = await newGuild(owner.api);
    await join(owner.api, member.api, generalId);
    await owner.api.patch(`/channels/${generalId}`, { permission_overwrites: [{ id: guild.id, type: 0, deny: String(Permissions.VIEW_CHANNEL) }] });
    expect((await member.api.get(`/guilds/${guild.id}/channels`)).body.map((c: any) => c.id)).not.toContain(generalId);
    expect((await member.api.get(`/channels/${generalId}`)).body.code).toBe(50001);
    // A member overwrite lets one person back in.
    await owner.api.patch(`/channels/${generalId}`, {
      permission_overwrites: [
        { id: guild.id, type: 0, deny: String(Permissions.VIEW_CHANNEL) },
        { id: member.id, type: 1, allow: String(Permissions.VIEW_CHANNEL) },
      ],
    });
    expect((await member.api.get(`/channels/${generalId}`)).status).toBe(200);
  });
});

describe('invites', () => {
  it('create, look up without a token, join, list and delete', async () => {
    const owner = await newUser(server.base);
    const { guild, generalId } = await newGuild(owner.api, 'Inviting');
    const inv = (await owner.api.post(`/channels/${generalId}/invites`, { max_age: 3600, max_uses: 5 })).body;
    expect(inv).toMatchObject({ code: expect.stringMatching(/^[A-Za-z0-9]{10}$/), guild: { id: guild.id, name: 'Inviting' }, channel: { id: generalId }, max_uses: 5, max_age: 3600, uses: 0 });
    const looked = await new Api(server.base).get(`/invites/${inv.code}`);
    expect(looked.body).toMatchObject({ code: inv.code, guild: { id: guild.id }, inviter: { id: owner.id }, approximate_member_count: 1 });
    const joiner = await newUser(server.base);
    expect((await joiner.api.post(`/invites/${inv.code}`)).body).toMatchObject({ guild: { id: guild.id }, new_member: true });
    expect((await joiner.api.post(`/invites/${inv.code}`)).body.new_member).toBe(false);
    expect((await owner.api.get(`/guilds/${guild.id}/invites`)).body).toEqual([expect.objectContaining({ code: inv.code, uses: 1 })]);
    expect((await joiner.api.get(`/guilds/${guild.id}/invites`)).status).toBe(403);
    expect((await joiner.api.delete(`/invites/${inv.code}`)).status).toBe(403);
    expect((await owner.api.delete(`/invites/${inv.code}`)).status).toBe(200);
    expect((await new Api(server.base).get(`/invites/${inv.code}`)).body.code).toBe(10006);
    for (const bad of [{ max_age: -1 }, { max_uses: 101 }, { max_age: 'soon' }]) {
      expect((await owner.api.post(`/channels/${generalId}/invites`, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await owner.api.get(`/guilds/${guild.id}/invites`)).body).toEqual([]);
  });
});
