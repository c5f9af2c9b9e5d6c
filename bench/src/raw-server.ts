/**
 * The raw baseline: a bare `ws` server with the smallest gateway handshake (Hello, Identify -> READY,
 * heartbeat ACK) and two REST routes. POST /api/v10/channels/:id/messages builds one frame of the requested
 * size, serialises it once, and writes that same buffer to every identified socket (or, for the DM baseline, to
 * the sockets of that one channel): no storage, no permission checks, no per-session sequence. POST .../ack
 * answers `{"token":null}` at once. Whatever Concord adds on top is measured against this.
 *
 * For the interaction round trip it also relays, with nothing checked or stored: POST /api/v10/interactions sends
 * INTERACTION_CREATE {id, token, data} to the socket that identified with the token `bot`, and
 * POST /api/v10/interactions/:id/:token/callback sends the answer's content as MESSAGE_CREATE to the invoker's
 * socket (the one that identified with the token the invoker's request carried).
 */
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const port = Number(process.env.PORT ?? 0);
const clients = new Set<WebSocket>();
/** Sessions that identified with the token `raw-dm:<channel id>` get only that channel's messages (the DM baseline). */
const byChannel = new Map<string, Set<WebSocket>>();
const byToken = new Map<string, WebSocket>();
/** Interaction id -> the invoker's token. */
const invokers = new Map<string, string>();
let nextId = 1n << 40n;

function readJson(req: http.IncomingMessage, then: (body: any) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => then(JSON.parse(Buffer.concat(chunks).toString() || '{}')));
}

function broadcast(body: { content?: string; nonce?: string; x_frame_bytes?: number }, channelId: string): string {
  const id = (nextId++).toString();
  const d = { id, channel_id: channelId, content: body.content ?? '', nonce: body.nonce ?? null, pad: '' };
  const bare = `{"op":0,"t":"MESSAGE_CREATE","d":${JSON.stringify(d)},"s":null}`;
  d.pad = 'x'.repeat(Math.max(0, (body.x_frame_bytes ?? 0) - Buffer.byteLength(bare)));
  const frame = Buffer.from(`{"op":0,"t":"MESSAGE_CREATE","d":${JSON.stringify(d)},"s":null}`);
  for (const ws of clients) ws.send(frame, { binary: false });
  for (const ws of byChannel.get(channelId) ?? []) ws.send(frame, { binary: false });
  return id;
}

const server = http.createServer((req, res) => {
  // Acks: the same request and answer as Concord's route, with nothing behind it.
  if (req.method === 'POST' && /^\/api\/v10\/channels\/\d+\/messages\/\d+\/ack$/.test(req.url ?? '')) {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":null}'));
    return;
  }
  const m = req.url?.match(/^\/api\/v10\/channels\/(\d+)\/messages/);
  if (req.method === 'POST' && m) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = broadcast(JSON.parse(Buffer.concat(chunks).toString()), m[1]!);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
    });
    return;
  }
  if (req.method === 'POST' && req.url === '/api/v10/interactions') {
    readJson(req, (body) => {
      const id = (nextId++).toString();
      invokers.set(id, String(req.headers.authorization ?? ''));
      const d = { id, token: `t${id}`, type: body.type, application_id: body.application_id, channel_id: body.channel_id, data: body.data };
      byToken.get('bot')?.send(`{"op":0,"t":"INTERACTION_CREATE","d":${JSON.stringify(d)},"s":null}`);
      res.writeHead(204).end();
    });
    return;
  }
  const cb = req.url?.match(/^\/api\/v10\/interactions\/(\d+)\/[^/]+\/callback/);
  if (req.method === 'POST' && cb) {
    readJson(req, (body) => {
      const invoker = invokers.get(cb[1]!);
      invokers.delete(cb[1]!);
      const d = { id: (nextId++).toString(), content: body.data?.content ?? '', flags: body.data?.flags ?? 0 };
      if (invoker !== undefined) byToken.get(invoker)?.send(`{"op":0,"t":"MESSAGE_CREATE","d":${JSON.stringify(d)},"s":null}`);
      res.writeHead(invoker === undefined ? 404 : 204).end();
    });
    return;
  }
  res.writeHead(req.url === '/api/v10/health' ? 200 : 404, { 'content-type': 'application/json' }).end('{}');
});

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.send('{"op":10,"d":{"heartbeat_interval":41250},"s":null,"t":null}');
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { op: number; d?: { token?: string } };
      if (frame.op === 1) ws.send('{"op":11,"d":null,"s":null,"t":null}');
      else if (frame.op === 2) {
        if (frame.d?.token) byToken.set(frame.d.token, ws);
        ws.send('{"op":0,"t":"READY","d":{"v":10,"session_id":"raw","user":{"id":"1","username":"raw"},"guilds":[]},"s":1}');
        const dm = /^raw-dm:(\d+)$/.exec(frame.d?.token ?? '')?.[1];
        if (!dm) clients.add(ws);
        else {
          let set = byChannel.get(dm);
          if (!set) byChannel.set(dm, (set = new Set()));
          set.add(ws);
          ws.on('close', () => set.delete(ws));
        }
      }
    });
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => undefined);
  });
});

server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
