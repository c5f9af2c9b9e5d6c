/**
 * Attachments: files streamed from multipart requests and two-step uploads into the blob store, given to
 * messages, served back through signed URLs, and deleted (after the commit that removed them, retried until the
 * store confirms) when their message, channel or guild goes. See docs/attachments.md.
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { Permissions, type Attachment } from '@concord/protocol';
import { errors } from '../../lib/errors.js';
import { parseRequestJson } from '../../lib/json.js';
import { log } from '../../lib/log.js';
import { Meter, TooLargeError } from '../../blobs/meter.js';
import { imageSize, sniffContentType } from '../../blobs/sniff.js';
import type { Ctx } from '../access.js';
import type { Needs } from '../deps.js';
import { attachmentPrefix, type AttachmentRecord } from './store.js';
import { THUMBNAIL_SOURCES, makePlaceholder } from './serve.js';

export type AttachmentDeps = Needs<'attachments', 'access' | 'ids' | 'config' | 'blobs' | 'media'>;

/** Discord's attachment flag for a file whose name starts with SPOILER_. */
const IS_SPOILER = 1 << 3;

/** The key of an attachment's original bytes; its thumbnails sit beside it. */
export const originalKey = (a: Pick<AttachmentRecord, 'channel_id' | 'id'>) => `${attachmentPrefix(a.channel_id, a.id)}original`;
export const mediaPath = (a: Pick<AttachmentRecord, 'channel_id' | 'id' | 'filename'>) => `attachments/${a.channel_id}/${a.id}/${a.filename}`;

/**
 * A file name as Discord keeps it: the last path segment only, spaces as underscores, nothing but letters,
 * digits, `.`, `-` and `_`, no leading dots, at most 255 bytes; an empty result is `unknown`.
 */
export function sanitizeFilename(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  let name = base
    .normalize('NFC')
    .replace(/\s+/g, '_')
    .replace(/[^\p{L}\p{N}._-]/gu, '_')
    .replace(/^[._]+(?=.)/, (m) => m.replace(/\./g, '_'));
  if (name === '' || /^[._]+$/.test(name)) name = 'unknown';
  while (Buffer.byteLength(name) > 255) {
    const ext = path.extname(name).slice(0, 16);
    name = name.slice(0, Math.max(1, name.length - ext.length - 1)) + ext;
  }
  return name;
}

export function wireAttachment(deps: Pick<AttachmentDeps, 'media'>, a: AttachmentRecord): Attachment {
  const url = deps.media.sign(mediaPath(a));
  const image = a.width != null && a.height != null;
  return {
    id: a.id,
    filename: a.filename,
    ...(a.description ? { description: a.description } : {}),
    content_type: a.content_type,
    size: a.size,
    url,
    proxy_url: url,
    ...(image ? { width: a.width, height: a.height } : {}),
    ...(a.placeholder ? { placeholder: a.placeholder, placeholder_version: 1 } : {}),
    ephemeral: false,
    ...(a.filename.startsWith('SPOILER_') ? { flags: IS_SPOILER } : {}),
  };
}

/** Wire attachments of messages of one or more channels, by message id, in their order. */
export async function attachmentsOf(deps: Pick<AttachmentDeps, 'attachments' | 'media'>, messages: readonly { id: string; channel_id: string }[]) {
  const out = new Map<string, Attachment[]>();
  const byChannel = new Map<string, string[]>();
  for (const m of messages) byChannel.set(m.channel_id, [...(byChannel.get(m.channel_id) ?? []), m.id]);
  for (const [channelId, ids] of byChannel) {
    for (const a of await deps.attachments.forMessages(channelId, ids)) {
      const list = out.get(a.message_id!) ?? [];
      list.push(wireAttachment(deps, a));
      out.set(a.message_id!, list);
    }
  }
  return out;
}

/** Streams a file into the store under a fresh attachment, with a pending row first (a crash leaves it to the sweep). */
async function storeFile(deps: AttachmentDeps, uploaderId: string, channelId: string, filename: string, body: Readable, limit: number, id = deps.ids.next()): Promise<AttachmentRecord> {
  const record: AttachmentRecord = {
    id,
    channel_id: channelId,
    message_id: null,
    uploader_id: uploaderId,
    filename: sanitizeFilename(filename),
    description: null,
    content_type: 'application/octet-stream',
    size: 0,
    width: null,
    height: null,
    position: 0,
    uploaded: false,
    created_at: Date.now(),
  };
  await deps.attachments.insert(record);
  const meter = new Meter(limit);
  const piped = pipeline(body, meter).catch(() => undefined);
  try {
    await deps.blobs.put(originalKey(record), meter);
  } catch (err) {
    await piped;
    await deps.attachments.remove([record], Date.now());
    throw err instanceof TooLargeError ? errors.tooLarge() : err;
  }
  const head = meter.head;
  const content_type = sniffContentType(head);
  const dims = imageSize(head, content_type);
  const placeholder = dims && THUMBNAIL_SOURCES.has(content_type) ? ((await makePlaceholder(deps, originalKey(record))) ?? null) : null;
  const done = { size: meter.size, content_type, width: dims?.width ?? null, height: dims?.height ?? null, placeholder };
  await deps.attachments.completeUpload(record.id, done);
  return { ...record, ...done, uploaded: true };
}

