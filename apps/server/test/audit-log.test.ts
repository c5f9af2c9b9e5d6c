/**
 * The audit log of settings actions (guild, channels, overwrites, invites, bots, webhooks, a moderator's message
 * delete), each written with its action and carrying X-Audit-Log-Reason; guild settings that moderate (verification
 * level on send, ownership transfer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogEvents as A, Permissions as P, type AuditLogEntry, type Message } from '@concord/protocol';
import { addBot, join, newBot, newGuild, newUser, startTestServer, type TestServer, type TestUser } from '../src/testing.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

async function setup() {
  const owner = await newUser(server.base, 'owner');
  const member = await newUser(server.base, 'member');
  const g = await newGuild(owner.api, 'Audited');
  await join(owner.api, member.api, g.generalId);
  return { owner, member, guildId: g.id, generalId: g.generalId };
}

type Log = { audit_log_entries: AuditLogEntry[]; users: { id: string }[] };
const entries = async (owner: TestUser, guildId: string, type: number) =>
  (await owner.api.ok.get<Log>(`/guilds/${guildId}/audit-logs?action_type=${type}`)).audit_log_entries;

/** A request with X-Audit-Log-Reason, as Discord's clients send it (percent-encoded). */
const withReason = (user: TestUser, method: string, route: string, body: unknown, reason: string) =>
  user.api.raw(method, route, {
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), 'x-audit-log-reason': encodeURIComponent(reason) },
  });

