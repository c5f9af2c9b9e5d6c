/**
 * Receipts and relationships across two processes on PostgreSQL + Redis: a sender on process A, the recipient on
 * process B. A friend request crosses over as RELATIONSHIP_ADD; a DM goes delivered when B's session gets it and
 * read when the recipient acks on B, the receipts flowing back to A. The WhatsApp test: the recipient is offline
 * while 100 messages are sent, comes back on the other process, gets all 100 in order exactly once, and only then
 * does the sender see them delivered; read after the ack; a sender who reconnects sees the final state in READY.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayIntents, initialClientState, reduce, type ClientState } from '@concord/protocol';
import { GatewayTester, REDIS_URL, assertRedisReachable, createTestDatabase, newUser, type Frame, type TestDatabase, type TestUser } from '@concord/server/testing';
import { spawnServer, type SpawnedServer } from '../helpers/server.js';

const INTENTS = GatewayIntents.Guilds | GatewayIntents.DirectMessages | GatewayIntents.MessageContent;
const TESTER = { timeoutMs: 10_000 };

let db: TestDatabase | undefined;
let a: SpawnedServer | undefined;
let b: SpawnedServer | undefined;
const clients: GatewayTester[] = [];

async function connect(server: SpawnedServer, person: TestUser): Promise<GatewayTester> {
  const c = await GatewayTester.identify(server.gatewayUrl, person.token, INTENTS, {}, TESTER);
  c.keepAlive();
  clients.push(c);
  return c;
}

/** The session's state as the client reducer folds it. */
const fold = (c: GatewayTester): ClientState => c.frames.filter((f: Frame) => f.op === 0).reduce((s, f) => reduce(s, { t: f.t!, d: f.d }), initialClientState);

/** Friends through REST on different processes (so either may DM the other). */
async function friends(x: TestUser, y: TestUser): Promise<void> {
  await x.api.ok.put(`/users/@me/relationships/${y.id}`, {});
  await y.api.ok.put(`/users/@me/relationships/${x.id}`, {});
}

beforeAll(async () => {
  await assertRedisReachable();
  db = await createTestDatabase();
  const common = { DATABASE_URL: db.url, REDIS_URL, RATE_LIMIT_SCALE: '0' };
  a = await spawnServer({ ...common, WORKER_ID: '1', PROCESS_ID: '1' });
  b = await spawnServer({ ...common, WORKER_ID: '2', PROCESS_ID: '2' });
}, 90_000);

afterAll(async () => {
  for (const c of clients) await c.closeAndWait(1000);
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
}, 60_000);

describe('receipts across two processes', () => {
  it('a friend request, a DM delivered on arrival and read after the ack: each crosses from B back to A', async () => {
    const sender = await newUser(a!.base, 'xs');
    const recipient = await newUser(b!.base, 'xr');
    const onA = await connect(a!, sender);
    const onB = await connect(b!, recipient);
    await sender.api.ok.put(`/users/@me/relationships/${recipient.id}`, {});
    await onB.next((f) => f.t === 'RELATIONSHIP_ADD' && f.d.type === 3 && f.d.id === sender.id);
    await recipient.api.ok.put(`/users/@me/relationships/${sender.id}`, {});
    await onA.next((f) => f.t === 'RELATIONSHIP_ADD' && f.d.type === 1 && f.d.id === recipient.id);

    const dm = await sender.api.ok.post<{ id: string }>('/users/@me/channels', { recipient_id: recipient.id });
    const m = await sender.api.ok.post<{ id: string }>(`/channels/${dm.id}/messages`, { content: 'across the cluster' });
    await onB.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === m.id);
    const delivered = await onA.next((f) => f.t === 'X_MESSAGE_RECEIPT' && f.d.message_id === m.id && f.d.status === 'delivered');
    expect(delivered.d).toMatchObject({ channel_id: dm.id, user_id: recipient.id });
    await recipient.api.ok.post(`/channels/${dm.id}/messages/${m.id}/ack`, {});
    await onA.next((f) => f.t === 'X_MESSAGE_RECEIPT' && f.d.message_id === m.id && f.d.status === 'read');
    expect(fold(onA).receipts[dm.id]?.[recipient.id]).toEqual({ delivered: m.id, read: m.id });
  }, 60_000);

  it('100 messages to an offline recipient: all arrive on the other process in order exactly once, delivered only then, read after the ack', async () => {
    const sender = await newUser(a!.base, 'ws');
    const recipient = await newUser(b!.base, 'wr');
    await friends(sender, recipient);
    const onA = await connect(a!, sender);
    const dm = await sender.api.ok.post<{ id: string }>('/users/@me/channels', { recipient_id: recipient.id });
    const sent: string[] = [];
    for (let i = 0; i < 100; i++) sent.push((await sender.api.ok.post<{ id: string }>(`/channels/${dm.id}/messages`, { content: `offline ${i}` })).id);
    // Nobody has them yet: no receipt.
    await new Promise((r) => setTimeout(r, 300));
    expect(onA.dispatches('X_MESSAGE_RECEIPT')).toEqual([]);

    // The recipient comes back on B: the DM is in READY, the history holds all 100, in order, once.
    const onB = await connect(b!, recipient);
    expect((onB.ready.private_channels as { id: string }[]).map((c) => c.id)).toContain(dm.id);
    expect(onB.ready.read_state.entries).toContainEqual({ id: dm.id, last_message_id: '0', mention_count: 100 });
    const history = await recipient.api.ok.get<{ id: string; content: string }[]>(`/channels/${dm.id}/messages?limit=100`);
    const ids = history.map((h) => h.id).reverse();
    expect(ids).toEqual(sent);
    expect(new Set(ids).size).toBe(100);
    expect(history.map((h) => h.content).reverse()).toEqual(sent.map((_, i) => `offline ${i}`));
    expect(onB.dispatches('MESSAGE_CREATE')).toEqual([]);

    // Only now does the sender see them delivered, every one of them (the cursor covers all before it).
    await onA.next((f) => f.t === 'X_MESSAGE_RECEIPT' && f.d.status === 'delivered' && f.d.message_id === sent[99]);
    const cursor = () => fold(onA).receipts[dm.id]![recipient.id]!;
    for (const id of sent) expect(BigInt(cursor().delivered) >= BigInt(id)).toBe(true);
    expect(cursor().read).toBeNull();

    // Read after the ack on B; a sender reconnecting (on B this time) sees the final state in READY.
    await recipient.api.ok.post(`/channels/${dm.id}/messages/${sent[99]}/ack`, {});
    await onA.next((f) => f.t === 'X_MESSAGE_RECEIPT' && f.d.status === 'read' && f.d.message_id === sent[99]);
    await onA.closeAndWait(1000);
    const again = await connect(b!, sender);
    expect(again.ready.x_receipts).toEqual([{ channel_id: dm.id, user_id: recipient.id, delivered_message_id: sent[99], read_message_id: sent[99] }]);
  }, 120_000);
});
