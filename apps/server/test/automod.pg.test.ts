/** AutoMod rules and their enforcement on PostgreSQL: the rule store round-trips, a block stores nothing, edits apply. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutoModRule, Message } from '@concord/protocol';
import { createTestDatabase, join, newGuild, newUser, startTestServer, type TestServer } from '../src/testing.js';

let server: TestServer;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer({ databaseUrl: db.url });
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

describe('AutoMod on PostgreSQL', () => {
  it('stores, enforces, edits and deletes a rule', async () => {
    const owner = await newUser(server.base, 'owner');
    const member = await newUser(server.base, 'member');
    const g = await newGuild(owner.api, 'Guarded');
    await join(owner.api, member.api, g.generalId);
    const rule = await owner.api.ok.post<AutoModRule>(`/guilds/${g.id}/auto-moderation/rules`, {
      name: 'Words',
      event_type: 1,
      trigger_type: 1,
      trigger_metadata: { keyword_filter: ['bad*'], regex_patterns: ['w[o0]rse'], allow_list: ['badminton'] },
      actions: [{ type: 1, metadata: { custom_message: 'No.' } }],
      enabled: true,
      exempt_channels: [],
    });
    expect(await owner.api.ok.get(`/guilds/${g.id}/auto-moderation/rules/${rule.id}`)).toEqual(rule);
    expect((await member.api.post(`/channels/${g.generalId}/messages`, { content: 'badly done' })).body.code).toBe(200000);
    expect((await member.api.post(`/channels/${g.generalId}/messages`, { content: 'even w0rse' })).body.code).toBe(200000);
    expect((await member.api.post(`/channels/${g.generalId}/messages`, { content: 'badminton later?' })).status).toBe(200);
    const history = await owner.api.ok.get<Message[]>(`/channels/${g.generalId}/messages`);
    expect(history.map((m) => m.content)).toEqual(['badminton later?']);
    await owner.api.ok.patch(`/guilds/${g.id}/auto-moderation/rules/${rule.id}`, { enabled: false, exempt_roles: [] });
    expect((await member.api.post(`/channels/${g.generalId}/messages`, { content: 'badly done' })).status).toBe(200);
    await owner.api.ok.delete(`/guilds/${g.id}/auto-moderation/rules/${rule.id}`);
    expect(await owner.api.ok.get(`/guilds/${g.id}/auto-moderation/rules`)).toEqual([]);
    const log = await owner.api.ok.get<{ audit_log_entries: { action_type: number }[] }>(`/guilds/${g.id}/audit-logs`);
    expect(log.audit_log_entries.map((e) => e.action_type).filter((t) => t >= 140)).toEqual([142, 141, 143, 143, 140]);
  });
});
