/**
 * Reading attachments back: a signed URL names the file (Discord's ex/is/hm), the disk adapter streams it with
 * byte ranges, the S3 adapter answers with a presigned redirect. Image previews (`?width=&height=&format=`) are
 * made once by Debian's `vipsthumbnail` in a child process (off the event loop) and kept beside the original.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { rgbaToThumbHash } from 'thumbhash';
import { errors } from '../../lib/errors.js';
import { log } from '../../lib/log.js';
import { isInlineSafe } from '../../blobs/sniff.js';
import type { BlobRange } from '../../blobs/port.js';
import { fromBuffer } from '../../blobs/port.js';
import type { AttachmentDeps } from './service.js';
import { mediaPath, originalKey } from './service.js';
import { attachmentPrefix, type AttachmentRecord } from './store.js';

export type MediaAnswer =
  | { kind: 'redirect'; url: string }
  | { kind: 'notModified'; headers: Record<string, string> }
  | { kind: 'body'; status: 200 | 206; headers: Record<string, string>; stream: Readable }
  | { kind: 'unsatisfiable'; size: number };

/** A year: the bytes behind an attachment URL never change. */
const IMMUTABLE = 'private, max-age=31536000, immutable';

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; several ranges or nonsense mean the whole file (as the RFC allows). */
export function parseRange(header: string | undefined, size: number): BlobRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

function disposition(a: AttachmentRecord): string {
  const kind = isInlineSafe(a.content_type) ? 'inline' : 'attachment';
  const ascii = a.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`;
}

export interface MediaRequest {
  channelId: string;
  attachmentId: string;
  filename: string;
  query: Record<string, string | undefined>;
  range?: string;
  ifNoneMatch?: string;
}

export async function openAttachment(deps: AttachmentDeps, req: MediaRequest): Promise<MediaAnswer> {
  const a = /^\d{1,20}$/.test(req.attachmentId) ? await deps.attachments.get(req.attachmentId) : undefined;
  // Unknown, not yet sent, wrongly named or unsigned all look the same to the asker.
  if (!a || a.message_id === null || a.channel_id !== req.channelId || a.filename !== req.filename) throw errors.notFound();
  if (!deps.media.verify(mediaPath(a), req.query)) throw errors.notFound();

  let key = originalKey(a);
  let contentType = a.content_type;
  const thumb = thumbnailSpec(a, req.query);
  if (thumb) {
    const made = await thumbnail(deps, a, thumb);
    // Without a thumbnailer the original comes back, under its own type.
    if (made !== key) contentType = `image/${thumb.format}`;
    key = made;
  }
  const etag = `"${a.id}${thumb ? `-${thumb.width}x${thumb.height}.${thumb.format}` : ''}"`;
  const common: Record<string, string> = {
    'cache-control': IMMUTABLE,
    etag,
    'accept-ranges': 'bytes',
    'content-disposition': disposition(a),
    // A file opened directly runs nothing, whatever it holds.
    'content-security-policy': "default-src 'none'; sandbox",
  };
  if (req.ifNoneMatch && req.ifNoneMatch.split(',').some((t) => t.trim() === etag)) return { kind: 'notModified', headers: common };

  if (deps.blobs.presignGet) {
    const url = await deps.blobs.presignGet(key, {
      expiresInSeconds: Math.min(3600, deps.media.remaining(req.query)),
      contentType: isInlineSafe(contentType) ? contentType : 'application/octet-stream',
      disposition: common['content-disposition'],
    });
    return { kind: 'redirect', url };
  }
  const info = await deps.blobs.stat(key);
  if (!info) throw errors.notFound();
  const range = parseRange(req.range, info.size);
  if (range === 'unsatisfiable') return { kind: 'unsatisfiable', size: info.size };
  const read = await deps.blobs.get(key, range);
  if (!read) throw errors.notFound();
  const headers = { ...common, 'content-type': contentType };
  if (!range) return { kind: 'body', status: 200, headers: { ...headers, 'content-length': String(info.size) }, stream: read.stream };
  return {
    kind: 'body',
    status: 206,
    headers: { ...headers, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${info.size}` },
    stream: read.stream,
  };
}

