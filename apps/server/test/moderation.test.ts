/** Roles, member edits, kicks, bans, timeouts, bulk delete and the audit log, over REST and the gateway. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogEvents, GatewayIntents, Permissions as P, snowflakeFromTimestamp, type Message } from '@concord/protocol';
import { GatewayTester, eventually, join, newGuild, newUser, startTestServer, type TestServer } from '../src/testing.js';

let server: TestServer;
const sessions: GatewayTester[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const s of sessions) s.terminate();
  await server?.close();
});
const identify = async (token: string, intents?: number) => {
  const t = await GatewayTester.identify(server.gatewayUrl, token, intents);
  sessions.push(t);
  return t;
};

async function setup() {
  const owner = await newUser(server.base, 'owner');
  const member = await newUser(server.base, 'member');
  const g = await newGuild(owner.api, 'Moderated');
  await join(owner.api, member.api, g.generalId);
  return { owner, member, guildId: g.id, generalId: g.generalId };
}

describe('roles', () => {
  it('create, modify, reorder and delete, with events and Discord shapes', async () => {
    const { owner, member, guildId } = await setup();
    const watch = await identify(member.token);
    const role = await owner.api.ok.post(`/guilds/${guildId}/roles`, { name: 'Moderators', permissions: String(P.KICK_MEMBERS), colors: { primary_color: 0xff0000, secondary_color: 0x00ff00 }, hoist: true });
    expect(role).toMatchObject({ name: 'Moderators', permissions: String(P.KICK_MEMBERS), color: 0xff0000, colors: { primary_color: 0xff0000, secondary_color: 0x00ff00, tertiary_color: null }, hoist: true, position: 1, managed: false });
    await watch.next((f) => f.t === 'GUILD_ROLE_CREATE' && f.d.role.id === role.id);
    const second = await owner.api.ok.post(`/guilds/${guildId}/roles`, { name: 'Helpers' });
    const edited = await owner.api.ok.patch(`/guilds/${guildId}/roles/${second.id}`, { color: 0x123456, mentionable: true });
    expect(edited).toMatchObject({ id: second.id, color: 0x123456, mentionable: true });
    await watch.next((f) => f.t === 'GUILD_ROLE_UPDATE' && f.d.role.id === second.id && f.d.role.color === 0x123456);
    const order = await owner.api.ok.patch(`/guilds/${guildId}/roles`, [{ id: second.id, position: 2 }]);
    expect(order.map((r: { name: string; position: number }) => [r.name, r.position])).toEqual([['@everyone', 0], ['Moderators', 1], ['Helpers', 2]]);
    await watch.next((f) => f.t === 'GUILD_ROLE_UPDATE' && f.d.role.id === second.id && f.d.role.position === 2);
    await owner.api.ok.put(`/guilds/${guildId}/members/${member.id}/roles/${second.id}`);
    await watch.next((f) => f.t === 'GUILD_MEMBER_UPDATE' && f.d.roles.includes(second.id));
    expect((await owner.api.delete(`/guilds/${guildId}/roles/${second.id}`)).status).toBe(204);
    await watch.next((f) => f.t === 'GUILD_ROLE_DELETE' && f.d.role_id === second.id);
    expect((await owner.api.get(`/guilds/${guildId}/members/${member.id}`)).body.roles).toEqual([]);
    expect((await owner.api.get(`/guilds/${guildId}/roles/${second.id}`)).body.code).toBe(10011);
    expect((await member.api.post(`/guilds/${guildId}/roles`, { name: 'mine' })).body.code).toBe(50013);
  });

  it('member edits: own nickname, roles by PATCH, unknown roles', async () => {
    const { owner, member, guildId } = await setup();
    const me = await member.api.ok.patch(`/guilds/${guildId}/members/@me`, { nick: 'Its me' });
    expect(me).toMatchObject({ nick: 'Its me', user: { id: member.id } });
    const role = await owner.api.ok.post(`/guilds/${guildId}/roles`, { name: 'Tag' });
    const patched = await owner.api.ok.patch(`/guilds/${guildId}/members/${member.id}`, { roles: [role.id], nick: null });
    expect(patched).toMatchObject({ nick: null, roles: [role.id] });
    expect((await owner.api.put(`/guilds/${guildId}/members/${member.id}/roles/1234567890123456789`)).body.code).toBe(10011);
    expect((await member.api.patch(`/guilds/${guildId}/members/${owner.id}`, { nick: 'boss' })).body.code).toBe(50013);
  });
});

describe('moderation', () => {
  it('a kicked member loses the guild at once; others see GUILD_MEMBER_REMOVE', async () => {
    const { owner, member, guildId } = await setup();
    const victim = await identify(member.token);
    const watch = await identify(owner.token);
    expect((await owner.api.delete(`/guilds/${guildId}/members/${member.id}`)).status).toBe(204);
    await victim.next((f) => f.t === 'GUILD_DELETE' && f.d.id === guildId);
    await watch.next((f) => f.t === 'GUILD_MEMBER_REMOVE' && f.d.user.id === member.id);
    expect((await member.api.get(`/guilds/${guildId}`)).body.code).toBe(50001);
  });

  it('a ban: sessions lose the guild, GUILD_BAN_ADD to moderators, messages deleted, no way back through an invite', async () => {
    const { owner, member, guildId, generalId } = await setup();
    const mine: Message[] = [];
    for (let i = 0; i < 3; i++) mine.push(await member.api.ok.post(`/channels/${generalId}/messages`, { content: `spam ${i}` }));
    const kept = await owner.api.ok.post<Message>(`/channels/${generalId}/messages`, { content: 'stays' });
    const victim = await identify(member.token);
    const watch = await identify(owner.token);
    const noModeration = await identify(owner.token, GatewayIntents.Guilds | GatewayIntents.GuildMessages);
    const invite = await owner.api.ok.post(`/channels/${generalId}/invites`, { max_age: 0 });
    const res = await owner.api.req('PUT', `/guilds/${guildId}/bans/${member.id}`, { delete_message_seconds: 3600 });
    expect(res.status).toBe(204);
    await victim.next((f) => f.t === 'GUILD_DELETE' && f.d.id === guildId);
    await watch.next((f) => f.t === 'GUILD_MEMBER_REMOVE' && f.d.user.id === member.id);
    await watch.next((f) => f.t === 'GUILD_BAN_ADD' && f.d.user.id === member.id);
    const bulk = await watch.next((f) => f.t === 'MESSAGE_DELETE_BULK');
    expect(bulk.d).toEqual({ ids: mine.map((m) => m.id), channel_id: generalId, guild_id: guildId });
    await noModeration.next((f) => f.t === 'MESSAGE_DELETE_BULK');
    expect(noModeration.dispatches('GUILD_BAN_ADD')).toHaveLength(0);
    expect((await owner.api.ok.get<Message[]>(`/channels/${generalId}/messages`)).map((m) => m.id)).toEqual([kept.id]);
    const again = await member.api.post(`/invites/${invite.code}`);
    expect([again.status, again.body.code]).toEqual([403, 40007]);
    expect(await owner.api.ok.get(`/guilds/${guildId}/bans`)).toEqual([{ reason: null, user: expect.objectContaining({ id: member.id }) }]);
    expect((await owner.api.get(`/guilds/${guildId}/bans/${member.id}`)).body.user.id).toBe(member.id);
    expect((await owner.api.delete(`/guilds/${guildId}/bans/${member.id}`)).status).toBe(204);
    await watch.next((f) => f.t === 'GUILD_BAN_REMOVE' && f.d.user.id === member.id);
    expect((await owner.api.get(`/guilds/${guildId}/bans/${member.id}`)).body.code).toBe(10026);
    expect((await member.api.post(`/invites/${invite.code}`)).status).toBe(200);
  });

  it('a timed-out member reads but cannot send (REST or op 100), type or react; the timeout ends by itself', async () => {
    const { owner, member, guildId, generalId } = await setup();
    const msg = await owner.api.ok.post<Message>(`/channels/${generalId}/messages`, { content: 'react to me' });
    await owner.api.ok.put(`/channels/${generalId}/messages/${msg.id}/reactions/${encodeURIComponent('👍')}/@me`);
    const t = await identify(member.token);
    const until = new Date(Date.now() + 2500).toISOString();
    const m = await owner.api.ok.patch(`/guilds/${guildId}/members/${member.id}`, { communication_disabled_until: until });
    expect(m.communication_disabled_until).toBe(until);
    await t.next((f) => f.t === 'GUILD_MEMBER_UPDATE' && f.d.communication_disabled_until === until);
    expect((await member.api.post(`/channels/${generalId}/messages`, { content: 'let me talk' })).body.code).toBe(50013);
    t.send({ op: 100, d: { channel_id: generalId, nonce: 'muted-1', content: 'over the gateway' } });
    const ack = await t.next((f) => f.op === 101 && f.d.nonce === 'muted-1');
    expect(ack.d.error).toMatchObject({ code: 50013, status: 403 });
    expect((await member.api.post(`/channels/${generalId}/typing`)).body.code).toBe(50013);
    expect((await member.api.put(`/channels/${generalId}/messages/${msg.id}/reactions/${encodeURIComponent('👍')}/@me`)).body.code).toBe(50013);
    expect((await member.api.get(`/channels/${generalId}/messages`)).status).toBe(200);
    await eventually(async () => ((await member.api.post(`/channels/${generalId}/messages`, { content: 'free again' })).status === 200 ? true : undefined), 'the timeout to end', 6000, 200);
  });

  it('bulk delete: 2-100 messages under 14 days old, one MESSAGE_DELETE_BULK', async () => {
    const { owner, member, generalId } = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await owner.api.ok.post<Message>(`/channels/${generalId}/messages`, { content: `m${i}` })).id);
    const watch = await identify(owner.token);
    expect((await owner.api.post(`/channels/${generalId}/messages/bulk-delete`, { messages: [ids[0]] })).body.code).toBe(50035);
    const old = snowflakeFromTimestamp(Date.now() - 15 * 86_400_000);
    expect((await owner.api.post(`/channels/${generalId}/messages/bulk-delete`, { messages: [ids[0], old] })).body.code).toBe(50034);
    expect((await member.api.post(`/channels/${generalId}/messages/bulk-delete`, { messages: ids })).body.code).toBe(50013);
    expect((await owner.api.post(`/channels/${generalId}/messages/bulk-delete`, { messages: [...ids, snowflakeFromTimestamp(Date.now())] })).status).toBe(204);
    const ev = await watch.next((f) => f.t === 'MESSAGE_DELETE_BULK');
    expect([...ev.d.ids].sort()).toEqual([...ids].sort());
    expect(await owner.api.ok.get(`/channels/${generalId}/messages`)).toEqual([]);
  });
});

describe('audit log', () => {
  it('entries with Discord numbers, changes and reasons; filters; live to VIEW_AUDIT_LOG holders only', async () => {
    const { owner, member, guildId } = await setup();
    const ownerLive = await identify(owner.token);
    const memberLive = await identify(member.token);
    const res = await owner.api.raw('PATCH', `/guilds/${guildId}/members/${member.id}`, {
      body: JSON.stringify({ nick: 'Quiet' }),
      headers: { 'content-type': 'application/json', 'x-audit-log-reason': encodeURIComponent('too loud') },
    });
    expect(res.status).toBe(200);
    const live = await ownerLive.next((f) => f.t === 'GUILD_AUDIT_LOG_ENTRY_CREATE');
    expect(live.d).toMatchObject({ guild_id: guildId, action_type: AuditLogEvents.MEMBER_UPDATE, target_id: member.id, user_id: owner.id, reason: 'too loud', changes: [{ key: 'nick', new_value: 'Quiet' }] });
    const role = await owner.api.ok.post(`/guilds/${guildId}/roles`, { name: 'Audited' });
    await owner.api.ok.put(`/guilds/${guildId}/members/${member.id}/roles/${role.id}`);
    const log = await owner.api.ok.get(`/guilds/${guildId}/audit-logs`);
    expect(log.audit_log_entries.map((e: { action_type: number }) => e.action_type)).toEqual([AuditLogEvents.MEMBER_ROLE_UPDATE, AuditLogEvents.ROLE_CREATE, AuditLogEvents.MEMBER_UPDATE, AuditLogEvents.INVITE_CREATE]);
    expect(log.audit_log_entries[0].changes).toEqual([{ key: '$add', new_value: [{ id: role.id, name: 'Audited' }] }]);
    expect(log.users.map((u: { id: string }) => u.id).sort()).toEqual([owner.id, member.id].sort());
    const roleOnly = await owner.api.ok.get(`/guilds/${guildId}/audit-logs?action_type=${AuditLogEvents.ROLE_CREATE}`);
    expect(roleOnly.audit_log_entries).toHaveLength(1);
    expect((await owner.api.ok.get(`/guilds/${guildId}/audit-logs?user_id=${member.id}`)).audit_log_entries).toHaveLength(0);
    expect((await owner.api.ok.get(`/guilds/${guildId}/audit-logs?limit=1`)).audit_log_entries).toHaveLength(1);
    // Before the role: the nickname, and the invite the member joined through.
    expect((await owner.api.ok.get(`/guilds/${guildId}/audit-logs?before=${roleOnly.audit_log_entries[0].id}`)).audit_log_entries).toHaveLength(2);
    expect((await member.api.get(`/guilds/${guildId}/audit-logs`)).body.code).toBe(50013);
    // The member saw their own update, but no audit entries.
    await memberLive.next((f) => f.t === 'GUILD_MEMBER_UPDATE' && f.d.roles.includes(role.id));
    expect(memberLive.dispatches('GUILD_AUDIT_LOG_ENTRY_CREATE')).toHaveLength(0);
  });
});
