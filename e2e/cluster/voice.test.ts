/**
 * Voice state across two processes on PostgreSQL + Redis: a join on process A is seen by a session on B and in
 * B's GUILD_CREATE; a moderator's move and disconnect made through B reach the voice connection on A (its voice
 * gateway follows the guild's voice states over the bus and closes 4014).
 * PostgreSQL and Redis must be running (CI starts them); without them this suite fails, it never skips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { GatewayIntents, GatewayOpcodes } from '@concord/protocol';
import {
  GatewayTester,
  REDIS_URL,
  assertRedisReachable,
  createTestDatabase,
  eventually,
  join,
  newGuild,
  newUser,
  type TestDatabase,
  type TestGuild,
  type TestUser,
} from '@concord/server/testing';
import { spawnServer, type SpawnedServer } from '../helpers/server.js';

const INTENTS = GatewayIntents.Guilds | GatewayIntents.GuildVoiceStates;
const TESTER = { timeoutMs: 10_000 };

let db: TestDatabase | undefined;
let a: SpawnedServer | undefined;
let b: SpawnedServer | undefined;
let owner: TestUser;
let member: TestUser;
let guild: TestGuild;
const clients: GatewayTester[] = [];

async function connect(server: SpawnedServer, person: TestUser): Promise<GatewayTester> {
  const c = await GatewayTester.identify(server.gatewayUrl, person.token, INTENTS, {}, TESTER);
  c.keepAlive();
  clients.push(c);
  return c;
}

beforeAll(async () => {
  await assertRedisReachable();
  db = await createTestDatabase();
  const common = { DATABASE_URL: db.url, REDIS_URL, RATE_LIMIT_SCALE: '0' };
  a = await spawnServer({ ...common, WORKER_ID: '1', PROCESS_ID: '1' });
  b = await spawnServer({ ...common, WORKER_ID: '2', PROCESS_ID: '2' });
  owner = await newUser(b.base);
  member = await newUser(b.base);
  guild = await newGuild(owner.api, 'voice cluster');
  await join(owner.api, member.api, guild.generalId);
}, 90_000);

afterAll(async () => {
  for (const c of clients) c.terminate();
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
}, 60_000);

describe('voice across two processes', () => {
  it('a join on A is seen on B; a move and a disconnect through B reach the voice connection on A', async () => {
    const onA = await connect(a!, member);
    const onB = await connect(b!, owner);
    const other = await owner.api.ok.post<{ id: string }>(`/guilds/${guild.id}/channels`, { name: 'Other', type: 2 });
    onA.send({ op: GatewayOpcodes.VoiceStateUpdate, d: { guild_id: guild.id, channel_id: guild.voiceId, self_mute: true, self_deaf: false } });
    const server = (await onA.next((f) => f.t === 'VOICE_SERVER_UPDATE')).d;
    expect(server.endpoint).toBe(`127.0.0.1:${a!.port}/voice`);
    await onB.next((f) => f.t === 'VOICE_STATE_UPDATE' && f.d.user_id === member.id && f.d.self_mute);
    const fresh = await connect(b!, owner);
    const gc = fresh.dispatches('GUILD_CREATE').find((f) => f.d.id === guild.id)!;
    expect(gc.d.voice_states.map((v: { user_id: string }) => v.user_id)).toEqual([member.id]);

    // The voice connection lives on A.
    const ws = new WebSocket(`ws://${server.endpoint}?v=8`);
    const frames: { op: number; d: any }[] = [];
    ws.on('message', (raw) => frames.push(JSON.parse(String(raw))));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    ws.send(JSON.stringify({ op: 0, d: { server_id: guild.id, user_id: member.id, session_id: onA.sessionId, token: server.token } }));
    await eventually(() => frames.find((f) => f.op === 2), 'voice Ready', 10_000);

    await owner.api.ok.patch(`/guilds/${guild.id}/members/${member.id}`, { channel_id: other.id });
    await onA.next((f) => f.t === 'VOICE_STATE_UPDATE' && f.d.user_id === member.id && f.d.channel_id === other.id);
    await owner.api.ok.patch(`/guilds/${guild.id}/members/${member.id}`, { channel_id: null });
    expect(await closed).toBe(4014);
    expect((await owner.api.get(`/guilds/${guild.id}/voice-states/${member.id}`)).status).toBe(404);
  });
});
