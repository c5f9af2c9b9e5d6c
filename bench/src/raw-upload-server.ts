/**
 * The raw baseline for upload memory: a bare Node HTTP server that streams each request body straight into a file
 * (write, fsync, rename: what the disk store does) and answers with its size. No multipart parsing, no database,
 * no limits. `GET /health` answers its RSS as Concord's does. Whatever memory Concord adds on top is measured against this.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const port = Number(process.env.PORT ?? 0);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-raw-upload-'));

const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ rss_bytes: process.memoryUsage().rss }));
    return;
  }
  const temp = path.join(dir, crypto.randomBytes(8).toString('hex'));
  let size = 0;
  req.on('data', (c: Buffer) => (size += c.length));
  pipeline(req, fs.createWriteStream(temp, { flush: true }))
    .then(() => fsp.rename(temp, `${temp}.done`))
    .then(
      () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ size })),
      (err: Error) => res.writeHead(500).end(err.message),
    );
});
server.listen(port, '127.0.0.1');
const stop = () => {
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
