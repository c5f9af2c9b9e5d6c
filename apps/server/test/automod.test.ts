/** AutoMod over REST and the gateway: rule CRUD, every trigger and action, exemptions, permissions, bad input, audit entries. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogEvents, GatewayIntents, Permissions as P, type AutoModRule, type Message } from '@concord/protocol';
import { GatewayTester, join, newGuild, newUser, startTestServer, type TestServer, type TestUser } from '../src/testing.js';

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

const rules = (guildId: string) => `/guilds/${guildId}/auto-moderation/rules`;
const keywordRule = (metadata: Record<string, unknown>, actions: unknown[] = [{ type: 1 }], extra: Record<string, unknown> = {}) => ({
  name: 'Words',
  event_type: 1,
  trigger_type: 1,
  trigger_metadata: metadata,
  actions,
  enabled: true,
  ...extra,
});
const send = (user: TestUser, channelId: string, content: string) => user.api.post(`/channels/${channelId}/messages`, { content });
const history = async (user: TestUser, channelId: string) => user.api.ok.get<Message[]>(`/channels/${channelId}/messages?limit=50`);

describe('rules', () => {
  it('create, list, get, modify and delete in Discord shape, with events to managers and audit entries', async () => {
    const { owner, member, guildId } = await setup();
    const ownerLive = await identify(owner.token);
    const memberLive = await identify(member.token);
    const created = await owner.api.raw<AutoModRule>('POST', rules(guildId), {
      body: JSON.stringify({ name: 'Words', event_type: 1, trigger_type: 1, trigger_metadata: { keyword_filter: ['cat*'] }, actions: [{ type: 1, metadata: { custom_message: 'Be nice' } }] }),
      headers: { 'content-type': 'application/json', 'x-audit-log-reason': 'tidy%20up' },
    });
    expect(created.status).toBe(200);
    const rule = created.body;
    expect(rule).toEqual({
      id: rule.id,
      guild_id: guildId,
      name: 'Words',
      creator_id: owner.id,
      event_type: 1,
      trigger_type: 1,
      trigger_metadata: { keyword_filter: ['cat*'], regex_patterns: [], allow_list: [] },
      actions: [{ type: 1, metadata: { custom_message: 'Be nice' } }],
      enabled: false,
      exempt_roles: [],
      exempt_channels: [],
    });
    await ownerLive.next((f) => f.t === 'AUTO_MODERATION_RULE_CREATE' && f.d.id === rule.id);
    expect(await owner.api.ok.get(rules(guildId))).toEqual([rule]);
    expect(await owner.api.ok.get(`${rules(guildId)}/${rule.id}`)).toEqual(rule);
    const edited = await owner.api.ok.patch<AutoModRule>(`${rules(guildId)}/${rule.id}`, { enabled: true, name: 'Cats' });
    expect(edited).toMatchObject({ enabled: true, name: 'Cats', trigger_type: 1 });
    await ownerLive.next((f) => f.t === 'AUTO_MODERATION_RULE_UPDATE' && f.d.name === 'Cats');
    expect((await owner.api.delete(`${rules(guildId)}/${rule.id}`)).status).toBe(204);
    await ownerLive.next((f) => f.t === 'AUTO_MODERATION_RULE_DELETE' && f.d.id === rule.id);
    expect((await owner.api.get(`${rules(guildId)}/${rule.id}`)).body.code).toBe(10066);
    // Members without MANAGE_GUILD neither see the rules nor hear of them.
    expect(memberLive.dispatches('AUTO_MODERATION_RULE_CREATE')).toHaveLength(0);
    const log = await owner.api.ok.get<{ audit_log_entries: { action_type: number; target_id: string; reason?: string; changes?: unknown[] }[] }>(`/guilds/${guildId}/audit-logs`);
    const types = log.audit_log_entries.map((e) => e.action_type).filter((t) => t >= 140);
    expect(types).toEqual([AuditLogEvents.AUTO_MODERATION_RULE_DELETE, AuditLogEvents.AUTO_MODERATION_RULE_UPDATE, AuditLogEvents.AUTO_MODERATION_RULE_CREATE]);
    const entries = log.audit_log_entries.filter((e) => e.action_type >= 140);
    expect(entries[2]).toMatchObject({ target_id: rule.id, reason: 'tidy up' });
    expect(entries[1]!.changes).toEqual([
      { key: 'name', old_value: 'Words', new_value: 'Cats' },
      { key: 'enabled', old_value: false, new_value: true },
    ]);
  });

  it('needs MANAGE_GUILD, and MODERATE_MEMBERS for a timeout action; a session without the intent hears nothing', async () => {
    const { owner, member, guildId } = await setup();
    expect((await member.api.get(rules(guildId))).body.code).toBe(50013);
    expect((await member.api.post(rules(guildId), keywordRule({ keyword_filter: ['x'] }))).body.code).toBe(50013);
    const role = await owner.api.ok.post<{ id: string }>(`/guilds/${guildId}/roles`, { name: 'Managers', permissions: String(P.MANAGE_GUILD) });
    await owner.api.ok.put(`/guilds/${guildId}/members/${member.id}/roles/${role.id}`);
    const quiet = await identify(member.token, GatewayIntents.Guilds | GatewayIntents.GuildMessages);
    expect((await member.api.post(rules(guildId), keywordRule({ keyword_filter: ['x'] }, [{ type: 3, metadata: { duration_seconds: 60 } }]))).body.code).toBe(50013);
    const made = await member.api.ok.post<AutoModRule>(rules(guildId), keywordRule({ keyword_filter: ['x'] }));
    // The audit log carries the rules its entries name.
    expect((await owner.api.ok.get<{ auto_moderation_rules: AutoModRule[] }>(`/guilds/${guildId}/audit-logs`)).auto_moderation_rules).toEqual([made]);
    const loud = await identify(owner.token);
    await owner.api.ok.patch(`${rules(guildId)}/${made.id}`, { name: 'Renamed' });
    await loud.next((f) => f.t === 'AUTO_MODERATION_RULE_UPDATE');
    expect(quiet.dispatches('AUTO_MODERATION_RULE_UPDATE')).toHaveLength(0);
  });

  it('refuses bad input with Discord errors and stores nothing', async () => {
    const { owner, guildId, generalId } = await setup();
    const refuse = async (body: unknown, path: string[]) => {
      const r = await owner.api.post(rules(guildId), body);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.code).toBe(50035);
      let node = r.body.errors;
      for (const key of path) node = node?.[key];
      expect(node?._errors, JSON.stringify(r.body)).toBeDefined();
    };
    await refuse(keywordRule({ regex_patterns: ['(unclosed'] }), ['trigger_metadata', 'regex_patterns', '0']);
    await refuse(keywordRule({ regex_patterns: ['ok', 'a(?=b)'] }), ['trigger_metadata', 'regex_patterns', '1']);
    await refuse(keywordRule({ regex_patterns: ['(a{100}){100}'] }), ['trigger_metadata', 'regex_patterns', '0']);
    await refuse(keywordRule({ regex_patterns: Array.from({ length: 11 }, (_, i) => `p${i}`) }), ['trigger_metadata', 'regex_patterns']);
    await refuse(keywordRule({ regex_patterns: ['a'.repeat(261)] }), ['trigger_metadata', 'regex_patterns', '0']);
    await refuse(keywordRule({ keyword_filter: ['k'.repeat(61)] }), ['trigger_metadata', 'keyword_filter', '0']);
    await refuse(keywordRule({ allow_list: Array.from({ length: 101 }, (_, i) => `w${i}`) }), ['trigger_metadata', 'allow_list']);
    await refuse(keywordRule({ keyword_filter: ['x'] }, [{ type: 2, metadata: { channel_id: '1234567890123456789' } }]), ['actions', '0', 'metadata', 'channel_id']);
    await refuse(keywordRule({ keyword_filter: ['x'] }, [{ type: 3, metadata: { duration_seconds: 2419201 } }]), ['actions', '0', 'metadata', 'duration_seconds']);
    await refuse(keywordRule({ keyword_filter: ['x'] }, [{ type: 3 }]), ['actions', '0', 'metadata', 'duration_seconds']);
    await refuse({ name: 'spam', event_type: 1, trigger_type: 3, actions: [{ type: 3, metadata: { duration_seconds: 60 } }] }, ['actions', '0', 'type']);
    await refuse(keywordRule({ keyword_filter: ['x'] }, [{ type: 1 }], { exempt_roles: ['1234567890123456789'] }), ['exempt_roles', '0']);
    await refuse(keywordRule({ keyword_filter: ['x'] }, [{ type: 1 }], { event_type: 2 }), ['event_type']);
    await refuse({ ...keywordRule({ keyword_filter: ['x'] }), trigger_type: 2 }, ['trigger_type']);
    expect(await owner.api.ok.get(rules(guildId))).toEqual([]);
    // One spam rule per guild, six keyword rules.
    await owner.api.ok.post(rules(guildId), { name: 'spam', event_type: 1, trigger_type: 3, actions: [{ type: 1 }] });
    await refuse({ name: 'spam 2', event_type: 1, trigger_type: 3, actions: [{ type: 1 }] }, ['trigger_type']);
    for (let i = 0; i < 6; i++) await owner.api.ok.post(rules(guildId), keywordRule({ keyword_filter: [`w${i}`] }));
    await refuse(keywordRule({ keyword_filter: ['w7'] }), ['trigger_type']);
    expect((await owner.api.ok.get<AutoModRule[]>(rules(guildId))).length).toBe(7);
    const audit = await owner.api.ok.get<{ audit_log_entries: unknown[] }>(`/guilds/${guildId}/audit-logs?action_type=${AuditLogEvents.AUTO_MODERATION_RULE_CREATE}`);
    expect(audit.audit_log_entries).toHaveLength(7);
    void generalId;
  });
});

describe('keyword rules', () => {
  it("match Discord's wildcard syntax, phrases, regexes and allow lists, case-insensitively", async () => {
    const { owner, member, guildId, generalId } = await setup();
    await owner.api.ok.post(
      rules(guildId),
      keywordRule({ keyword_filter: ['cat', 'tra*', '*dog', '*ana*', 'the mat', 'c++'], regex_patterns: ['h[a4]ck(er)?s?\\b'], allow_list: ['banana', 'tractor'] }),
    );
    const blocked = ['a CAT!', 'Training day', 'hotdog please', 'a canary', 'on the mat.', 'I write C++', 'h4ckers everywhere'];
    const passed = ['catalog', 'extra', 'doggy', 'the matrix', 'banana split', 'a tractor', 'hacking', 'bobcat'];
    for (const content of blocked) {
      const r = await send(member, generalId, content);
      expect([content, r.status, r.body.code]).toEqual([content, 400, 200000]);
      expect(r.body.message).toBe('Message was blocked by automatic moderation');
    }
    for (const content of passed) {
      const r = await send(member, generalId, content);
      expect([content, r.status]).toEqual([content, 200]);
    }
    // Nothing blocked was stored.
    const contents = (await history(owner, generalId)).map((m) => m.content);
    for (const c of blocked) expect(contents).not.toContain(c);
  });

  it('a hostile regex is bounded: linear-time matching, no stall', async () => {
    const { owner, member, guildId, generalId } = await setup();
    await owner.api.ok.post(rules(guildId), keywordRule({ regex_patterns: ['(a|aa)*c', 'a*a*a*a*a*b', '(.*)*x', '(\\w+\\s?)*$z'] }));
    const started = performance.now();
    const r = await send(member, generalId, 'a'.repeat(1999) + '!');
    expect(r.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('blocks with the custom message, alerts with a type-24 message, times out; one audit entry and one event per action', async () => {
    const { owner, member, guildId, generalId } = await setup();
    const alerts = await owner.api.ok.post<{ id: string }>(`/guilds/${guildId}/channels`, { name: 'mod-log' });
    const live = await identify(owner.token);
    await owner.api.ok.post(
      rules(guildId),
      keywordRule({ keyword_filter: ['forbidden'] }, [
        { type: 1, metadata: { custom_message: 'Not here, please.' } },
        { type: 2, metadata: { channel_id: alerts.id } },
        { type: 3, metadata: { duration_seconds: 120 } },
      ]),
    );
    const r = await send(member, generalId, 'a Forbidden word');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 200000, message: 'Message was blocked by automatic moderation', custom_message: 'Not here, please.' });
    const exec = await live.next((f) => f.t === 'AUTO_MODERATION_ACTION_EXECUTION' && f.d.action.type === 2);
    expect(exec.d).toMatchObject({ guild_id: guildId, user_id: member.id, channel_id: generalId, content: 'a Forbidden word', matched_keyword: 'forbidden', matched_content: 'Forbidden', rule_trigger_type: 1 });
    expect(exec.d.message_id).toBeUndefined();
    await live.next((f) => f.t === 'AUTO_MODERATION_ACTION_EXECUTION' && f.d.action.type === 1);
    await live.next((f) => f.t === 'AUTO_MODERATION_ACTION_EXECUTION' && f.d.action.type === 3);
    const [alert] = await history(owner, alerts.id);
    expect(alert).toMatchObject({ id: exec.d.alert_system_message_id, type: 24, author: { id: member.id }, content: 'a Forbidden word' });
    expect(alert!.embeds[0]).toMatchObject({ type: 'auto_moderation_message' });
    expect((await history(owner, generalId)).some((m) => m.content.includes('Forbidden'))).toBe(false);
    // Timed out: the member's next message is refused for lack of permission.
    const m = await owner.api.ok.get<{ communication_disabled_until: string | null }>(`/guilds/${guildId}/members/${member.id}`);
    expect(Date.parse(m.communication_disabled_until!) - Date.now()).toBeGreaterThan(100_000);
    expect((await send(member, generalId, 'hello')).body.code).toBe(50013);
    const log = await owner.api.ok.get<{ audit_log_entries: { action_type: number; user_id: string; target_id: string; options?: Record<string, string> }[] }>(`/guilds/${guildId}/audit-logs`);
    const auto = log.audit_log_entries.filter((e) => e.action_type >= 143);
    expect(auto.map((e) => e.action_type).sort()).toEqual([143, 144, 145]);
    for (const e of auto) expect(e).toMatchObject({ user_id: member.id, target_id: member.id, options: { auto_moderation_rule_name: 'Words', auto_moderation_rule_trigger_type: '1', channel_id: generalId } });
  });

  it('an alert-only rule lets the message through and names it', async () => {
    const { owner, member, guildId, generalId } = await setup();
    const live = await identify(owner.token);
    await owner.api.ok.post(rules(guildId), keywordRule({ keyword_filter: ['hmm'] }, [{ type: 2, metadata: { channel_id: generalId } }]));
    const sent = await member.api.ok.post<Message>(`/channels/${generalId}/messages`, { content: 'hmm okay' });
    const exec = await live.next((f) => f.t === 'AUTO_MODERATION_ACTION_EXECUTION');
    expect(exec.d.message_id).toBe(sent.id);
  });

  it('exempt roles, exempt channels (and their threads), managers and disabled rules pass; edits are judged too', async () => {
    const { owner, member, guildId, generalId } = await setup();
    const role = await owner.api.ok.post<{ id: string }>(`/guilds/${guildId}/roles`, { name: 'Trusted' });
    const free = await owner.api.ok.post<{ id: string }>(`/guilds/${guildId}/channels`, { name: 'free' });
    const rule = await owner.api.ok.post<AutoModRule>(rules(guildId), keywordRule({ keyword_filter: ['bad'] }, [{ type: 1 }], { exempt_roles: [role.id], exempt_channels: [free.id] }));
    expect((await send(member, generalId, 'bad')).body.code).toBe(200000);
    expect((await send(member, free.id, 'bad')).status).toBe(200);
    const thread = await member.api.ok.post<{ id: string }>(`/channels/${free.id}/threads`, { name: 'talk', type: 11 });
    expect((await send(member, thread.id, 'bad')).status).toBe(200);
    const other = await member.api.ok.post<{ id: string }>(`/channels/${generalId}/threads`, { name: 'talk', type: 11 });
    expect((await send(member, other.id, 'bad')).body.code).toBe(200000);
    expect((await send(owner, generalId, 'bad')).status).toBe(200);
    // An edit into a keyword is refused and changes nothing.
    const fine = await member.api.ok.post<Message>(`/channels/${generalId}/messages`, { content: 'good' });
    const edit = await member.api.patch(`/channels/${generalId}/messages/${fine.id}`, { content: 'bad now' });
    expect(edit.body.code).toBe(200000);
    expect((await member.api.ok.get<Message>(`/channels/${generalId}/messages/${fine.id}`)).content).toBe('good');
    await owner.api.ok.put(`/guilds/${guildId}/members/${member.id}/roles/${role.id}`);
    expect((await send(member, generalId, 'bad')).status).toBe(200);
    await owner.api.ok.delete(`/guilds/${guildId}/members/${member.id}/roles/${role.id}`);
    await owner.api.ok.patch(`${rules(guildId)}/${rule.id}`, { enabled: false });
    expect((await send(member, generalId, 'bad')).status).toBe(200);
  });

  it('over the gateway send op too', async () => {
    const { owner, member, guildId, generalId } = await setup();
    await owner.api.ok.post(rules(guildId), keywordRule({ keyword_filter: ['bad'] }));
    const live = await identify(member.token);
    live.send({ op: 100, d: { channel_id: generalId, content: 'bad', nonce: 'n1' } });
    const reply = await live.next((f) => f.op === 101, { what: 'the send answer' });
    expect(reply.d).toMatchObject({ nonce: 'n1', error: { code: 200000, status: 400 } });
  });
});

describe('other triggers', () => {
  it('spam: the third identical message within a minute, or a quick cross-post, is blocked', async () => {
    const { owner, member, guildId, generalId } = await setup();
    const other = await owner.api.ok.post<{ id: string }>(`/guilds/${guildId}/channels`, { name: 'other' });
    await owner.api.ok.post(rules(guildId), { name: 'Spam', event_type: 1, trigger_type: 3, actions: [{ type: 1 }], enabled: true });
    expect((await send(member, generalId, 'Buy now')).status).toBe(200);
    expect((await send(member, generalId, 'buy   NOW')).status).toBe(200);
    expect((await send(member, generalId, 'buy now')).body.code).toBe(200000);
    expect((await send(member, generalId, 'something else')).status).toBe(200);
    expect((await send(member, other.id, 'something else')).body.code).toBe(200000);
  });

  it('mention spam: more unique mentions than the limit, and a raid over several messages', async () => {
    const { owner, member, guildId, generalId } = await setup();
    await owner.api.ok.post(rules(guildId), { name: 'Mentions', event_type: 1, trigger_type: 5, trigger_metadata: { mention_total_limit: 3, mention_raid_protection_enabled: true }, actions: [{ type: 1 }], enabled: true });
    const ids = ['111111111111111111', '222222222222222222', '333333333333333333', '444444444444444444'];
    expect((await send(member, generalId, ids.slice(0, 3).map((i) => `<@${i}>`).join(' '))).status).toBe(200);
    expect((await send(member, generalId, `<@${ids[0]}> <@${ids[0]}>`)).body.code).toBe(200000);
    const fresh = await newUser(server.base, 'fresh');
    await join(owner.api, fresh.api, generalId);
    expect((await send(fresh, generalId, ids.map((i) => `<@${i}>`).join(' '))).body.code).toBe(200000);
    expect((await send(fresh, generalId, 'no mentions at all')).status).toBe(200);
  });

  it('keyword presets with an allow list', async () => {
    const { owner, member, guildId, generalId } = await setup();
    await owner.api.ok.post(rules(guildId), { name: 'Preset', event_type: 1, trigger_type: 4, trigger_metadata: { presets: [1], allow_list: ['bullshit'] }, actions: [{ type: 1 }], enabled: true });
    expect((await send(member, generalId, 'oh shit')).body.code).toBe(200000);
    expect((await send(member, generalId, 'that is bullshit')).status).toBe(200);
    expect((await send(member, generalId, 'shiitake mushrooms')).status).toBe(200);
  });

  it('member profile rules are stored with their own event type', async () => {
    const { owner, guildId } = await setup();
    const rule = await owner.api.ok.post<AutoModRule>(rules(guildId), { name: 'Names', event_type: 2, trigger_type: 6, trigger_metadata: { keyword_filter: ['admin*'] }, actions: [{ type: 4 }], enabled: true });
    expect(rule).toMatchObject({ event_type: 2, trigger_type: 6, actions: [{ type: 4, metadata: {} }] });
  });
});
