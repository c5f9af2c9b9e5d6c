/**
 * Two real server processes on one PostgreSQL database and one Redis: what is sent through process B
 * reaches a gateway client on process A in order and exactly once; when A shuts down gracefully its
 * clients get op 7, move to B (resume -> op 9 -> identify), catch up over REST, and miss nothing.
 * PostgreSQL and Redis must be running (CI starts them); without them this suite fails, it never skips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayIntents } from '@concord/protocol';
import {
  GatewayTester,
  REDIS_URL,
  assertRedisReachable,
  createTestDatabase,
  join,
  newGuild,
  newUser,
  type Frame,
  type TestDatabase,
  type TestGuild,
  type TestUser,
} from '@concord/server/testing';
import { spawnServer, type SpawnedServer } from '../helpers/server.js';

const INTENTS = GatewayIntents.Guilds | GatewayIntents.GuildMessages | GatewayIntents.MessageContent;
/** Processes on PostgreSQL + Redis answer slower than one in-process server: waits get 10 s by default. */
const TESTER = { timeoutMs: 10_000 };

let db: TestDatabase | undefined;
let a: SpawnedServer | undefined;
let b: SpawnedServer | undefined;
let owner: TestUser;
let guild: TestGuild;
const clients: GatewayTester[] = [];

const byId = (x: string, y: string) => (BigInt(x) < BigInt(y) ? -1 : BigInt(x) > BigInt(y) ? 1 : 0);

function messageCreates(c: GatewayTester, channelId: string): { id: string; author: string; content: string }[] {
  return c.dispatches()
    .filter((f: Frame) => f.t === 'MESSAGE_CREATE' && f.d.channel_id === channelId)
    .map((f) => ({ id: f.d.id as string, author: f.d.author.id as string, content: f.d.content as string }));
}

function expectNoDuplicates(ids: string[]): void {
  const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
  expect(dupes, 'ids delivered more than once').toEqual([]);
}

async function connect(server: SpawnedServer, person: TestUser): Promise<GatewayTester> {
  const c = await GatewayTester.identify(server.gatewayUrl, person.token, INTENTS, {}, TESTER);
  // As a real client, heartbeat: these tests outlast a heartbeat interval.
  c.keepAlive();
  clients.push(c);
  return c;
}

beforeAll(async () => {
  await assertRedisReachable();
  db = await createTestDatabase();
  const common = { DATABASE_URL: db.url, REDIS_URL, RATE_LIMIT_SCALE: '0' };
  // One after the other, so the first runs the migrations on the fresh database alone.
  a = await spawnServer({ ...common, WORKER_ID: '1', PROCESS_ID: '1' });
  b = await spawnServer({ ...common, WORKER_ID: '2', PROCESS_ID: '2' });
  owner = await newUser(b.base);
  guild = await newGuild(owner.api, 'cluster guild');
}, 90_000);

afterAll(async () => {
  for (const c of clients) await c.closeAndWait(1000);
  const outputs = [a, b].map((s) => s && `--- server on ${s.port} ---\n${s.output()}`);
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
  if (process.env.CONCORD_E2E_VERBOSE) console.info(outputs.join('\n'));
}, 60_000);

