/**
 * AutoMod's spam and mention-raid triggers across two real processes on one PostgreSQL and one Redis: an author
 * whose sends a load balancer spreads over both is judged on all of them, because recent sends live in Redis.
 * PostgreSQL and Redis must be running (CI starts them); without them this suite fails, it never skips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayIntents } from '@concord/protocol';
import { Api, GatewayTester, REDIS_URL, assertRedisReachable, createTestDatabase, join, newGuild, newUser, type TestDatabase, type TestGuild, type TestUser } from '@concord/server/testing';
import { spawnServer, type SpawnedServer } from '../helpers/server.js';

let db: TestDatabase | undefined;
let a: SpawnedServer | undefined;
let b: SpawnedServer | undefined;
let owner: TestUser;
let guild: TestGuild;
/** The owner's session on B: once a rule's event reached it, B's guild replica has the rule. */
let watcherOnB: GatewayTester;

beforeAll(async () => {
  await assertRedisReachable();
  db = await createTestDatabase();
  const common = { DATABASE_URL: db.url, REDIS_URL, RATE_LIMIT_SCALE: '0' };
  // One after the other, so the first runs the migrations on the fresh database alone.
  a = await spawnServer({ ...common, WORKER_ID: '1', PROCESS_ID: '1' });
  b = await spawnServer({ ...common, WORKER_ID: '2', PROCESS_ID: '2' });
  owner = await newUser(a.base);
  guild = await newGuild(owner.api, 'guarded cluster');
  watcherOnB = await GatewayTester.identify(b.gatewayUrl, owner.token, GatewayIntents.Guilds | GatewayIntents.AutoModerationConfiguration, {}, { timeoutMs: 10_000 });
  watcherOnB.keepAlive();
}, 90_000);

afterAll(async () => {
  await watcherOnB?.closeAndWait(1000);
  const outputs = [a, b].map((s) => s && `--- server on ${s.port} ---\n${s.output()}`);
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
  if (process.env.CONCORD_E2E_VERBOSE) console.info(outputs.join('\n'));
}, 60_000);

/** The person's REST client on each process. */
const on = (p: TestUser) => ({ a: new Api(a!.base, p.token), b: new Api(b!.base, p.token) });

describe('AutoMod in a cluster', () => {
  it('spam: identical sends spread over two processes are counted together', async () => {
    const rule = await owner.api.ok.post<{ id: string }>(`/guilds/${guild.id}/auto-moderation/rules`, { name: 'Spam', event_type: 1, trigger_type: 3, actions: [{ type: 1 }], enabled: true });
    // The rule was made on A; B's replica learns it through the bus before the sends below reach B.
    await watcherOnB.next((f) => f.t === 'AUTO_MODERATION_RULE_CREATE' && f.d.id === rule.id, { what: 'the rule on B' });
    const spammer = await newUser(a!.base);
    await join(owner.api, spammer.api, guild.generalId);
    const via = on(spammer);
    const send = (api: Api, content: string) => api.post(`/channels/${guild.generalId}/messages`, { content });
    expect((await send(via.a, 'Buy cheap coins')).status).toBe(200);
    expect((await send(via.b, 'buy cheap coins')).status).toBe(200);
    // The third, on either process: each alone has seen at most two.
    const third = await send(via.a, 'BUY cheap coins');
    expect(third.status).toBe(400);
    expect(third.body.code).toBe(200000);
    expect((await send(via.b, 'buy   cheap coins')).body.code).toBe(200000);
    // Someone else sending the same words is a different author.
    const other = await newUser(b!.base);
    await join(owner.api, other.api, guild.generalId);
    expect((await send(on(other).b, 'buy cheap coins')).status).toBe(200);
  });

  it('mention raid: mentions spread over both processes add up', async () => {
    const rule = await owner.api.ok.post<{ id: string }>(`/guilds/${guild.id}/auto-moderation/rules`, {
      name: 'Mentions',
      event_type: 1,
      trigger_type: 5,
      trigger_metadata: { mention_total_limit: 3, mention_raid_protection_enabled: true },
      actions: [{ type: 1 }],
      enabled: true,
    });
    await watcherOnB.next((f) => f.t === 'AUTO_MODERATION_RULE_CREATE' && f.d.id === rule.id, { what: 'the rule on B' });
    const raider = await newUser(b!.base);
    await join(owner.api, raider.api, guild.generalId);
    const via = on(raider);
    const ids = ['111111111111111111', '222222222222222222'];
    const send = (api: Api, content: string) => api.post(`/channels/${guild.generalId}/messages`, { content });
    expect((await send(via.a, `<@${ids[0]}> <@${ids[1]}>`)).status).toBe(200);
    // Two more on B: four within the minute, over the limit of three.
    const next = await send(via.b, `<@${ids[0]}> <@${ids[1]}>`);
    expect(next.body.code).toBe(200000);
  });
});
