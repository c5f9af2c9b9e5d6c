/**
 * Scenario: files. Upload (multipart message send) and download throughput for 1, 10 and 100 MB files, on the
 * disk store and on S3 (the npm s3rver, in this process), against the raw disk write (write + fsync of the same
 * bytes) and a raw HTTP PUT of them to the same S3 server (a presigned URL, no Concord in between), in one run;
 * then image previews made per second (distinct sizes of one 1600x1200 PNG, so none is cached).
 *
 *   npm run -w bench files [-- --sizes 1,10,100 --repeat 3 --thumbnails 20 --quick]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Api, setupGuild } from '../api.js';
import { csv, main, newResult, options, runTag } from '../cli.js';
import { now } from '../env.js';
import { DEFAULT_RESULTS_DIR, writeResult, type Cell } from '../report.js';
import { startConcord } from '../servers.js';
import { round } from '../stats.js';
import { multipartBody, sendStream, startTestS3, testPng } from '../../../apps/server/src/testing.js';

const OPTIONS = {
  sizes: { type: 'string' },
  repeat: { type: 'string' },
  thumbnails: { type: 'string' },
} as const;

const MB = 1024 * 1024;
const chunkOf = crypto.randomBytes(256 * 1024);
const chunks = (bytes: number) =>
  function* () {
    for (let sent = 0; sent < bytes; sent += chunkOf.length) yield bytes - sent >= chunkOf.length ? chunkOf : chunkOf.subarray(0, bytes - sent);
  };

/** MB/s of the best of `repeat` runs of `fn` over `bytes` (the best: other tenants of the machine only slow it). */
async function best(repeat: number, bytes: number, fn: () => Promise<void>): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t = now();
    await fn();
    fastest = Math.min(fastest, now() - t);
  }
  return round(bytes / MB / (fastest / 1000), 1);
}

async function rawDisk(dir: string, bytes: number): Promise<void> {
  const file = path.join(dir, `raw-${crypto.randomBytes(4).toString('hex')}`);
  const fd = fs.openSync(file, 'w');
  for (const c of chunks(bytes)()) fs.writeSync(fd, c);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.rmSync(file);
}