describe('two processes on PostgreSQL + Redis', () => {
  it('delivers messages sent through B to a client on A in order, exactly once', async () => {
    const senders = [owner];
    for (let i = 0; i < 3; i++) {
      const p = await newUser(b!.base);
      await join(owner.api, p.api, guild.generalId);
      senders.push(p);
    }
    const watcher = await connect(a!, owner);
    const send = (p: TestUser, content: string) => p.api.ok.post<{ id: string }>(`/channels/${guild.generalId}/messages`, { content });

    // 200 in sequence from one sender.
    const sequential: string[] = [];
    for (let i = 0; i < 200; i++) sequential.push((await send(owner, `seq ${i}`)).id);
    // Then three senders at once, each in sequence.
    const concurrent = await Promise.all(
      senders.slice(1).map(async (p) => {
        const ids: string[] = [];
        for (let i = 0; i < 30; i++) ids.push((await send(p, `${p.username} ${i}`)).id);
        return ids;
      }),
    );
    const all = [...sequential, ...concurrent.flat()];
    await watcher.waitUntil(() => (messageCreates(watcher, guild.generalId).length >= all.length ? true : undefined), { what: `${all.length} MESSAGE_CREATEs on A`, timeoutMs: 20_000 });

    const got = messageCreates(watcher, guild.generalId);
    expectNoDuplicates(got.map((m) => m.id));
    expect(new Set(got.map((m) => m.id))).toEqual(new Set(all));
    // Per sender: the order sent is the order received, which is id order.
    for (const [i, p] of senders.entries()) {
      const expected = i === 0 ? sequential : concurrent[i - 1]!;
      const received = got.filter((m) => m.author === p.id).map((m) => m.id);
      expect(received).toEqual(expected);
      expect([...received].sort(byId)).toEqual(received);
    }
    expect(got.filter((m) => m.author === owner.id).map((m) => m.content)).toEqual(sequential.map((_, i) => `seq ${i}`));
  });

  it('applies guild changes made through B for clients on A', async () => {
    const watcher = await connect(a!, owner);
    // A channel created on B: A's replica must learn it before deciding who may see it and its messages.
    const ch = await owner.api.ok.post<{ id: string }>(`/guilds/${guild.id}/channels`, { name: 'news', type: 0 });
    await watcher.next((f) => f.t === 'CHANNEL_CREATE' && f.d.id === ch.id, { what: 'CHANNEL_CREATE on A' });
    const m = await owner.api.ok.post<{ id: string }>(`/channels/${ch.id}/messages`, { content: 'in the new channel' });
    await watcher.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === m.id, { what: 'MESSAGE_CREATE in the new channel on A' });

    // Someone connected to A joins through B: GUILD_CREATE on A, then the guild's messages.
    const newcomer = await newUser(b!.base);
    const session = await connect(a!, newcomer);
    expect(session.ready.guilds).toEqual([]);
    await join(owner.api, newcomer.api, guild.generalId);
    const created = await session.next((f) => f.t === 'GUILD_CREATE' && f.d.id === guild.id, { what: 'GUILD_CREATE on A after joining on B' });
    expect(created.d.channels.map((c: { id: string }) => c.id)).toContain(ch.id);
    const hello = await owner.api.ok.post<{ id: string }>(`/channels/${guild.generalId}/messages`, { content: 'welcome' });
    await session.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === hello.id, { what: 'MESSAGE_CREATE for the newcomer on A' });
    await watcher.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === hello.id, { what: 'the same message for the owner on A' });
  });

  it('applies permission and membership changes made through B for clients on A', async () => {
    const member = await newUser(b!.base);
    await join(owner.api, member.api, guild.generalId);
    const session = await connect(a!, member);
    const post = (channelId: string, content: string) => owner.api.ok.post<{ id: string }>(`/channels/${channelId}/messages`, { content });
    const got = (id: string) => session.dispatches().some((f) => f.d?.id === id);
    // A barrier: B publishes in order, so once the member has this, anything sent before it was decided.
    const barrier = async () => {
      const m = await post(guild.generalId, 'barrier');
      await session.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === m.id, { what: 'the barrier message' });
    };

    const VIEW_CHANNEL = String(1 << 10);
    const hidden = await owner.api.ok.post<{ id: string }>(`/guilds/${guild.id}/channels`, {
      name: 'staff',
      type: 0,
      permission_overwrites: [{ id: guild.id, type: 0, allow: '0', deny: VIEW_CHANNEL }],
    });
    const secret = await post(hidden.id, 'not for everyone');
    await barrier();
    expect(got(hidden.id), 'CHANNEL_CREATE of a hidden channel').toBe(false);
    expect(got(secret.id), 'a message in a hidden channel').toBe(false);

    await owner.api.ok.patch(`/channels/${hidden.id}`, { permission_overwrites: [] });
    // As on Discord, a channel that becomes visible arrives as CHANNEL_CREATE for those who could not see it.
    await session.next((f) => f.t === 'CHANNEL_CREATE' && f.d.id === hidden.id, { what: 'CHANNEL_CREATE once the channel is visible' });
    const open = await post(hidden.id, 'now for everyone');
    await session.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === open.id, { what: 'a message in the now-visible channel' });

    await member.api.ok.delete(`/users/@me/guilds/${guild.id}`);
    await session.next((f) => f.t === 'GUILD_DELETE' && f.d.id === guild.id, { what: 'GUILD_DELETE after leaving through B' });
    const after = await post(guild.generalId, 'after the member left');
    const watcher = await connect(a!, owner);
    const last = await post(guild.generalId, 'last');
    await watcher.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === last.id, { what: 'the owner still receiving on A' });
    expect(got(after.id) || got(last.id), 'messages after leaving').toBe(false);
  });

  it('moves a client from a gracefully stopped process to the other without losing a message', async () => {
    const sender = await newUser(b!.base);
    await join(owner.api, sender.api, guild.generalId);
    const fromSender = (c: GatewayTester) => messageCreates(c, guild.generalId).filter((m) => m.author === sender.id).map((m) => m.id);
    const first = await connect(a!, owner);

    // Keep sending through B during the whole switch.
    const sent: string[] = [];
    let sending = true;
    const sendLoop = (async () => {
      for (let i = 0; sending; i++) {
        sent.push((await sender.api.ok.post<{ id: string }>(`/channels/${guild.generalId}/messages`, { content: `switch ${i}` })).id);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    let second: GatewayTester;
    const caughtUp: string[] = [];
    try {
      await first.waitUntil(() => (fromSender(first).length >= 5 ? true : undefined), { what: 'live messages on A' });

      const stopped = a!.stop();
      await first.next((f) => f.op === 7, { what: 'op 7 Reconnect from the stopping process', timeoutMs: 5000 });
      // As discord.js does on op 7: close with 4200 and resume elsewhere.
      await first.closeAndWait(4200);
      expect(await stopped, 'exit code of the stopped process').toBe(0);
      const seenOnA = fromSender(first);
      expect(seenOnA.length).toBeGreaterThan(0);

      // Resume on B: B does not know A's session, so op 9 (not resumable); then identify anew.
      const resuming = await GatewayTester.resume(b!.gatewayUrl, owner.token, first.sessionId!, first.lastSeq() ?? 0, TESTER);
      clients.push(resuming);
      const answer = await resuming.next((f) => f.op === 9 || f.t === 'RESUMED', { what: 'op 9 or RESUMED' });
      expect(answer.op).toBe(9);
      expect(answer.d).toBe(false);
      await resuming.closeAndWait(1000);
      second = await connect(b!, owner);

      // REST catch-up from the last id seen on A, after READY: anything newer than READY also arrives live.
      for (let after = seenOnA.at(-1)!; ; ) {
        const page = await owner.api.ok.get<{ id: string; author: { id: string } }[]>(`/channels/${guild.generalId}/messages?after=${after}&limit=100`);
        if (page.length === 0) break;
        const ids = page.map((m) => m.id).sort(byId);
        expect(ids, 'a page is newest first').toEqual(page.map((m) => m.id).reverse());
        caughtUp.push(...page.filter((m) => m.author.id === sender.id).map((m) => m.id));
        after = ids.at(-1)!;
      }
      // Let more go through live on B, then stop sending.
      const countAtCatchUp = sent.length;
      await second.waitUntil(() => (sent.length >= countAtCatchUp + 10 ? true : undefined), { what: 'more sends after the catch-up' });
    } finally {
      sending = false;
      await sendLoop;
    }
    const last = sent.at(-1)!;
    await second.waitUntil(() => (fromSender(second).includes(last) ? true : undefined), { what: 'the last message, live on B' });

    // Each session got each event at most once, in id order.
    for (const ids of [fromSender(first), fromSender(second)]) {
      expectNoDuplicates(ids);
      expect(ids).toEqual([...ids].sort(byId));
    }
    // What the client ends with (A's events, the catch-up, B's events, merged by id) is every message once.
    const view = [...new Set([...fromSender(first), ...caughtUp, ...fromSender(second)])].sort(byId);
    expect(view).toEqual(sent);
  });
});
