import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { GatewayIntents, type ReadyData } from '@concord/protocol';
import { GatewayClient, RestClient, type GatewayDispatch, type WebSocketConstructor, makeNonce } from '../src/index.js';
import { newUser, startTestServer, waitFor, type TestServer } from '@concord/server/testing';

const intents = GatewayIntents.Guilds | GatewayIntents.GuildMembers | GatewayIntents.GuildMessages | GatewayIntents.GuildMessageTyping | GatewayIntents.MessageContent;

describe('GatewayClient against a real server', () => {
  let server: TestServer;
  const clients: GatewayClient[] = [];

  // A 1 s heartbeat keeps the heartbeat and zombie tests short.
  beforeAll(async () => {
    server = await startTestServer({ heartbeatIntervalMs: 1000 });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(() => server?.close());

  /** A connected client recording everything it emits. */
  function connect(token: string, extra: { backoffMs?: number[] } = {}) {
    const gw = new GatewayClient({
      url: server.gatewayUrl,
      token,
      intents,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      backoffMs: extra.backoffMs ?? [100],
      random: () => 0.5,
    });
    clients.push(gw);
    const events: GatewayDispatch[] = [];
    const debug: string[] = [];
    const states: string[] = [];
    const resyncs: ReadyData[] = [];
    gw.on('dispatch', (e) => events.push(e));
    gw.on('debug', (m) => debug.push(m));
    gw.on('state', (s) => states.push(s));
    gw.on('resync', (r) => resyncs.push(r));
    gw.connect();
    const until = <T>(predicate: () => T | undefined | false, ms?: number) =>
      waitFor((check) => {
        const offs = [gw.on('dispatch', check), gw.on('state', check), gw.on('debug', check), gw.on('ack', check), gw.on('heartbeatAck', check)];
        return () => offs.forEach((off) => off());
      }, predicate, ms);
    return { gw, events, debug, states, resyncs, until };
  }

  async function guildWithChannel() {
    const user = await newUser(server.base);
    const rest = new RestClient({ baseUrl: server.base, token: user.token });
    const guild = await rest.createGuild({ name: 'Gateway' });
    const channel = (await rest.listChannels(guild.id)).find((c) => c.type === 0)!;
    return { ...user, rest, guild, channel };
  }

  const creates = (events: GatewayDispatch[]) => events.filter((e) => e.t === 'MESSAGE_CREATE').map((e) => (e.d as { content: string }).content);

  it('identifies, receives READY then GUILD_CREATE, and dispatches in order', async () => {
    const { rest, guild, channel } = await guildWithChannel();
    const c = connect(rest.token!);
    await c.until(() => c.events.some((e) => e.t === 'GUILD_CREATE'));
    expect(c.events[0]!.t).toBe('READY');
    expect((c.events[1]!.d as { id: string }).id).toBe(guild.id);
    expect(c.states.slice(0, 3)).toEqual(['connecting', 'identifying', 'ready']);

    for (let i = 0; i < 5; i++) await rest.sendMessage(channel.id, { content: `m${i}` });
    await c.until(() => creates(c.events).length === 5);
    expect(creates(c.events)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    const seqs = c.events.map((e) => e.s);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Heartbeats are acknowledged, so the connection stays up.
    await c.until(() => c.gw.latencyMs !== null);
  });

  it('sends a message over the gateway extension and gets an ack carrying the nonce', async () => {
    const { rest, channel } = await guildWithChannel();
    const c = connect(rest.token!);
    await c.until(() => c.gw.state === 'ready');
    const acks: { nonce: string | number; id?: string; error?: { status: number } }[] = [];
    c.gw.on('ack', (a) => acks.push(a));
    const nonce = makeNonce();
    expect(c.gw.sendMessage(channel.id, nonce, 'over the gateway')).toBe(true);
    // The same nonce again answers the same message: a retry cannot duplicate.
    await c.until(() => acks.length === 1);
    c.gw.sendMessage(channel.id, nonce, 'over the gateway');
    c.gw.sendMessage(channel.id, makeNonce(), '   ');
    await c.until(() => acks.length === 3);
    // The server handles sends concurrently, so the last two acks may come in either order.
    const [first, ...others] = acks;
    expect(first!.nonce).toBe(nonce);
    expect(others.find((a) => a.nonce === nonce)?.id).toBe(first!.id);
    expect(others.find((a) => a.nonce !== nonce)?.error?.status).toBe(400);
    const history = await rest.listMessages(channel.id);
    expect(history.filter((m) => m.content === 'over the gateway')).toHaveLength(1);
  });

  it('resumes after a dropped socket and receives exactly the missed dispatches', async () => {
    const { rest, id: userId, channel } = await guildWithChannel();
    const c = connect(rest.token!, { backoffMs: [300] });
    await c.until(() => c.gw.state === 'ready');
    const sessionId = c.gw.sessionId;
    for (const conn of server.app.gateway.connections) if (conn.session?.user.id === userId) conn.ws.terminate();
    await c.until(() => c.gw.state === 'reconnecting');
    for (let i = 0; i < 3; i++) await rest.sendMessage(channel.id, { content: `missed${i}` });
    await c.until(() => c.events.some((e) => e.t === 'RESUMED'));
    await c.until(() => creates(c.events).length === 3);
    expect(creates(c.events)).toEqual(['missed0', 'missed1', 'missed2']);
    expect(c.gw.sessionId).toBe(sessionId);
    expect(c.resyncs).toHaveLength(0);
    expect(c.states).toContain('resuming');
  });

  it('identifies again and signals resync when the server no longer knows the session (op 9)', async () => {
    const { rest, id: userId } = await guildWithChannel();
    const c = connect(rest.token!);
    await c.until(() => c.gw.state === 'ready');
    const sessionId = c.gw.sessionId!;
    // What a restarted server looks like: the session is gone, then the socket drops.
    (server.app.gateway as unknown as { destroySession(s: unknown): void }).destroySession(server.app.gateway.sessions.get(sessionId));
    for (const conn of server.app.gateway.connections) if (conn.session?.user.id === userId) conn.ws.terminate();
    await c.until(() => c.resyncs.length === 1, 15_000);
    expect(c.debug.some((m) => m.startsWith('invalid session'))).toBe(true);
    expect(c.gw.sessionId).not.toBe(sessionId);
    expect(c.events.filter((e) => e.t === 'READY')).toHaveLength(2);
  });

  it('treats a missing heartbeat ack as a zombie connection and resumes on a new socket', async () => {
    const { rest, id: userId } = await guildWithChannel();
    const c = connect(rest.token!);
    await c.until(() => c.gw.state === 'ready');
    const sessionId = c.gw.sessionId;
    // Swallow the server's op 11 on this connection only; everything else still flows.
    for (const conn of server.app.gateway.connections) {
      if (conn.session?.user.id !== userId) continue;
      const send = conn.sendRaw.bind(conn);
      conn.sendRaw = (frame: string) => (frame.includes('"op":11') ? undefined : send(frame));
    }
    await c.until(() => c.debug.some((m) => m.includes('zombie')));
    await c.until(() => c.events.some((e) => e.t === 'RESUMED'));
    expect(c.gw.sessionId).toBe(sessionId);
  });

  it('stops for good on a fatal close code (bad token)', async () => {
    const c = connect('not-a-token');
    const closes: { code: number; willReconnect: boolean }[] = [];
    c.gw.on('close', (i) => closes.push(i));
    await c.until(() => c.gw.state === 'closed');
    expect(closes).toEqual([expect.objectContaining({ code: 4004, willReconnect: false })]);
  });
});
