/**
 * 4009 (session timed out) against a real server: the server keeps the session, so the client resumes it and gets
 * what was sent while it was away, once, with no new READY and no resync.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { GatewayIntents, GatewayOpcodes as Op } from '@concord/protocol';
import { GatewayClient, RestClient, type GatewayDispatch, type WebSocketConstructor, type WebSocketLike } from '../src/index.js';
import { newUser, startTestServer, waitFor, type TestServer } from '@concord/server/testing';

let server: TestServer;
// A 1 s heartbeat: the server closes a connection silent for 2.5 s.
beforeAll(async () => {
  server = await startTestServer({ heartbeatIntervalMs: 1000 });
});
afterAll(() => server?.close());

/** A `ws` socket whose first Hello claims a huge heartbeat interval, so the client beats far too rarely on it. */
function lateBeatsOnFirstSocket(): WebSocketConstructor {
  let sockets = 0;
  return class implements WebSocketLike {
    onopen: WebSocketLike['onopen'] = null;
    onmessage: WebSocketLike['onmessage'] = null;
    onclose: WebSocketLike['onclose'] = null;
    onerror: WebSocketLike['onerror'] = null;
    private readonly ws: WebSocket;

    constructor(url: string) {
      const rewrite = ++sockets === 1;
      this.ws = new WebSocket(url);
      this.ws.onopen = (ev) => this.onopen?.(ev);
      this.ws.onerror = (ev) => this.onerror?.(ev);
      this.ws.onclose = (ev) => this.onclose?.({ code: ev.code, reason: ev.reason });
      this.ws.onmessage = (ev) => {
        const frame = JSON.parse(String(ev.data));
        if (rewrite && frame.op === Op.Hello) frame.d.heartbeat_interval = 3_600_000;
        this.onmessage?.({ data: JSON.stringify(frame) });
      };
    }
    get readyState(): number {
      return this.ws.readyState;
    }
    send(data: string): void {
      this.ws.send(data);
    }
    close(code?: number, reason?: string): void {
      this.ws.close(code, reason);
    }
  };
}

it('resumes after 4009 and receives the message sent meanwhile exactly once', async () => {
  const user = await newUser(server.base);
  const rest = new RestClient({ baseUrl: server.base, token: user.token });
  const guild = await rest.createGuild({ name: 'Timeouts' });
  const channel = (await rest.listChannels(guild.id)).find((c) => c.type === 0)!;
  const gw = new GatewayClient({
    url: server.gatewayUrl,
    token: rest.token!,
    intents: GatewayIntents.Guilds | GatewayIntents.GuildMessages | GatewayIntents.MessageContent,
    WebSocket: lateBeatsOnFirstSocket(),
    backoffMs: [1000],
    random: () => 0.5,
  });
  const events: GatewayDispatch[] = [];
  const closes: { code: number; willReconnect: boolean }[] = [];
  let resyncs = 0;
  let sentWhileAway: Promise<string> | undefined;
  gw.on('dispatch', (e) => events.push(e));
  gw.on('resync', () => resyncs++);
  gw.on('close', (c) => {
    closes.push(c);
    // Sent while the client waits to reconnect: only a resume can deliver it.
    if (c.code === 4009) sentWhileAway ??= rest.sendMessage(channel.id, { content: 'while away' }).then((m) => m.id);
  });
  const until = (predicate: () => boolean, ms = 15_000) =>
    waitFor((check) => {
      const offs = [gw.on('dispatch', check), gw.on('state', check), gw.on('close', check)];
      return () => offs.forEach((off) => off());
    }, predicate, ms);
  try {
    gw.connect();
    await until(() => gw.state === 'ready');
    const sessionId = gw.sessionId;
    await until(() => events.some((e) => e.t === 'RESUMED'));
    const messageId = await sentWhileAway!;
    await until(() => events.some((e) => e.t === 'MESSAGE_CREATE' && e.d.id === messageId));

    expect(closes.map((c) => [c.code, c.willReconnect])).toEqual([[4009, true]]);
    expect(gw.sessionId).toBe(sessionId);
    expect(events.filter((e) => e.t === 'READY')).toHaveLength(1);
    expect(resyncs).toBe(0);
    // A moment for a duplicate to arrive, were there one.
    await new Promise((r) => setTimeout(r, 200));
    expect(events.filter((e) => e.t === 'MESSAGE_CREATE' && e.d.id === messageId)).toHaveLength(1);
  } finally {
    gw.disconnect();
  }
});
