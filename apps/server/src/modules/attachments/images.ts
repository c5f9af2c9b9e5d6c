/**
 * Avatars and guild icons: sent inline as data URIs (as on Discord), stored as blobs under their content hash,
 * and served at Discord's CDN paths (`/avatars/:user_id/:hash.png?size=`, `/icons/:guild_id/:hash.png`). The
 * hash names the bytes, so the answers are public and cached for good; other sizes and formats are made once
 * by the thumbnailer and kept beside the original.
 */
import crypto from 'node:crypto';
import { errors } from '../../lib/errors.js';
import { fromBuffer } from '../../blobs/port.js';
import { imageSize, sniffContentType } from '../../blobs/sniff.js';
import type { AttachmentDeps } from './service.js';
import { convertImage } from './serve.js';
import type { MediaAnswer } from './serve.js';

export type ImageKind = 'avatars' | 'icons';

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Where an image's files live; deleting the prefix takes every size of it. */
export const imagePrefix = (kind: ImageKind, ownerId: string, hash: string) => `${kind}/${ownerId}/${hash}/`;

/** The bytes and sniffed type of an image data URI (PNG, JPEG, GIF or WebP by its bytes, whatever the URI says). */
export function decodeImage(field: string, dataUri: string): { bytes: Buffer; type: string; width: number; height: number } {
  const m = /^data:image\/[a-z+.-]+;base64,([A-Za-z0-9+/=\s]+)$/.exec(dataUri);
  const invalid = () => errors.invalidField([field], 'IMAGE_INVALID', 'Invalid image data');
  if (!m) throw invalid();
  const bytes = Buffer.from(m[1]!, 'base64');
  const type = sniffContentType(bytes.subarray(0, 64 * 1024));
  const dims = IMAGE_TYPES.has(type) ? imageSize(bytes, type) : undefined;
  if (!dims) throw invalid();
  return { bytes, type, ...dims };
}

/** A data URI of an image becomes a stored blob; answers its hash (`a_` first when animated, as Discord marks GIFs). */
export async function storeImage(deps: Pick<AttachmentDeps, 'blobs'>, kind: ImageKind, ownerId: string, field: string, dataUri: string): Promise<string> {
  const { bytes, type } = decodeImage(field, dataUri);
  const digest = crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  const hash = type === 'image/gif' ? `a_${digest}` : digest;
  const key = `${imagePrefix(kind, ownerId, hash)}original`;
  if (!(await deps.blobs.stat(key))) await deps.blobs.put(key, fromBuffer(bytes), { contentType: type });
  return hash;
}

/** Discord's `size`: a power of two from 16 to 4096. */
const SIZES = new Set([16, 20, 22, 24, 28, 32, 40, 44, 48, 56, 60, 64, 80, 96, 100, 128, 160, 240, 256, 300, 320, 480, 512, 600, 640, 1024, 1280, 1536, 2048, 3072, 4096]);
const FORMATS: Record<string, 'png' | 'jpeg' | 'webp' | 'gif'> = { png: 'png', jpg: 'jpeg', jpeg: 'jpeg', webp: 'webp', gif: 'gif' };

export async function openImage(deps: AttachmentDeps, kind: ImageKind, ownerId: string, file: string, query: Record<string, string | undefined>): Promise<MediaAnswer> {
  const m = /^((?:a_)?[0-9a-f]{32})\.(png|jpe?g|webp|gif)$/.exec(file);
  if (!m || !/^\d{1,20}$/.test(ownerId)) throw errors.notFound();
  const [, hash, ext] = m as unknown as [string, string, string];
  const prefix = imagePrefix(kind, ownerId, hash);
  const original = await deps.blobs.stat(`${prefix}original`);
  if (!original) throw errors.notFound();
  const size = query.size && SIZES.has(Number(query.size)) ? Number(query.size) : undefined;
  // GIF out only for animated ones, as on Discord; other formats come from the first frame.
  const format = FORMATS[ext] === 'gif' && !hash.startsWith('a_') ? 'png' : FORMATS[ext]!;
  let key = `${prefix}original`;
  let contentType = format === 'gif' ? 'image/gif' : `image/${format}`;
  if (size !== undefined || format !== 'gif') {
    const name = `${size ?? 'full'}.${format}`;
    key = await convertImage(deps, `${prefix}original`, `${prefix}${name}`, { size, format: format === 'gif' ? 'png' : format });
    if (format === 'gif') contentType = 'image/png';
  }
  const read = await deps.blobs.get(key);
  if (!read) throw errors.notFound();
  return {
    kind: 'body',
    status: 200,
    headers: { 'content-type': contentType, 'content-length': String(read.size), 'cache-control': 'public, max-age=31536000, immutable', 'content-security-policy': "default-src 'none'; sandbox" },
    stream: read.stream,
  };
}
