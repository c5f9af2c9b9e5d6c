/**
 * The blob port: named byte streams (attachments, thumbnails, avatars, icons). Adapters: a directory under
 * DATA_DIR (`disk.ts`, the default) and any S3-compatible store through the AWS SDK (`s3.ts`); app.ts chooses one.
 * Keys are `/`-separated paths the services build from ids and sanitised names, never from raw client input.
 */
import { Readable } from 'node:stream';

export interface BlobInfo {
  size: number;
}

export interface BlobRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface BlobRead extends BlobInfo {
  stream: Readable;
}

export interface PutOptions {
  /** Stored with the blob (S3 serves it on presigned reads). */
  contentType?: string;
}

export interface PresignOptions {
  expiresInSeconds: number;
  contentType?: string;
  /** Content-Disposition the store answers with. */
  disposition?: string;
}

export interface BlobStore {
  readonly kind: 'disk' | 's3';
  /**
   * Streams `body` to `key`. The blob appears only once the whole stream was written: a stream that errors
   * (a size limit cut it off, the client went away) leaves nothing behind, and the error is rethrown.
   */
  put(key: string, body: Readable, opts?: PutOptions): Promise<BlobInfo>;
  /** The blob, or a byte range of it; undefined when there is none. */
  get(key: string, range?: BlobRange): Promise<BlobRead | undefined>;
  stat(key: string): Promise<BlobInfo | undefined>;
  /** Idempotent: deleting what is not there succeeds. */
  delete(key: string): Promise<void>;
  /** Every key under a prefix (`a/b/`) is deleted. */
  deletePrefix(prefix: string): Promise<void>;
  /** A URL the client can read the blob from directly, when the store serves clients itself (S3). */
  presignGet?(key: string, opts: PresignOptions): Promise<string>;
  close(): Promise<void>;
}

/** A key part from a name a client chose: no separators, no dot-segments, nothing a path could misread. */
export function safeKeyPart(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_');
  return cleaned === '' ? 'file' : cleaned;
}

/** A readable of a buffer, for small blobs made in memory (thumbnails, avatars). */
export const fromBuffer = (b: Buffer): Readable => Readable.from([b]);
