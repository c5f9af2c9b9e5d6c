/** Discord's join notice: a type 7 message by the newcomer in the system channel, unless the guild suppresses it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayTester, addBot, join, newBot, newGuild, newUser, startTestServer, type TestServer, type TestUser } from '../src/testing.js';

let srv: TestServer;
let owner: TestUser;
beforeAll(async () => {
  srv = await startTestServer();
  owner = await newUser(srv.base);
});
afterAll(async () => {
  await srv?.close();
});

const notices = async (channelId: string) =>
  (await owner.api.ok.get<{ type: number; author: { id: string }; content: string }[]>(`/channels/${channelId}/messages?limit=100`)).filter((m) => m.type === 7);

describe('join notices', () => {
  it('a person joining through an invite, and a bot being added, each post a type 7 notice in the system channel', async () => {
    const g = await newGuild(owner.api, 'Welcoming', { joinNotices: true });
    expect(g.guild.system_channel_id).toBe(g.generalId);
    expect(g.guild.system_channel_flags).toBe(0);
    const gw = await GatewayTester.identify(srv.gatewayUrl, owner.token);
    const newcomer = await newUser(srv.base);
    await join(owner.api, newcomer.api, g.generalId);
    const live = await gw.next((f) => f.t === 'MESSAGE_CREATE' && f.d.type === 7);
    expect(live.d).toMatchObject({ channel_id: g.generalId, guild_id: g.id, type: 7, content: '', author: { id: newcomer.id }, member: { roles: [] } });
    const bot = await newBot(owner.api);
    await addBot(owner.api, g.id, bot);
    expect((await notices(g.generalId)).map((m) => m.author.id)).toEqual([bot.userId, newcomer.id]);
    gw.close();
  });

  it('SUPPRESS_JOIN_NOTIFICATIONS or no system channel: nobody is announced; bad flags are a 400 and change nothing', async () => {
    const g = await newGuild(owner.api, 'Quiet', { joinNotices: true });
    const patched = await owner.api.ok.patch<{ system_channel_flags: number }>(`/guilds/${g.id}`, { system_channel_flags: 1 });
    expect(patched.system_channel_flags).toBe(1);
    await join(owner.api, (await newUser(srv.base)).api, g.generalId);
    await owner.api.ok.patch(`/guilds/${g.id}`, { system_channel_flags: 0, system_channel_id: null });
    await join(owner.api, (await newUser(srv.base)).api, g.generalId);
    expect(await notices(g.generalId)).toEqual([]);
    for (const bad of [64, -1, 'x', 1.5]) {
      const res = await owner.api.patch(`/guilds/${g.id}`, { system_channel_flags: bad });
      expect(res.status, String(bad)).toBe(400);
      expect(res.body.code).toBe(50035);
    }
    expect((await owner.api.ok.get<{ system_channel_flags: number }>(`/guilds/${g.id}`)).system_channel_flags).toBe(0);
  });
});