interface ThumbSpec {
  width: number;
  height: number;
  format: 'webp' | 'png' | 'jpeg';
}

export const THUMBNAIL_SOURCES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);

/** A preview is asked for with width and/or height; never larger than the original, at most 4096 a side. */
function thumbnailSpec(a: AttachmentRecord, q: Record<string, string | undefined>): ThumbSpec | undefined {
  if (q.width === undefined && q.height === undefined && q.format === undefined) return undefined;
  if (!THUMBNAIL_SOURCES.has(a.content_type) || a.width == null || a.height == null) return undefined;
  const num = (v: string | undefined) => (v && /^\d{1,5}$/.test(v) ? Math.min(4096, Math.max(1, Number(v))) : undefined);
  let w = num(q.width);
  let h = num(q.height);
  if (w === undefined && h === undefined) [w, h] = [a.width, a.height];
  // Fit inside the box, keeping the aspect ratio, and never upscale.
  const scale = Math.min(1, w ? w / a.width : Infinity, h ? h / a.height : Infinity);
  const width = Math.max(1, Math.round(a.width * scale));
  const height = Math.max(1, Math.round(a.height * scale));
  const format = q.format === 'png' ? 'png' : q.format === 'jpeg' || q.format === 'jpg' ? 'jpeg' : 'webp';
  return { width, height, format };
}

/** One preview of a file is made once, however many ask for it at the same time. */
const making = new Map<string, Promise<string>>();
/** Previews made at the same time: each is a child process using a core. */
let running = 0;
const queue: (() => void)[] = [];
const MAX_RUNNING = Math.max(1, Math.min(2, os.cpus().length));

async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    queue.shift()?.();
  }
}

async function thumbnail(deps: AttachmentDeps, a: AttachmentRecord, t: ThumbSpec): Promise<string> {
  const key = `${attachmentPrefix(a.channel_id, a.id)}thumb-${t.width}x${t.height}.${t.format}`;
  return convert(deps, originalKey(a), key, `${t.width}x${t.height}>`, t.format, false);
}

/**
 * An avatar or icon in another size (a square, cropped to the centre) or format; made once, then kept. `fit`
 * keeps the aspect ratio instead (emoji: fitted in the square, never enlarged).
 */
export function convertImage(deps: Pick<AttachmentDeps, 'blobs' | 'config'>, source: string, target: string, o: { size?: number; format: 'png' | 'jpeg' | 'webp'; fit?: boolean }): Promise<string> {
  const box = o.size ? `${o.size}x${o.size}${o.fit ? '>' : ''}` : '4096x4096>';
  return convert(deps, source, target, box, o.format, o.size !== undefined && !o.fit);
}

async function convert(deps: Pick<AttachmentDeps, 'blobs' | 'config'>, source: string, key: string, box: string, format: 'png' | 'jpeg' | 'webp', crop: boolean): Promise<string> {
  if (await deps.blobs.stat(key)) return key;
  if (deps.config.thumbnailer === 'off') throw errors.notFound();
  let job = making.get(key);
  if (!job) {
    job = slot(() => runThumbnailer(deps, source, key, box, format, crop))
      .catch((err: unknown) => {
        // No thumbnailer installed (a plain `npm start` machine): the original is served instead of a preview.
        if ((err as { code?: string }).code !== 'ENOENT') throw err;
        if (!warnedMissing) log.warn('image previews are off: the thumbnailer was not found (install libvips-tools, or set THUMBNAILER=off)', { thumbnailer: deps.config.thumbnailer });
        warnedMissing = true;
        return source;
      })
      .finally(() => making.delete(key));
    making.set(key, job);
  }
  return job;
}
let warnedMissing = false;

