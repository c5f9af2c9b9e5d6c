/**
 * AutoMod member-profile rules (trigger type 6): a member whose nickname, display name or username matches is
 * quarantined (BLOCK_MEMBER_INTERACTION, member flag 1 << 7) and can read but not send or react, until a name
 * change clears it; alerts go to the rule's channel; one audit entry and one execution event per action.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogEvents, GuildMemberFlags, type AutoModRule, type Member, type Message } from '@concord/protocol';
import { GatewayTester, join, newGuild, newUser, type TestServer } from '../src/testing.js';

export function automodProfileSuite(name: string, start: () => Promise<TestServer>): void {
let server: TestServer;
const sessions: GatewayTester[] = [];
beforeAll(async () => {
  server = await start();
});
afterAll(async () => {
  for (const s of sessions) s.terminate();
  await server?.close();
});
const identify = async (token: string) => {
  const t = await GatewayTester.identify(server.gatewayUrl, token);
  sessions.push(t);
  return t;
};

const Q = GuildMemberFlags.AUTOMOD_QUARANTINED_USERNAME;
const rules = (guildId: string) => `/guilds/${guildId}/auto-moderation/rules`;
const profileRule = (metadata: Record<string, unknown>, actions: unknown[] = [{ type: 4 }], extra: Record<string, unknown> = {}) => ({
  name: 'Names',
  event_type: 2,
  trigger_type: 6,
  trigger_metadata: metadata,
  actions,
  enabled: true,
  ...extra,
});
type Log = { audit_log_entries: { action_type: number; user_id: string; target_id: string; options?: Record<string, string> }[] };

async function setup() {
  const owner = await newUser(server.base, 'owner');
  const g = await newGuild(owner.api, 'Named');
  return { owner, guildId: g.id, generalId: g.generalId };
}

describe(`member profile rules (${name})`, () => {
  it('a nickname that matches quarantines the member: they read but cannot send or react; a clean nickname frees them', async () => {
    const { owner, guildId, generalId } = await setup();
    const member = await newUser(server.base, 'member');
    await join(owner.api, member.api, generalId);
    const live = await identify(owner.token);
    const rule = await owner.api.ok.post<AutoModRule>(rules(guildId), profileRule({ keyword_filter: ['*admin*'], allow_list: ['badminton'] }));
    const before = await owner.api.ok.post<Message>(`/channels/${generalId}/messages`, { content: 'hello' });
    expect((await member.api.post(`/channels/${generalId}/messages`, { content: 'fine' })).status).toBe(200);

    const renamed = await member.api.ok.patch<Member>(`/guilds/${guildId}/members/@me`, { nick: 'Real Admin' });
    expect(renamed.flags & Q).toBe(Q);
    const exec = await live.next((f) => f.t === 'AUTO_MODERATION_ACTION_EXECUTION');
    expect(exec.d).toMatchObject({ guild_id: guildId, rule_id: rule.id, rule_trigger_type: 6, user_id: member.id, action: { type: 4 }, matched_keyword: '*admin*', matched_content: 'Admin' });
    expect(exec.d.channel_id).toBeUndefined();
    const update = await live.next((f) => f.t === 'GUILD_MEMBER_UPDATE' && f.d.user?.id === member.id && (f.d.flags & Q) !== 0);
    expect(update.d.nick).toBe('Real Admin');

    // Quarantined: reading works, sending and reacting do not.
    expect((await member.api.get(`/channels/${generalId}/messages`)).status).toBe(200);
    expect((await member.api.post(`/channels/${generalId}/messages`, { content: 'hi' })).body.code).toBe(50013);
    expect((await member.api.put(`/channels/${generalId}/messages/${before.id}/reactions/%F0%9F%91%8D/@me`)).status).toBe(403);
    const fetched = await owner.api.ok.get<Member>(`/guilds/${guildId}/members/${member.id}`);
    expect(fetched.flags & Q).toBe(Q);

    // Another blocked name keeps the quarantine without a second entry; an allowed or clean one ends it.
    await member.api.ok.patch(`/guilds/${guildId}/members/@me`, { nick: 'admin2' });
    const freed = await member.api.ok.patch<Member>(`/guilds/${guildId}/members/@me`, { nick: 'badminton fan' });
    expect(freed.flags & Q).toBe(0);
    await live.next((f) => f.t === 'GUILD_MEMBER_UPDATE' && f.d.user?.id === member.id && (f.d.flags & Q) === 0 && f.d.nick === 'badminton fan');
    expect((await member.api.post(`/channels/${generalId}/messages`, { content: 'back' })).status).toBe(200);

    const log = await owner.api.ok.get<Log>(`/guilds/${guildId}/audit-logs?action_type=${AuditLogEvents.AUTO_MODERATION_QUARANTINE_USER}`);
    expect(log.audit_log_entries).toHaveLength(1);
    expect(log.audit_log_entries[0]).toMatchObject({ user_id: member.id, target_id: member.id, options: { auto_moderation_rule_name: 'Names', auto_moderation_rule_trigger_type: '6' } });
  });

  it('judges the username and display name on join and on a profile change; exempt roles and managers pass', async () => {
    const { owner, guildId, generalId } = await setup();
    await owner.api.ok.post(rules(guildId), profileRule({ regex_patterns: ['free\\s*nitro'] }));
    const spammer = await newUser(server.base, 'freenitro');
    await join(owner.api, spammer.api, generalId);
    const joined = await owner.api.ok.get<Member>(`/guilds/${guildId}/members/${spammer.id}`);
    expect(joined.flags & Q).toBe(Q);
    // The display name counts too: a member who takes a blocked one is quarantined in every guild.
    const other = await newUser(server.base, 'other');
    await join(owner.api, other.api, generalId);
    expect((await owner.api.ok.get<Member>(`/guilds/${guildId}/members/${other.id}`)).flags & Q).toBe(0);
    await other.api.ok.patch('/users/@me', { global_name: 'Free Nitro here' });
    expect((await owner.api.ok.get<Member>(`/guilds/${guildId}/members/${other.id}`)).flags & Q).toBe(Q);
    await other.api.ok.patch('/users/@me', { global_name: 'Just Other' });
    expect((await owner.api.ok.get<Member>(`/guilds/${guildId}/members/${other.id}`)).flags & Q).toBe(0);

    // An exempt role, and a manager, may carry the name.
    const role = await owner.api.ok.post<{ id: string }>(`/guilds/${guildId}/roles`, { name: 'Known' });
    const rule = (await owner.api.ok.get<AutoModRule[]>(rules(guildId)))[0]!;
    await owner.api.ok.patch(`${rules(guildId)}/${rule.id}`, { exempt_roles: [role.id] });
    await owner.api.ok.put(`/guilds/${guildId}/members/${other.id}/roles/${role.id}`);
    await other.api.ok.patch('/users/@me', { global_name: 'free nitro again' });
    expect((await owner.api.ok.get<Member>(`/guilds/${guildId}/members/${other.id}`)).flags & Q).toBe(0);
    const nick = await owner.api.ok.patch<Member>(`/guilds/${guildId}/members/@me`, { nick: 'free nitro owner' });
    expect(nick.flags & Q).toBe(0);
  });

  it('an alert action posts a type-24 message naming the rule; a disabled or deleted rule quarantines nobody', async () => {
    const { owner, guildId, generalId } = await setup();
    const logChannel = await owner.api.ok.post<{ id: string }>(`/guilds/${guildId}/channels`, { name: 'mod-log' });
    const rule = await owner.api.ok.post<AutoModRule>(rules(guildId), profileRule({ keyword_filter: ['scam'] }, [{ type: 2, metadata: { channel_id: logChannel.id } }]));
    const member = await newUser(server.base, 'member');
    await join(owner.api, member.api, generalId);
    const live = await identify(owner.token);
    const named = await member.api.ok.patch<Member>(`/guilds/${guildId}/members/@me`, { nick: 'scam bot' });
    // Alert only: no quarantine.
    expect(named.flags & Q).toBe(0);
    const exec = await live.next((f) => f.t === 'AUTO_MODERATION_ACTION_EXECUTION');
    expect(exec.d).toMatchObject({ action: { type: 2, metadata: { channel_id: logChannel.id } }, matched_content: 'scam', content: 'scam bot' });
    const [alert] = await owner.api.ok.get<Message[]>(`/channels/${logChannel.id}/messages`);
    expect(alert).toMatchObject({ id: exec.d.alert_system_message_id, type: 24, author: { id: member.id }, content: 'scam bot' });
    expect((alert!.embeds[0] as { fields: unknown[] }).fields).toEqual(expect.arrayContaining([{ name: 'rule_name', value: 'Names', inline: false }]));
    const log = await owner.api.ok.get<Log>(`/guilds/${guildId}/audit-logs?action_type=${AuditLogEvents.AUTO_MODERATION_FLAG_TO_CHANNEL}`);
    expect(log.audit_log_entries).toHaveLength(1);

    await owner.api.ok.patch(`${rules(guildId)}/${rule.id}`, { actions: [{ type: 4 }], enabled: false });
    expect((await member.api.ok.patch<Member>(`/guilds/${guildId}/members/@me`, { nick: 'scam two' })).flags & Q).toBe(0);
    await owner.api.ok.patch(`${rules(guildId)}/${rule.id}`, { enabled: true });
    expect((await member.api.ok.patch<Member>(`/guilds/${guildId}/members/@me`, { nick: 'scam three' })).flags & Q).toBe(Q);
    // With the rule gone, the next name change releases the member.
    await owner.api.ok.delete(`${rules(guildId)}/${rule.id}`);
    expect((await member.api.ok.patch<Member>(`/guilds/${guildId}/members/@me`, { nick: 'scam three!' })).flags & Q).toBe(0);
  });

  it('refuses message actions on a profile rule and the profile event type on a message rule', async () => {
    const { owner, guildId } = await setup();
    const blockMessage = await owner.api.post(rules(guildId), profileRule({ keyword_filter: ['x'] }, [{ type: 1 }]));
    expect(blockMessage.status).toBe(400);
    expect(blockMessage.body.errors.actions['0'].type._errors[0].code).toBe('AUTO_MODERATION_INVALID_ACTION_TYPE');
    const wrongEvent = await owner.api.post(rules(guildId), profileRule({ keyword_filter: ['x'] }, [{ type: 4 }], { event_type: 1 }));
    expect(wrongEvent.body.errors.event_type._errors[0].code).toBe('AUTO_MODERATION_INVALID_EVENT_TYPE');
    expect(await owner.api.ok.get(rules(guildId))).toEqual([]);
  });
});
}