describe('settings actions leave audit entries', () => {
  it('guild update: the changed keys, with the reason', async () => {
    const { owner, guildId } = await setup();
    const res = await withReason(owner, 'PATCH', `/guilds/${guildId}`, { name: 'Renamed', verification_level: 2, explicit_content_filter: 1, default_message_notifications: 1 }, 'spring cleaning');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Renamed', verification_level: 2, explicit_content_filter: 1, default_message_notifications: 1 });
    const [e] = await entries(owner, guildId, A.GUILD_UPDATE);
    expect(e).toMatchObject({ target_id: guildId, user_id: owner.id, reason: 'spring cleaning' });
    expect(e!.changes).toEqual([
      { key: 'name', old_value: 'Audited', new_value: 'Renamed' },
      { key: 'verification_level', old_value: 0, new_value: 2 },
      { key: 'default_message_notifications', old_value: 0, new_value: 1 },
      { key: 'explicit_content_filter', old_value: 0, new_value: 1 },
    ]);
    // Nothing changed, nothing logged; bad input neither.
    await owner.api.ok.patch(`/guilds/${guildId}`, { name: 'Renamed' });
    expect((await owner.api.patch(`/guilds/${guildId}`, { verification_level: 9 })).status).toBe(400);
    expect(await entries(owner, guildId, A.GUILD_UPDATE)).toHaveLength(1);
  });

  it('channel create, update and delete; overwrite create, update and delete (PATCH and PUT/DELETE permissions)', async () => {
    const { owner, member, guildId } = await setup();
    const made = await withReason(owner, 'POST', `/guilds/${guildId}/channels`, { name: 'Staff Room', topic: 'shh' }, 'for staff');
    expect(made.status).toBe(201);
    const channelId = made.body.id as string;
    const [created] = await entries(owner, guildId, A.CHANNEL_CREATE);
    expect(created).toMatchObject({ target_id: channelId, reason: 'for staff' });
    expect(created!.changes).toEqual(expect.arrayContaining([{ key: 'name', new_value: 'staff-room' }, { key: 'type', new_value: 0 }, { key: 'topic', new_value: 'shh' }]));

    await owner.api.ok.patch(`/channels/${channelId}`, { topic: 'quiet please', permission_overwrites: [{ id: guildId, type: 0, deny: String(P.VIEW_CHANNEL) }] });
    const [updated] = await entries(owner, guildId, A.CHANNEL_UPDATE);
    expect(updated!.changes).toEqual([{ key: 'topic', old_value: 'shh', new_value: 'quiet please' }]);
    const [ow] = await entries(owner, guildId, A.CHANNEL_OVERWRITE_CREATE);
    expect(ow).toMatchObject({ target_id: channelId, options: { id: guildId, type: '0', role_name: '@everyone' } });
    expect(ow!.changes).toEqual([{ key: 'id', new_value: guildId }, { key: 'type', new_value: 0 }, { key: 'allow', new_value: '0' }, { key: 'deny', new_value: String(P.VIEW_CHANNEL) }]);

    // PUT: an overwrite for the member (created), then changed; DELETE removes it.
    expect((await owner.api.put(`/channels/${channelId}/permissions/${member.id}`, { type: 1, allow: String(P.VIEW_CHANNEL) })).status).toBe(204);
    expect((await member.api.get(`/channels/${channelId}`)).status).toBe(200);
    expect((await owner.api.put(`/channels/${channelId}/permissions/${member.id}`, { type: 1, allow: String(P.VIEW_CHANNEL | P.SEND_MESSAGES) })).status).toBe(204);
    const [owUpdate] = await entries(owner, guildId, A.CHANNEL_OVERWRITE_UPDATE);
    expect(owUpdate).toMatchObject({ options: { id: member.id, type: '1' }, changes: [{ key: 'allow', old_value: String(P.VIEW_CHANNEL), new_value: String(P.VIEW_CHANNEL | P.SEND_MESSAGES) }] });
    expect((await owner.api.delete(`/channels/${channelId}/permissions/${member.id}`)).status).toBe(204);
    expect((await member.api.get(`/channels/${channelId}`)).body.code).toBe(50001);
    const [owDelete] = await entries(owner, guildId, A.CHANNEL_OVERWRITE_DELETE);
    expect(owDelete).toMatchObject({ options: { id: member.id, type: '1' } });
    expect(await entries(owner, guildId, A.CHANNEL_OVERWRITE_CREATE)).toHaveLength(2);
    // Without MANAGE_ROLES: refused, nothing logged.
    expect((await member.api.put(`/channels/${channelId}/permissions/${member.id}`, { type: 1, allow: '0' })).body.code).toBe(50001);
    expect((await owner.api.put(`/channels/${channelId}/permissions/1234567890123456789`, { type: 0 })).body.code).toBe(10011);

    await owner.api.ok.delete(`/channels/${channelId}`);
    const [deleted] = await entries(owner, guildId, A.CHANNEL_DELETE);
    expect(deleted).toMatchObject({ target_id: channelId });
    expect(deleted!.changes).toEqual(expect.arrayContaining([{ key: 'name', old_value: 'staff-room' }]));
  });

  it('invite create and delete, bot add, webhook create, update and delete, a moderator deleting a message', async () => {
    const { owner, member, guildId, generalId } = await setup();
    const invite = await owner.api.ok.post<{ code: string }>(`/channels/${generalId}/invites`, { max_age: 60 });
    const made = (await entries(owner, guildId, A.INVITE_CREATE)).find((e) => e.changes?.some((c) => c.new_value === invite.code));
    expect(made!.changes).toEqual(expect.arrayContaining([{ key: 'channel_id', new_value: generalId }, { key: 'max_age', new_value: 60 }, { key: 'inviter_id', new_value: owner.id }]));
    await owner.api.ok.delete(`/invites/${invite.code}`);
    const [gone] = await entries(owner, guildId, A.INVITE_DELETE);
    expect(gone!.changes).toEqual(expect.arrayContaining([{ key: 'code', old_value: invite.code }]));

    const bot = await newBot(owner.api);
    await addBot(owner.api, guildId, bot);
    const [added] = await entries(owner, guildId, A.BOT_ADD);
    expect(added).toMatchObject({ user_id: owner.id, target_id: bot.userId });

    const hook = await owner.api.ok.post<{ id: string }>(`/channels/${generalId}/webhooks`, { name: 'Hook' });
    await owner.api.ok.patch(`/webhooks/${hook.id}`, { name: 'Captain Hook' });
    await owner.api.ok.delete(`/webhooks/${hook.id}`);
    const [wc] = await entries(owner, guildId, A.WEBHOOK_CREATE);
    expect(wc).toMatchObject({ target_id: hook.id, changes: expect.arrayContaining([{ key: 'name', new_value: 'Hook' }, { key: 'channel_id', new_value: generalId }]) });
    const [wu] = await entries(owner, guildId, A.WEBHOOK_UPDATE);
    expect(wu!.changes).toEqual([{ key: 'name', old_value: 'Hook', new_value: 'Captain Hook' }]);
    const [wd] = await entries(owner, guildId, A.WEBHOOK_DELETE);
    expect(wd!.changes).toEqual(expect.arrayContaining([{ key: 'name', old_value: 'Captain Hook' }]));

    const mine = await member.api.ok.post<Message>(`/channels/${generalId}/messages`, { content: 'mine' });
    const theirs = await member.api.ok.post<Message>(`/channels/${generalId}/messages`, { content: 'theirs' });
    await member.api.ok.delete(`/channels/${generalId}/messages/${mine.id}`);
    expect(await entries(owner, guildId, A.MESSAGE_DELETE)).toHaveLength(0);
    await owner.api.ok.delete(`/channels/${generalId}/messages/${theirs.id}`);
    const [md] = await entries(owner, guildId, A.MESSAGE_DELETE);
    expect(md).toMatchObject({ user_id: owner.id, target_id: member.id, options: { channel_id: generalId, count: '1' } });
  });

  it('filters: user_id, action_type, before, after, limit', async () => {
    const { owner, member, guildId } = await setup();
    const role = await owner.api.ok.post<{ id: string }>(`/guilds/${guildId}/roles`, { name: 'Mods', permissions: String(P.MANAGE_CHANNELS) });
    await owner.api.ok.put(`/guilds/${guildId}/members/${member.id}/roles/${role.id}`);
    for (const name of ['a', 'b', 'c']) await member.api.ok.post(`/guilds/${guildId}/channels`, { name });
    const byMember = await owner.api.ok.get<Log>(`/guilds/${guildId}/audit-logs?user_id=${member.id}`);
    expect(byMember.audit_log_entries.map((e) => e.action_type)).toEqual([A.CHANNEL_CREATE, A.CHANNEL_CREATE, A.CHANNEL_CREATE]);
    const [newest, middle, oldest] = byMember.audit_log_entries;
    const page = await owner.api.ok.get<Log>(`/guilds/${guildId}/audit-logs?user_id=${member.id}&limit=1&before=${newest!.id}`);
    expect(page.audit_log_entries.map((e) => e.id)).toEqual([middle!.id]);
    const after = await owner.api.ok.get<Log>(`/guilds/${guildId}/audit-logs?user_id=${member.id}&after=${oldest!.id}`);
    expect(after.audit_log_entries.map((e) => e.id).sort()).toEqual([middle!.id, newest!.id].sort());
    expect((await owner.api.get(`/guilds/${guildId}/audit-logs?limit=101`)).status).toBe(400);
  });
});