/**
 * An image's ThumbHash (base64), as Discord's `placeholder`: the thumbnailer fits it in 100 x 100 as a PPM (plain
 * RGB, trivially read), and the `thumbhash` package (plain JavaScript) encodes it. Undefined when there is no
 * thumbnailer or the image cannot be read: a file is never refused for want of a placeholder.
 */
export async function makePlaceholder(deps: Pick<AttachmentDeps, 'blobs' | 'config'>, source: string): Promise<string | undefined> {
  if (deps.config.thumbnailer === 'off') return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-placeholder-'));
  try {
    return await slot(async () => {
      const input = path.join(dir, 'in');
      const read = await deps.blobs.get(source);
      if (!read) return undefined;
      await pipeline(read.stream, fs.createWriteStream(input));
      const out = path.join(dir, 'out.ppm');
      await new Promise<void>((resolve, reject) => execFile(deps.config.thumbnailer, [input, '--size', '100x100', '-o', out], { timeout: 30_000 }, (err) => (err ? reject(err) : resolve())));
      const ppm = readPpm(fs.readFileSync(out));
      if (!ppm) return undefined;
      const rgba = new Uint8Array(ppm.width * ppm.height * 4);
      for (let i = 0; i < ppm.width * ppm.height; i++) {
        rgba[i * 4] = ppm.rgb[i * 3]!;
        rgba[i * 4 + 1] = ppm.rgb[i * 3 + 1]!;
        rgba[i * 4 + 2] = ppm.rgb[i * 3 + 2]!;
        rgba[i * 4 + 3] = 255;
      }
      return Buffer.from(rgbaToThumbHash(ppm.width, ppm.height, rgba)).toString('base64');
    });
  } catch {
    return undefined;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A binary PPM (P6, 8 bits): its size and RGB bytes. */
export function readPpm(b: Buffer): { width: number; height: number; rgb: Buffer } | undefined {
  const fields: string[] = [];
  let i = 2;
  if (b.toString('latin1', 0, 2) !== 'P6') return undefined;
  while (fields.length < 3 && i < b.length) {
    const c = b[i]!;
    if (c === 0x23) while (i < b.length && b[i] !== 0x0a) i++;
    else if (c > 0x20) {
      let j = i;
      while (j < b.length && b[j]! > 0x20) j++;
      fields.push(b.toString('latin1', i, j));
      i = j;
      continue;
    }
    i++;
  }
  const [width, height, max] = fields.map(Number) as [number, number, number];
  // One whitespace byte separates the header from the pixels.
  const rgb = b.subarray(i + 1);
  if (!(width > 0 && height > 0 && width <= 100 && height <= 100 && max === 255 && rgb.length >= width * height * 3)) return undefined;
  return { width, height, rgb };
}

async function runThumbnailer(deps: Pick<AttachmentDeps, 'blobs' | 'config'>, source: string, key: string, box: string, format: 'png' | 'jpeg' | 'webp', crop: boolean): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-thumb-'));
  try {
    const input = path.join(dir, `in-${crypto.randomBytes(4).toString('hex')}`);
    const read = await deps.blobs.get(source);
    if (!read) throw errors.notFound();
    await pipeline(read.stream, fs.createWriteStream(input));
    const out = path.join(dir, `out.${format}`);
    const saveOpts = format === 'png' ? '' : '[Q=80,strip]';
    const args = [input, '--size', box, ...(crop ? ['--smartcrop', 'centre'] : []), '-o', `${out}${saveOpts}`];
    await new Promise<void>((resolve, reject) =>
      // The first frame of an animation, fitted in the box (`>`: never enlarged).
      execFile(deps.config.thumbnailer, args, { timeout: 30_000 }, (err) => (err ? reject(err) : resolve())),
    );
    await deps.blobs.put(key, fromBuffer(fs.readFileSync(out)), { contentType: `image/${format}` });
    return key;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