export async function runFiles(argv: string[]) {
  const o = options(OPTIONS, argv);
  if (o['base-url']) throw new Error('files starts its own servers (disk and S3), so it takes no --base-url');
  const sizes = csv(o.sizes, o.quick ? '1,10' : '1,10,100').map(Number);
  const repeat = Number(o.repeat ?? (o.quick ? 1 : 3));
  const thumbs = Number(o.thumbnails ?? (o.quick ? 4 : 20));
  const result = newResult('files', { sizes_mb: sizes, repeat, thumbnails: thumbs, s3: 's3rver (npm), in the load tool\'s process', upload: 'multipart POST /channels/:id/messages, one file', download: 'GET of the attachment URL (disk: served by Concord; S3: 302 to a presigned URL, followed)' });
  const s3 = await startTestS3('concord-bench');
  const rawDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-raw-'));
  const rows: Cell[][] = [];
  const thumbRows: Cell[][] = [];
  try {
    const s3env = { S3_BUCKET: s3.bucket, S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY_ID: s3.accessKeyId, S3_SECRET_ACCESS_KEY: s3.secretAccessKey, S3_FORCE_PATH_STYLE: 'true', S3_PREFIX: `bench-${runTag()}/` };
    const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    const measured: Record<string, Record<number, { up: number; down: number }>> = {};
    for (const [store, env] of [['disk', {}], ['s3', s3env]] as const) {
      const server = await startConcord({ env: { ...env, UPLOAD_MAX_FILE_BYTES: String(Math.max(...sizes) * MB + 1), BLOB_SWEEP_MS: '1000' } });
      try {
        const api = new Api(server.apiBase, 8);
        const { accounts, channelId } = await setupGuild(api, o['user-prefix'] ?? `f${runTag()}u`, 1, o.password);
        api.close();
        const token = accounts[0]!.token;
        measured[store] = {};
        for (const size of sizes) {
          const bytes = size * MB;
          let url = '';
          const up = await best(repeat, bytes, async () => {
            const { contentType, body } = multipartBody({ content: `${size} MB` }, [{ filename: `f${size}.bin`, data: chunks(bytes) }]);
            const res = await sendStream(`${server.apiBase}/channels/${channelId}/messages`, 'POST', { authorization: token, 'content-type': contentType }, body, 600_000);
            if (res.status !== 200) throw new Error(`upload of ${size} MB to ${store}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
            url = res.body.attachments[0].url;
          });
          const down = await best(repeat, bytes, async () => {
            const res = await fetch(url);
            let got = 0;
            for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) got += c.length;
            if (got !== bytes) throw new Error(`download of ${size} MB from ${store}: ${got} bytes`);
          });
          measured[store]![size] = { up, down };
        }
        if (store === 'disk') {
          // Previews: distinct widths, so each is made (not served from the cache).
          const png = testPng(1600, 1200);
          const { contentType, body } = multipartBody({ content: 'picture' }, [{ filename: 'p.png', data: png }]);
          const res = await sendStream(`${server.apiBase}/channels/${channelId}/messages`, 'POST', { authorization: token, 'content-type': contentType }, body);
          const imageUrl: string = res.body.attachments[0].url;
          const t = now();
          for (let i = 0; i < thumbs; i++) {
            const r = await fetch(`${imageUrl}width=${200 + i}&format=webp`);
            if (r.headers.get('content-type') !== 'image/webp') throw new Error(`preview ${i}: ${r.status}`);
            await r.arrayBuffer();
          }
          const perSecond = round(thumbs / ((now() - t) / 1000), 1);
          const t2 = now();
          for (let i = 0; i < thumbs; i++) await (await fetch(`${imageUrl}width=${200 + i}&format=webp`)).arrayBuffer();
          thumbRows.push(['1600x1200 PNG -> webp, one at a time', thumbs, perSecond, round(thumbs / ((now() - t2) / 1000), 0)]);
        }
      } finally {
        await server.stop();
        fs.rmSync(server.dataDir, { recursive: true, force: true });
      }
    }
    for (const size of sizes) {
      const bytes = size * MB;
      const disk = await best(repeat, bytes, () => rawDisk(rawDir, bytes));
      const put = await best(repeat, bytes, async () => {
        const key = `raw/${crypto.randomBytes(4).toString('hex')}`;
        const signed = await getSignedUrl(client, new PutObjectCommand({ Bucket: s3.bucket, Key: key }), { expiresIn: 600 });
        const res = await fetch(signed, { method: 'PUT', body: Readable.toWeb(Readable.from(chunks(bytes)())) as ReadableStream, headers: { 'content-length': String(bytes) }, duplex: 'half' } as RequestInit);
        if (!res.ok) throw new Error(`raw PUT: ${res.status}`);
      });
      rows.push([`${size} MB`, measured.disk![size]!.up, measured.disk![size]!.down, disk, measured.s3![size]!.up, measured.s3![size]!.down, put]);
    }
    client.destroy();
  } finally {
    await s3.close();
    fs.rmSync(rawDir, { recursive: true, force: true });
  }
  result.tables.push({
    title: 'Throughput, MB/s (best of the runs)',
    columns: ['file', 'disk: upload', 'disk: download', 'raw disk write + fsync', 'S3: upload', 'S3: download', 'raw HTTP PUT to the S3 server'],
    rows,
  });
  result.tables.push({ title: 'Image previews (vipsthumbnail)', columns: ['what', 'previews', 'made per s', 'served from cache per s'], rows: thumbRows });
  result.notes.push(
    'uploads stream: the server writes each file to a temporary file (disk; fsync, rename) or through a multipart upload in 5 MiB parts (S3) as it arrives',
    's3rver writes to a local directory, so the S3 columns measure the protocol path, not a remote store',
  );
  result.ok = result.failures.length === 0;
  const written = writeResult(result, o.out ?? (o.quick ? path.join(DEFAULT_RESULTS_DIR, 'quick') : DEFAULT_RESULTS_DIR));
  return Object.assign(result, { written });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(() => runFiles(process.argv.slice(2)));
