import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskBlobStore } from '../src/blobs/disk.js';
import { S3BlobStore } from '../src/blobs/s3.js';
import { startTestS3 } from '../src/testing.js';
import { blobContract } from './blob-contract.js';

const countFiles = (dir: string): number =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1), 0) : 0;

blobContract('disk', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-blobs-'));
  const store = new DiskBlobStore(dir);
  return {
    store,
    // Temporaries count too: a cut-off upload must not leave one behind.
    count: (prefix) => countFiles(path.join(dir, prefix)) + countFiles(path.join(dir, '.tmp')),
    close: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

blobContract('S3 (s3rver)', async () => {
  const s3 = await startTestS3();
  const store = new S3BlobStore({ bucket: s3.bucket, endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true });
  return {
    store,
    count: (prefix) => s3.keys().filter((k) => k.startsWith(prefix + '/')).length,
    close: async () => {
      await store.close();
      await s3.close();
    },
  };
});

describe('disk keys', () => {
  it('refuses keys that would leave the root', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-blobs-'));
    const store = new DiskBlobStore(dir);
    for (const k of ['../x', 'a/../../x', 'a//b', '/etc/passwd', 'a\\..\\b']) expect(() => store.pathOf(k)).toThrow();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
