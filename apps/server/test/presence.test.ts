/**
 * Presence through the gateway: a dropped session goes offline within the heartbeat window plus a short grace,
 * comes back on resume, activities (games, custom status) travel with the status, and bad activities are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayTester, join, newGuild, newUser, startTestServer, type TestServer, type TestUser } from '../src/testing.js';

const HEARTBEAT_MS = 1000;
const GRACE_MS = 300;
let srv: TestServer;
let owner: TestUser;
let friend: TestUser;

beforeAll(async () => {
  srv = await startTestServer({ heartbeatIntervalMs: HEARTBEAT_MS, presenceGraceMs: GRACE_MS });
  owner = await newUser(srv.base);
  friend = await newUser(srv.base);
  const { generalId } = await newGuild(owner.api);
  await join(owner.api, friend.api, generalId);
});
afterAll(async () => {
  await srv?.close();
});

const statusesOf = (watcher: GatewayTester, id: string) => watcher.dispatches('PRESENCE_UPDATE').filter((f) => f.d.user.id === id).map((f) => f.d.status);

describe('presence', () => {
  it('a socket that drops without a close shows offline after the grace period, and online again when it resumes', async () => {
    const watcher = await GatewayTester.identify(srv.gatewayUrl, owner.token);
    watcher.keepAlive();
    const f = await GatewayTester.identify(srv.gatewayUrl, friend.token);
    await watcher.next((x) => x.t === 'PRESENCE_UPDATE' && x.d.user.id === friend.id && x.d.status === 'online');
    const dropped = Date.now();
    f.terminate();
    await watcher.next((x) => x.t === 'PRESENCE_UPDATE' && x.d.user.id === friend.id && x.d.status === 'offline', { timeoutMs: 5000 });
    // The grace period and one sweep tick; far less than the resume window (which keeps the session).
    expect(Date.now() - dropped).toBeGreaterThanOrEqual(GRACE_MS);
    const back = await GatewayTester.resume(srv.gatewayUrl, friend.token, f.sessionId!, f.lastSeq() ?? 0);
    expect(back.dispatches('RESUMED')).toHaveLength(1);
    await watcher.next((x) => x.t === 'PRESENCE_UPDATE' && x.d.user.id === friend.id && x.d.status === 'online', { from: watcher.frames.length - 1 });
    back.close(1000);
    await watcher.waitUntil(() => statusesOf(watcher, friend.id).at(-1) === 'offline');
    expect(statusesOf(watcher, friend.id)).toEqual(['online', 'offline', 'online', 'offline']);
    watcher.close();
  });

  it('a socket that stays open but stops heartbeating goes offline within the heartbeat window and the grace', async () => {
    const watcher = await GatewayTester.identify(srv.gatewayUrl, owner.token);
    watcher.keepAlive();
    const silent = await GatewayTester.identify(srv.gatewayUrl, friend.token);
    await watcher.next((x) => x.t === 'PRESENCE_UPDATE' && x.d.user.id === friend.id && x.d.status === 'online');
    // No heartbeats: the server closes it with 4009 after one and a half intervals (plus a second of slack), and the
    // user shows offline once the grace has passed (one sweep tick of margin).
    expect((await silent.closed).code).toBe(4009);
    await watcher.next((x) => x.t === 'PRESENCE_UPDATE' && x.d.user.id === friend.id && x.d.status === 'offline', { timeoutMs: GRACE_MS + 1500 });
    watcher.close();
  });

  it('activities set by Identify and op 3 reach the guild and later sessions; custom status included', async () => {
    const watcher = await GatewayTester.identify(srv.gatewayUrl, owner.token);
    const chess = { name: 'Chess', type: 0, details: 'Sicilian defence' };
    const f = await GatewayTester.identify(srv.gatewayUrl, friend.token, undefined, { presence: { status: 'online', since: null, afk: false, activities: [chess] } });
    const first = await watcher.next((x) => x.t === 'PRESENCE_UPDATE' && x.d.user.id === friend.id);
    expect(first.d.activities).toEqual([{ ...chess, created_at: expect.any(Number) }]);
    const custom = { name: 'Custom Status', type: 4, state: 'Out for lunch', emoji: { name: '🍜' } };
    f.send({ op: 3, d: { status: 'dnd', since: null, afk: false, activities: [custom] } });
    const next = await watcher.next((x) => x.t === 'PRESENCE_UPDATE' && x.d.user.id === friend.id && x.d.status === 'dnd');
    expect(next.d.activities).toEqual([{ ...custom, created_at: expect.any(Number) }]);
    const late = await GatewayTester.identify(srv.gatewayUrl, owner.token);
    const listed = late.dispatches('GUILD_CREATE')[0]!.d.presences.find((p: any) => p.user.id === friend.id);
    expect(listed).toMatchObject({ status: 'dnd', activities: [{ type: 4, state: 'Out for lunch' }] });
    // The same status with the same activities announces nothing new.
    const count = statusesOf(watcher, friend.id).length;
    f.send({ op: 3, d: { status: 'dnd', since: null, afk: false, activities: [{ ...custom, created_at: next.d.activities[0].created_at }] } });
    f.send({ op: 1, d: f.lastSeq() });
    await f.next((x) => x.op === 11);
    f.close(1000);
    await watcher.waitUntil(() => statusesOf(watcher, friend.id).at(-1) === 'offline');
    expect(statusesOf(watcher, friend.id).slice(count)).toEqual(['offline']);
    for (const t of [watcher, late]) t.close();
  });

  it('an activity outside Discord\'s limits closes the socket with 4002 and changes nothing', async () => {
    const watcher = await GatewayTester.identify(srv.gatewayUrl, owner.token);
    const f = await GatewayTester.identify(srv.gatewayUrl, friend.token);
    await watcher.next((x) => x.t === 'PRESENCE_UPDATE' && x.d.user.id === friend.id && x.d.status === 'online');
    f.send({ op: 3, d: { status: 'online', since: null, afk: false, activities: [{ name: 'x'.repeat(129), type: 0 }] } });
    expect((await f.closed).code).toBe(4002);
    const bad = await GatewayTester.identify(srv.gatewayUrl, friend.token);
    bad.send({ op: 3, d: { status: 'online', activities: [{ name: 'Chess', type: 99 }] } });
    expect((await bad.closed).code).toBe(4002);
    expect(watcher.dispatches('PRESENCE_UPDATE').filter((x) => x.d.user.id === friend.id && x.d.activities.length > 0)).toEqual([]);
    watcher.close();
  });
});
