/** Mentions as the shared grammar reads them (@everyone needs MENTION_EVERYONE), and slowmode. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayOpcodes, Permissions, type Message } from '@concord/protocol';
import { GatewayTester, join, newGuild, newUser, startTestServer, type TestServer } from '../src/testing.js';

let server: TestServer;
const open: GatewayTester[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const t of open) t.terminate();
  await server?.close();
});

async function setup() {
  const owner = await newUser(server.base, 'owner');
  const member = await newUser(server.base, 'member');
  const guild = await newGuild(owner.api, 'Mentions');
  await join(owner.api, member.api, guild.generalId);
  return { owner, member, guild, c: guild.generalId };
}

describe('mentions', () => {
  it('users and roles outside code; code spans and escapes mention nobody', async () => {
    const { owner, member, c, guild } = await setup();
    const m = await member.api.ok.post<Message>(`/channels/${c}/messages`, { content: `<@${owner.id}> \`<@${member.id}>\` \\<@${member.id}> <@&${guild.id}>` });
    expect(m.mentions.map((u) => u.id)).toEqual([owner.id]);
    expect(m.mention_roles).toEqual([guild.id]);
    const quoted = await member.api.ok.post<Message>(`/channels/${c}/messages`, { content: 'see `@everyone`' });
    expect(quoted.mention_everyone).toBe(false);
  });

  it('@everyone and @here ping only with MENTION_EVERYONE', async () => {
    const { owner, member, c, guild } = await setup();
    expect((await member.api.ok.post<Message>(`/channels/${c}/messages`, { content: '@everyone hi' })).mention_everyone).toBe(true);
    // Denied on the channel for @everyone: plain text now.
    await owner.api.ok.patch(`/channels/${c}`, {
      permission_overwrites: [{ id: guild.id, type: 0, allow: '0', deny: String(Permissions.MENTION_EVERYONE) }],
    });
    const plain = await member.api.ok.post<Message>(`/channels/${c}/messages`, { content: '@here hi' });
    expect(plain.mention_everyone).toBe(false);
    expect(plain.content).toBe('@here hi');
    // The owner holds every permission.
    expect((await owner.api.ok.post<Message>(`/channels/${c}/messages`, { content: '@here hi' })).mention_everyone).toBe(true);
  });
});

describe('slowmode', () => {
  it('one message per rate_limit_per_user for members; 429 with code 20016 and retry_after; moderators are exempt', async () => {
    const { owner, member, c } = await setup();
    await owner.api.ok.patch(`/channels/${c}`, { rate_limit_per_user: 30 });
    expect((await member.api.post(`/channels/${c}/messages`, { content: 'first' })).status).toBe(200);
    const second = await member.api.post(`/channels/${c}/messages`, { content: 'second' });
    expect(second.status).toBe(429);
    expect(second.body).toMatchObject({ code: 20016, global: false, message: expect.stringMatching(/slowmode/) });
    expect(second.body.retry_after).toBeGreaterThan(25);
    expect(second.body.retry_after).toBeLessThanOrEqual(30);
    expect(second.headers.get('retry-after')).toBe('30');
    // The owner (MANAGE_MESSAGES, MANAGE_CHANNELS) is not slowed down.
    for (const content of ['a', 'b', 'c']) expect((await owner.api.post(`/channels/${c}/messages`, { content })).status).toBe(200);
  });

  it('the gateway send (op 100) gets the same refusal in its ack', async () => {
    const { owner, member, c } = await setup();
    await owner.api.ok.patch(`/channels/${c}`, { rate_limit_per_user: 10 });
    const gw = await GatewayTester.identify(server.gatewayUrl, member.token);
    open.push(gw);
    gw.send({ op: GatewayOpcodes.XSendMessage, d: { channel_id: c, nonce: 'n1', content: 'one' } });
    expect((await gw.next((f) => f.op === GatewayOpcodes.XMessageAck && f.d.nonce === 'n1')).d.id).toEqual(expect.any(String));
    gw.send({ op: GatewayOpcodes.XSendMessage, d: { channel_id: c, nonce: 'n2', content: 'two' } });
    const ack = await gw.next((f) => f.op === GatewayOpcodes.XMessageAck && f.d.nonce === 'n2');
    expect(ack.d.error).toMatchObject({ status: 429, code: 20016, retry_after: expect.any(Number) });
  });

  it('rate_limit_per_user is 0-21600', async () => {
    const { owner, c } = await setup();
    expect((await owner.api.patch(`/channels/${c}`, { rate_limit_per_user: 21601 })).status).toBe(400);
  });
});
