// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient module declaration; the suites that import the kit compile it with their own tsconfig
/// <reference path="../types/s3rver.d.ts" />
/**
 * A real S3-protocol server for tests and the bench: the npm package `s3rver` (a small Koa server that speaks
 * S3's REST and XML, multipart uploads and presigned URLs included), in-process on a free loopback port, over a
 * throwaway directory. Answers the options the S3 blob adapter needs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Every object key in the bucket (for "nothing was left behind" assertions). */
  keys(): string[];
  close(): Promise<void>;
}

export async function startTestS3(bucket = 'concord-test'): Promise<TestS3> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver accepts any key pair; these are its documented defaults.
  const creds = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: creds });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  const bucketDir = path.join(dir, bucket);
  return {
    endpoint,
    bucket,
    region: 'us-east-1',
    ...creds,
    keys() {
      // s3rver keeps each object as `<key>._S3rver_object` (plus metadata files) under the bucket's folder.
      const out: string[] = [];
      const walk = (d: string, rel: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const r = rel ? `${rel}/${e.name}` : e.name;
          if (e.isDirectory()) walk(path.join(d, e.name), r);
          else if (e.name.endsWith('._S3rver_object')) out.push(r.slice(0, -'._S3rver_object'.length));
        }
      };
      if (fs.existsSync(bucketDir)) walk(bucketDir, '');
      return out;
    },
    async close() {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
