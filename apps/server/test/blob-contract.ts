/** The BlobStore contract, run against every adapter (disk, S3 on a real S3-protocol server). */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../src/blobs/port.js';
import { fromBuffer } from '../src/blobs/port.js';
import { Meter, TooLargeError } from '../src/blobs/meter.js';

const read = async (s: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

/** `count(prefix)` counts what the adapter's backing holds under a prefix, seen from outside the adapter. */
export function blobContract(name: string, open: () => Promise<{ store: BlobStore; count(prefix: string): number; close(): Promise<void> }>) {
  describe(`BlobStore contract: ${name}`, () => {
    it('puts, stats, reads whole and by range, deletes idempotently', async () => {
      const { store, close } = await open();
      try {
        const bytes = Buffer.from('0123456789abcdefghij');
        expect(await store.put('a/1/x.txt', fromBuffer(bytes), { contentType: 'text/plain' })).toEqual({ size: 20 });
        expect(await store.stat('a/1/x.txt')).toEqual({ size: 20 });
        const whole = await store.get('a/1/x.txt');
        expect(whole?.size).toBe(20);
        expect((await read(whole!.stream)).toString()).toBe(bytes.toString());
        const part = await store.get('a/1/x.txt', { start: 5, end: 9 });
        expect((await read(part!.stream)).toString()).toBe('56789');
        await store.delete('a/1/x.txt');
        await store.delete('a/1/x.txt');
        expect(await store.stat('a/1/x.txt')).toBeUndefined();
        expect(await store.get('a/1/x.txt')).toBeUndefined();
      } finally {
        await close();
      }
    });

    it('streams a large blob in chunks (multipart on S3) and reads it back exactly', async () => {
      const { store, close } = await open();
      try {
        const chunk = Buffer.alloc(1024 * 1024);
        for (let i = 0; i < chunk.length; i++) chunk[i] = i % 251;
        const n = 12;
        const body = Readable.from((function* () { for (let i = 0; i < n; i++) yield chunk; })());
        expect(await store.put('big/blob.bin', body)).toEqual({ size: n * chunk.length });
        const got = await read((await store.get('big/blob.bin'))!.stream);
        expect(got.length).toBe(n * chunk.length);
        expect(got.subarray(5 * chunk.length, 6 * chunk.length).equals(chunk)).toBe(true);
        const tail = await read((await store.get('big/blob.bin', { start: n * chunk.length - 3, end: n * chunk.length - 1 }))!.stream);
        expect([...tail]).toEqual([...chunk.subarray(chunk.length - 3)]);
        await store.delete('big/blob.bin');
      } finally {
        await close();
      }
    });

    it('a stream cut off by a limit leaves no blob, however far it got', async () => {
      const { store, count, close } = await open();
      try {
        for (const total of [1000, 8 * 1024 * 1024]) {
          const meter = new Meter(total - 1);
          const src = Readable.from((function* () { for (let sent = 0; sent < total; sent += 64 * 1024) yield Buffer.alloc(Math.min(64 * 1024, total - sent), 1); })());
          await expect(store.put('cut/over.bin', src.pipe(meter))).rejects.toBeInstanceOf(TooLargeError);
          expect(await store.stat('cut/over.bin')).toBeUndefined();
          expect(count('cut')).toBe(0);
        }
      } finally {
        await close();
      }
    });

    it('deletes everything under a prefix', async () => {
      const { store, count, close } = await open();
      try {
        for (const k of ['p/1/a', 'p/1/b', 'p/2/c', 'q/1/d']) await store.put(k, fromBuffer(Buffer.from(k)));
        await store.deletePrefix('p/1/');
        expect(await store.stat('p/1/a')).toBeUndefined();
        expect(await store.stat('p/1/b')).toBeUndefined();
        expect(await store.stat('p/2/c')).toEqual({ size: 5 });
        expect(count('p/1')).toBe(0);
        expect(count('q')).toBe(1);
      } finally {
        await close();
      }
    });
  });
}