export interface Upload {
  /** `n` of the form's `files[n]` (what `attachments[].id` refers to). */
  index: string;
  record: AttachmentRecord;
}

export interface MultipartBody {
  payload: unknown;
  uploads: Upload[];
}

/** The form field a file came in: `files[n]`, `fileN` or `file`. */
const fileIndex = (name: string): string | undefined => /^files\[(\d{1,3})\]$/.exec(name)?.[1] ?? /^file(\d{1,3})?$/.exec(name)?.[1] ?? (name === 'file' ? '0' : undefined);

/**
 * A `multipart/form-data` message body: `payload_json` (or plain fields) and up to UPLOAD_MAX_FILES files, each
 * streamed to the store as it arrives and cut off past UPLOAD_MAX_FILE_BYTES (40005, nothing left behind).
 * Access is checked before any byte is stored.
 */
export async function receiveMultipart(
  deps: AttachmentDeps,
  /** The person (or webhook) the uploads belong to. */
  uploaderId: string,
  channelId: string,
  stream: Readable,
  headers: Record<string, string | string[] | undefined>,
  check: () => Promise<unknown>,
): Promise<MultipartBody> {
  await check();
  const { uploadMaxFileBytes, uploadMaxFiles, bodyLimitBytes } = deps.config;
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: headers as busboy.BusboyConfig['headers'], limits: { fieldSize: bodyLimitBytes, fields: 32, files: uploadMaxFiles, parts: uploadMaxFiles + 32 } });
  } catch {
    throw errors.invalidField([], 'BASE_TYPE_INVALID', 'Malformed multipart body.');
  }
  const fields: Record<string, unknown> = {};
  let payload: unknown;
  const stored: Upload[] = [];
  const pending: Promise<void>[] = [];
  let failure: unknown;
  let settle!: () => void;
  const parsed = new Promise<void>((resolve) => (settle = resolve));
  const fail = (err: unknown) => {
    failure ??= err;
    stream.unpipe(parser);
    // The file being streamed fails with the parser, so its partial blob is discarded.
    parser.destroy();
    // Whatever else arrives is read and dropped; the answer goes out now and the socket closes after it.
    stream.resume();
    settle();
  };

  parser.on('field', (name, value, info) => {
    if (failure) return;
    if (info.valueTruncated) return fail(errors.tooLarge());
    if (name === 'payload_json') {
      try {
        payload = parseRequestJson(value);
      } catch (err) {
        fail(err);
      }
    } else fields[name] = value;
  });
  parser.on('file', (name, file, info) => {
    const index = fileIndex(name);
    if (failure || index === undefined) return void file.resume();
    const task = storeFile(deps, uploaderId, channelId, info.filename ?? 'unknown', file, uploadMaxFileBytes).then(
      (record) => void stored.push({ index, record }),
      (err: unknown) => {
        file.resume();
        fail(err);
      },
    );
    pending.push(task);
  });
  parser.on('filesLimit', () => fail(errors.invalidField(['files'], 'BASE_TYPE_MAX_LENGTH', `Must be ${uploadMaxFiles} or fewer in length.`)));
  parser.on('partsLimit', () => fail(errors.invalidField(['files'], 'BASE_TYPE_MAX_LENGTH', 'Too many parts.')));
  parser.on('fieldsLimit', () => fail(errors.invalidField([], 'BASE_TYPE_MAX_LENGTH', 'Too many fields.')));
  parser.on('error', () => fail(errors.invalidField([], 'BASE_TYPE_INVALID', 'Malformed multipart body.')));
  parser.on('close', () => settle());
  // A client that goes away mid-body fails the upload (and whatever file was half stored).
  stream.on('close', () => {
    if (!stream.readableEnded) fail(new Error('client went away'));
  });
  stream.pipe(parser);
  await parsed;
  await Promise.allSettled(pending);
  if (failure) {
    await discardUploads(deps, stored);
    throw failure;
  }
  stored.sort((a, b) => Number(a.index) - Number(b.index));
  return { payload: payload ?? fields, uploads: stored };
}

/** Uploads a failed request or an unsent message stored: their rows go now, their files with the next sweep. */
export async function discardUploads(deps: Pick<AttachmentDeps, 'attachments'>, uploads: readonly Upload[]): Promise<void> {
  if (uploads.length > 0) await deps.attachments.remove(uploads.map((u) => u.record), Date.now());
}

