/** Snapshot + events = fresh snapshot: a session that applied every dispatch agrees with one that just connected. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initialClientState, reduce, type ClientState } from '@concord/protocol';
import { GatewayTester, join, newGuild, newUser, startTestServer, type TestServer } from '../src/testing.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

function fold(t: GatewayTester): ClientState {
  return t.dispatches().reduce((state, f) => reduce(state, { t: f.t!, d: f.d }), initialClientState);
}

/** What a snapshot carries (messages are fetched as history, not in READY); members are compared whole. */
function comparable(s: ClientState) {
  const guilds = Object.fromEntries(
    Object.entries(s.guilds).map(([id, g]) => [id, { ...g, channelIds: [...g.channelIds].sort() }]),
  );
  const channels = Object.fromEntries(Object.entries(s.channels).map(([id, c]) => [id, { ...c, guild_id: c.guild_id }]));
  return { user: s.user, guilds, channels, presences: s.presences };
}

it('after guild, channel, member and message changes, the live state equals a new READY', async () => {
  const owner = await newUser(server.base);
  const live = await GatewayTester.identify(server.gatewayUrl, owner.token);
  try {
    const { guild, generalId } = await newGuild(owner.api, 'Before');
    const second = await newGuild(owner.api, 'Second');
    const friends = await Promise.all([newUser(server.base), newUser(server.base), newUser(server.base)]);
    for (const f of friends) await join(owner.api, f.api, generalId);
    await owner.api.patch(`/guilds/${guild.id}`, { name: 'After' });
    const cat = (await owner.api.post(`/guilds/${guild.id}/channels`, { name: 'Extra', type: 4 })).body;
    const ch = (await owner.api.post(`/guilds/${guild.id}/channels`, { name: 'temp', parent_id: cat.id })).body;
    await owner.api.patch(`/channels/${ch.id}`, { name: 'renamed', topic: 'now with a topic' });
    await owner.api.delete(`/channels/${cat.id}`);
    await owner.api.post(`/channels/${ch.id}/messages`, { content: 'moves last_message_id' });
    await friends[2]!.api.delete(`/users/@me/guilds/${guild.id}`);
    await owner.api.delete(`/guilds/${second.guild.id}`);
    const friendSession = await GatewayTester.identify(server.gatewayUrl, friends[0]!.token);
    const marker = (await owner.api.post(`/channels/${generalId}/messages`, { content: 'marker' })).body;
    await live.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === marker.id);
    await live.waitUntil(() => live.dispatches('PRESENCE_UPDATE').length >= 1);

    const fresh = await GatewayTester.identify(server.gatewayUrl, owner.token);
    const a = comparable(fold(live));
    const b = comparable(fold(fresh));
    expect(Object.keys(a.guilds)).toEqual([guild.id]);
    expect(a.guilds[guild.id]!.name).toBe('After');
    expect(a).toEqual(b);
    fresh.terminate();
    friendSession.terminate();
  } finally {
    live.terminate();
  }
});

it('for a member whose view changes through overwrites, the live state equals a new READY', async () => {
  const owner = await newUser(server.base);
  const member = await newUser(server.base);
  const { guild, generalId } = await newGuild(owner.api, 'Views');
  await join(owner.api, member.api, generalId);
  const live = await GatewayTester.identify(server.gatewayUrl, member.token);
  try {
    const VIEW = String(1 << 10);
    const hideEveryone = [{ id: guild.id, type: 0, deny: VIEW }];
    const secret = (await owner.api.post(`/guilds/${guild.id}/channels`, { name: 'secret', permission_overwrites: hideEveryone })).body;
    const open = (await owner.api.post(`/guilds/${guild.id}/channels`, { name: 'open' })).body;
    await owner.api.post(`/channels/${open.id}/messages`, { content: 'before hiding' });
    await owner.api.patch(`/channels/${open.id}`, { permission_overwrites: hideEveryone });
    await owner.api.patch(`/channels/${open.id}`, { topic: 'changed while hidden' });
    await owner.api.post(`/channels/${secret.id}/messages`, { content: 'while hidden' });
    await owner.api.patch(`/channels/${secret.id}`, { permission_overwrites: [{ id: member.id, type: 1, allow: VIEW }, ...hideEveryone] });
    const marker = (await owner.api.post(`/channels/${generalId}/messages`, { content: 'marker' })).body;
    await live.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === marker.id);

    const fresh = await GatewayTester.identify(server.gatewayUrl, member.token);
    const a = comparable(fold(live));
    const b = comparable(fold(fresh));
    expect(a.guilds[guild.id]!.channelIds).toContain(secret.id);
    expect(a.guilds[guild.id]!.channelIds).not.toContain(open.id);
    expect(a).toEqual(b);
    fresh.terminate();
  } finally {
    live.terminate();
  }
});
