/**
 * Blobs as files under a directory (DATA_DIR/blobs by default). A put writes a temporary file in the same
 * file system, fsyncs it and renames it into place, so a blob is either whole or absent, even across a crash.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { BlobInfo, BlobRange, BlobRead, BlobStore } from './port.js';

export class DiskBlobStore implements BlobStore {
  readonly kind = 'disk' as const;
  private readonly tmp: string;

  constructor(private readonly root: string) {
    this.tmp = path.join(root, '.tmp');
    fs.mkdirSync(this.tmp, { recursive: true });
    // Temporaries of a process that died mid-upload are not blobs.
    for (const f of fs.readdirSync(this.tmp)) fs.rmSync(path.join(this.tmp, f), { force: true });
  }

  /** The file of a key; keys that would leave the root are refused rather than resolved. */
  pathOf(key: string): string {
    const parts = key.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))) throw new Error(`invalid blob key: ${key}`);
    return path.join(this.root, ...parts);
  }

  async put(key: string, body: Readable): Promise<BlobInfo> {
    const target = this.pathOf(key);
    const temp = path.join(this.tmp, crypto.randomBytes(12).toString('hex'));
    let size = 0;
    body.on('data', (chunk: Buffer) => (size += chunk.length));
    try {
      // `flush` fsyncs the file before it closes: once renamed, the blob survives a power cut.
      await pipeline(body, fs.createWriteStream(temp, { flush: true }));
      await fsp.mkdir(path.dirname(target), { recursive: true });
      await fsp.rename(temp, target);
      return { size };
    } catch (err) {
      await fsp.rm(temp, { force: true });
      throw err;
    }
  }

  async stat(key: string): Promise<BlobInfo | undefined> {
    try {
      const s = await fsp.stat(this.pathOf(key));
      return s.isFile() ? { size: s.size } : undefined;
    } catch {
      return undefined;
    }
  }

  async get(key: string, range?: BlobRange): Promise<BlobRead | undefined> {
    const info = await this.stat(key);
    if (!info) return undefined;
    const stream = fs.createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end } : {});
    return { size: info.size, stream };
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.pathOf(key), { force: true });
    await this.pruneEmpty(path.dirname(this.pathOf(key)));
  }

  async deletePrefix(prefix: string): Promise<void> {
    const dir = this.pathOf(prefix.replace(/\/+$/, ''));
    await fsp.rm(dir, { recursive: true, force: true });
    await this.pruneEmpty(path.dirname(dir));
  }

  /** Empty directories left by deletes go too, up to the root. */
  private async pruneEmpty(dir: string): Promise<void> {
    while (dir.startsWith(this.root + path.sep)) {
      try {
        await fsp.rmdir(dir);
      } catch {
        return;
      }
      dir = path.dirname(dir);
    }
  }

  async close(): Promise<void> {}
}
