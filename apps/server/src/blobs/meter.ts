/**
 * A pass-through that counts bytes, fails the stream once it passes a limit (so the store discards what it
 * wrote), and keeps the first bytes for sniffing the type and reading image headers.
 */
import { Transform, type TransformCallback } from 'node:stream';

export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`larger than ${limit} bytes`);
  }
}

/** Enough for every signature and for a JPEG's frame header behind ordinary EXIF data. */
export const HEAD_BYTES = 128 * 1024;

export class Meter extends Transform {
  size = 0;
  private readonly chunks: Buffer[] = [];
  private headLength = 0;

  constructor(private readonly limit: number) {
    super();
  }

  get head(): Buffer {
    return Buffer.concat(this.chunks, Math.min(this.headLength, HEAD_BYTES)).subarray(0, HEAD_BYTES);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.limit) return done(new TooLargeError(this.limit));
    if (this.headLength < HEAD_BYTES) {
      this.chunks.push(chunk);
      this.headLength += chunk.length;
    }
    done(null, chunk);
  }
}
