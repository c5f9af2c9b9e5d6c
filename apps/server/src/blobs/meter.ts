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
  /**
   * The first bytes, copied: keeping the chunks themselves would hold on to the socket's whole read buffers
   * they are slices of for as long as the upload runs.
   */
  private headBuffer: Buffer | undefined;
  private headLength = 0;

  constructor(private readonly limit: number) {
    super();
  }

  get head(): Buffer {
    return this.headBuffer ? this.headBuffer.subarray(0, this.headLength) : Buffer.alloc(0);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.limit) return done(new TooLargeError(this.limit));
    if (this.headLength < HEAD_BYTES) {
      this.headBuffer ??= Buffer.allocUnsafe(Math.min(HEAD_BYTES, this.limit));
      this.headLength += chunk.copy(this.headBuffer, this.headLength, 0, Math.min(chunk.length, this.headBuffer.length - this.headLength));
    }
    done(null, chunk);
  }
}
