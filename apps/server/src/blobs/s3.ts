/**
 * Blobs in any S3-compatible store (AWS S3, MinIO, Ceph, R2, ...) through the official AWS SDK. Puts stream
 * through lib-storage's multipart upload (5 MiB parts, a few in flight), so a large upload never sits in memory;
 * a stream that fails aborts the multipart upload, which leaves no object. Clients read through presigned URLs.
 */
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BlobInfo, BlobRange, BlobRead, BlobStore, PresignOptions, PutOptions } from './port.js';

export interface S3Options {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** Prepended to every key, so one bucket can hold several instances. */
  prefix?: string;
}

const isMissing = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};

export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(opts: S3Options) {
    const config: S3ClientConfig = { region: opts.region, forcePathStyle: opts.forcePathStyle };
    if (opts.endpoint) config.endpoint = opts.endpoint;
    if (opts.accessKeyId && opts.secretAccessKey) config.credentials = { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey };
    this.client = new S3Client(config);
    this.bucket = opts.bucket;
    this.prefix = opts.prefix ?? '';
  }

  private k(key: string) {
    return this.prefix + key;
  }

  async put(key: string, body: Readable, opts: PutOptions = {}): Promise<BlobInfo> {
    let size = 0;
    body.on('data', (chunk: Buffer) => (size += chunk.length));
    // Through a pipeline, an error of the source (a limit, a client gone) fails the stream lib-storage reads,
    // which aborts the multipart upload.
    const pass = new PassThrough();
    let failed: unknown;
    const piped = pipeline(body, pass).catch((err: unknown) => {
      failed = err;
    });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.k(key), Body: pass, ContentType: opts.contentType ?? 'application/octet-stream' },
      partSize: 5 * 1024 * 1024,
      queueSize: 2,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (err) {
      await piped;
      await this.delete(key).catch(() => undefined);
      throw failed ?? err;
    }
    await piped;
    if (failed) {
      // The source failed after its last byte went out: what is stored is not what was meant.
      await this.delete(key).catch(() => undefined);
      throw failed;
    }
    return { size };
  }

  async stat(key: string): Promise<BlobInfo | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.k(key) }));
      return { size: Number(head.ContentLength ?? 0) };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async get(key: string, range?: BlobRange): Promise<BlobRead | undefined> {
    const info = await this.stat(key);
    if (!info) return undefined;
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.k(key), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      );
      return { size: info.size, stream: res.Body as Readable };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.k(key) }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.k(prefix), ContinuationToken: token }));
      const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length > 0) await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  presignGet(key: string, opts: PresignOptions): Promise<string> {
    const cmd = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.k(key),
      ...(opts.contentType ? { ResponseContentType: opts.contentType } : {}),
      ...(opts.disposition ? { ResponseContentDisposition: opts.disposition } : {}),
      ResponseCacheControl: 'public, max-age=31536000, immutable',
    });
    return getSignedUrl(this.client, cmd, { expiresIn: opts.expiresInSeconds });
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