/** Runs what the uploads were for; when it fails (bad payload, no permission, empty), the uploads go. */
export async function withUploads<T>(deps: Pick<AttachmentDeps, 'attachments'>, uploads: readonly Upload[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    await discardUploads(deps, uploads);
    throw err;
  }
}

/** An entry of a message body's `attachments` array. */
interface AttachmentSpec {
  id?: unknown;
  filename?: unknown;
  description?: unknown;
  uploaded_filename?: unknown;
}

export interface ResolvedAttachments {
  /** The message's attachments, in order, with the names and descriptions it asked for. */
  keep: { record: AttachmentRecord; filename: string; description: string | null }[];
  /** Existing attachments an edit left out, and uploads the message did not take. */
  drop: AttachmentRecord[];
}

/**
 * What a create or edit ends up with: `attachments: [{id}]` names new files by their `files[n]` index, existing
 * ones by id (an edit keeps only those it names), and two-step uploads by `uploaded_filename`. Without an
 * `attachments` array, every new file is added to what the message has.
 */
export async function resolveAttachments(
  deps: AttachmentDeps,
  /** Who may name two-step uploads: their uploader. */
  uploaderId: string,
  channelId: string,
  spec: readonly unknown[] | null | undefined,
  uploads: readonly Upload[],
  existing: readonly AttachmentRecord[] = [],
): Promise<ResolvedAttachments> {
  const keep: ResolvedAttachments['keep'] = [];
  const used = new Set<string>();
  const take = (record: AttachmentRecord, s: AttachmentSpec, i: number) => {
    if (used.has(record.id)) throw errors.invalidField(['attachments', String(i), 'id'], 'ATTACHMENT_DUPLICATE', 'Attachment is listed twice.');
    used.add(record.id);
    const filename = typeof s.filename === 'string' && s.filename !== '' ? sanitizeFilename(s.filename) : record.filename;
    const description = typeof s.description === 'string' ? s.description.slice(0, 1024) : s.description === null ? null : record.description;
    keep.push({ record, filename, description });
  };
  if (spec == null) {
    for (const a of existing) keep.push({ record: a, filename: a.filename, description: a.description });
    for (const u of uploads) take(u.record, {}, keep.length);
  } else {
    for (const [i, raw] of spec.entries()) {
      const s = (typeof raw === 'object' && raw !== null ? raw : {}) as AttachmentSpec;
      const id = s.id == null ? undefined : String(s.id);
      if (typeof s.uploaded_filename === 'string') {
        const record = await twoStepUpload(deps, uploaderId, channelId, s.uploaded_filename);
        if (!record) throw errors.invalidField(['attachments', String(i), 'uploaded_filename'], 'ATTACHMENT_NOT_FOUND', 'Unknown or incomplete upload.');
        take(record, s, i);
        continue;
      }
      const upload = uploads.find((u) => u.index === id);
      const kept = existing.find((a) => a.id === id);
      if (upload) take(upload.record, s, i);
      else if (kept) take(kept, s, i);
      else throw errors.invalidField(['attachments', String(i), 'id'], 'ATTACHMENT_NOT_FOUND', 'Unknown attachment.');
    }
    // Files sent but not listed are added after the listed ones, as Discord does.
    for (const u of uploads) if (!used.has(u.record.id)) take(u.record, {}, keep.length);
  }
  if (keep.length > deps.config.uploadMaxFiles) {
    throw errors.invalidField(['attachments'], 'BASE_TYPE_MAX_LENGTH', `Must be ${deps.config.uploadMaxFiles} or fewer in length.`);
  }
  const drop = existing.filter((a) => !used.has(a.id) && !keep.some((k) => k.record.id === a.id));
  return { keep, drop };
}

/** `uploaded_filename` is `<attachment id>/<file name>`: the caller's own finished upload in this channel. */
async function twoStepUpload(deps: AttachmentDeps, uploaderId: string, channelId: string, uploadedFilename: string): Promise<AttachmentRecord | undefined> {
  const [id] = uploadedFilename.split('/');
  if (!id || !/^\d{1,20}$/.test(id)) return undefined;
  const a = await deps.attachments.get(id);
  if (!a || a.channel_id !== channelId || a.uploader_id !== uploaderId || a.message_id !== null || !a.uploaded) return undefined;
  return a;
}

/** Gives the resolved attachments to a message (a store call, or a transaction's store). */
export function linkAttachments(store: Pick<AttachmentDeps['attachments'], 'link'>, messageId: string, r: ResolvedAttachments) {
  return store.link(
    messageId,
    r.keep.map((k, position) => ({ id: k.record.id, filename: k.filename, description: k.description, position })),
  );
}