describe('guild settings that moderate', () => {
  it('verification level 2 and 3: young accounts and newcomers without a role cannot send; a role, the owner pass', async () => {
    const { owner, member, guildId, generalId } = await setup();
    await owner.api.ok.patch(`/guilds/${guildId}`, { verification_level: 2 });
    const refused = await member.api.post(`/channels/${generalId}/messages`, { content: 'hi' });
    expect([refused.status, refused.body.code]).toEqual([403, 50009]);
    expect((await owner.api.post(`/channels/${generalId}/messages`, { content: 'hi' })).status).toBe(200);
    const role = await owner.api.ok.post<{ id: string }>(`/guilds/${guildId}/roles`, { name: 'Known' });
    await owner.api.ok.put(`/guilds/${guildId}/members/${member.id}/roles/${role.id}`);
    expect((await member.api.post(`/channels/${generalId}/messages`, { content: 'hi' })).status).toBe(200);
    await owner.api.ok.delete(`/guilds/${guildId}/members/${member.id}/roles/${role.id}`);
    await owner.api.ok.patch(`/guilds/${guildId}`, { verification_level: 3 });
    expect((await member.api.post(`/channels/${generalId}/messages`, { content: 'hi' })).body.code).toBe(50009);
    await owner.api.ok.patch(`/guilds/${guildId}`, { verification_level: 0 });
    expect((await member.api.post(`/channels/${generalId}/messages`, { content: 'hi' })).status).toBe(200);
  });

  it('ownership transfer: the owner only, to a member; logged; the old owner can then leave', async () => {
    const { owner, member, guildId } = await setup();
    const stranger = await newUser(server.base, 'stranger');
    expect((await member.api.patch(`/guilds/${guildId}`, { owner_id: member.id })).body.code).toBe(50013);
    const admin = await owner.api.ok.post<{ id: string }>(`/guilds/${guildId}/roles`, { name: 'Admin', permissions: String(P.ADMINISTRATOR) });
    await owner.api.ok.put(`/guilds/${guildId}/members/${member.id}/roles/${admin.id}`);
    // Even an administrator cannot take the guild.
    expect((await member.api.patch(`/guilds/${guildId}`, { owner_id: member.id })).body.code).toBe(50013);
    expect((await owner.api.patch(`/guilds/${guildId}`, { owner_id: stranger.id })).body.code).toBe(50035);
    const moved = await owner.api.ok.patch(`/guilds/${guildId}`, { owner_id: member.id });
    expect(moved.owner_id).toBe(member.id);
    const [e] = await entries(member, guildId, A.GUILD_UPDATE);
    expect(e!.changes).toEqual([{ key: 'owner_id', old_value: owner.id, new_value: member.id }]);
    expect((await owner.api.delete(`/users/@me/guilds/${guildId}`)).status).toBe(204);
    expect((await member.api.delete(`/users/@me/guilds/${guildId}`)).body.code).toBe(50055);
  });
});