/** The wire objects a resolved set will have once linked (for the event and the answer). */
export function wireResolved(deps: Pick<AttachmentDeps, 'media'>, messageId: string, r: ResolvedAttachments): Attachment[] {
  return r.keep.map((k, position) => wireAttachment(deps, { ...k.record, message_id: messageId, filename: k.filename, description: k.description, position }));
}

/** `POST /channels/:id/attachments`: upload slots for the two-step flow. */
export async function createUploadSlots(deps: AttachmentDeps, ctx: Ctx, channelId: string, body: { files: { filename: string; file_size: number; id?: string | number | null }[] }) {
  await deps.access.channel(ctx, channelId, Permissions.SEND_MESSAGES | Permissions.ATTACH_FILES);
  if (body.files.length > deps.config.uploadMaxFiles) {
    throw errors.invalidField(['files'], 'BASE_TYPE_MAX_LENGTH', `Must be ${deps.config.uploadMaxFiles} or fewer in length.`);
  }
  for (const f of body.files) if (f.file_size > deps.config.uploadMaxFileBytes) throw errors.tooLarge();
  const out = [];
  for (const [i, f] of body.files.entries()) {
    const id = deps.ids.next();
    const filename = sanitizeFilename(f.filename);
    await deps.attachments.insert({
      id,
      channel_id: channelId,
      message_id: null,
      uploader_id: ctx.user.id,
      filename,
      description: null,
      content_type: 'application/octet-stream',
      // The declared size bounds what the PUT may send.
      size: f.file_size,
      width: null,
      height: null,
      position: i,
      uploaded: false,
      created_at: Date.now(),
    });
    out.push({ id: f.id ?? String(i), upload_url: deps.media.sign(`upload/${id}`), upload_filename: `${id}/${filename}` });
  }
  return { attachments: out };
}

/** The PUT of a two-step upload: the signed URL is the authority; at most the declared size is taken. */
export async function receiveUpload(deps: AttachmentDeps, attachmentId: string, query: Record<string, string | undefined>, body: Readable): Promise<void> {
  if (!deps.media.verify(`upload/${attachmentId}`, query)) throw errors.notFound();
  const a = await deps.attachments.get(attachmentId);
  if (!a || a.message_id !== null || a.uploaded) throw errors.notFound();
  const meter = new Meter(Math.min(a.size, deps.config.uploadMaxFileBytes));
  const piped = pipeline(body, meter).catch(() => undefined);
  try {
    await deps.blobs.put(originalKey(a), meter);
  } catch (err) {
    await piped;
    await deps.blobs.delete(originalKey(a)).catch(() => undefined);
    throw err instanceof TooLargeError ? errors.tooLarge() : err;
  }
  const head = meter.head;
  const content_type = sniffContentType(head);
  const dims = imageSize(head, content_type);
  const placeholder = dims && THUMBNAIL_SOURCES.has(content_type) ? ((await makePlaceholder(deps, originalKey(a))) ?? null) : null;
  await deps.attachments.completeUpload(a.id, { size: meter.size, content_type, width: dims?.width ?? null, height: dims?.height ?? null, placeholder });
}

/** `DELETE /attachments/:upload_filename`: a two-step upload the client gave up on. */
export async function cancelUpload(deps: AttachmentDeps, ctx: Ctx, uploadFilename: string): Promise<void> {
  const [id] = uploadFilename.split('/');
  const a = id && /^\d{1,20}$/.test(id) ? await deps.attachments.get(id) : undefined;
  if (!a || a.uploader_id !== ctx.user.id || a.message_id !== null) throw errors.notFound();
  await deps.attachments.remove([a], Date.now());
}

/**
 * The sweep: uploads no message took within UPLOAD_TTL_MS go, then every queued blob prefix is deleted from
 * the store; a failed delete is retried with backoff (1 s doubling to an hour) until it succeeds.
 */
export async function sweepBlobs(deps: Pick<AttachmentDeps, 'attachments' | 'blobs' | 'config'>, now = Date.now()): Promise<number> {
  const expired = await deps.attachments.expiredUploads(now - deps.config.uploadTtlMs, 500);
  if (expired.length > 0) await deps.attachments.remove(expired, now);
  let done = 0;
  for (const { prefix, attempts } of await deps.attachments.dueDeletions(now, 200)) {
    try {
      await deps.blobs.deletePrefix(prefix);
      await deps.attachments.deletionDone(prefix);
      done++;
    } catch (err) {
      const delay = Math.min(3_600_000, 1000 * 2 ** Math.min(attempts, 12));
      await deps.attachments.deletionFailed(prefix, now + delay);
      log.warn('blob delete failed; retrying', { prefix, attempts: attempts + 1, err: (err as Error).message });
    }
  }
  return done;
}
