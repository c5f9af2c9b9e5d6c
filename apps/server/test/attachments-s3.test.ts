/** Attachments on the S3 adapter against a real S3-protocol server (s3rver): sends, presigned reads, ranges, deletes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, multipartBody, newGuild, newUser, sendStream, startTestS3, startTestServer, testPng, type TestS3, type TestServer } from '../src/testing.js';

let s3: TestS3;
let srv: TestServer;

beforeAll(async () => {
  s3 = await startTestS3('concord-attachments');
  srv = await startTestServer({
    blobSweepMs: 50,
    s3Bucket: s3.bucket,
    s3Endpoint: s3.endpoint,
    s3Region: s3.region,
    s3AccessKeyId: s3.accessKeyId,
    s3SecretAccessKey: s3.secretAccessKey,
    s3ForcePathStyle: true,
    s3Prefix: 'node1/',
  });
});
afterAll(async () => {
  await srv?.close();
  await s3?.close();
});

describe('attachments on S3', () => {
  it('stores in the bucket, serves through presigned redirects (ranges too, thumbnails kept in the bucket), deletes after the commit', async () => {
    const alice = await newUser(srv.base, 'alice');
    const g = await newGuild(alice.api, 'S3');
    const png = testPng(120, 80);
    const big = Buffer.alloc(7 * 1024 * 1024, 3);
    const { contentType, body } = multipartBody({ content: 'on s3' }, [
      { filename: 'p.png', data: png },
      { filename: 'big.bin', data: big },
    ]);
    const res = await sendStream(`${srv.base}/api/v10/channels/${g.generalId}/messages`, 'POST', { authorization: alice.token, 'content-type': contentType }, body);
    expect(res.status).toBe(200);
    const [img, bin] = res.body.attachments;
    expect(img).toMatchObject({ width: 120, height: 80, content_type: 'image/png' });
    expect(s3.keys().filter((k) => k.startsWith(`node1/attachments/${g.generalId}/`))).toHaveLength(2);

    const redirect = await fetch(img.url, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toContain(s3.endpoint);
    const got = await fetch(img.url);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await got.arrayBuffer()).equals(png)).toBe(true);
    const part = await fetch(bin.url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(100);

    const thumb = await fetch(`${img.url}width=60&format=webp`);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect(s3.keys()).toContain(`node1/attachments/${g.generalId}/${img.id}/thumb-60x40.webp`);

    await alice.api.ok.delete(`/channels/${g.generalId}/messages/${res.body.id}`);
    await eventually(() => (s3.keys().filter((k) => k.startsWith(`node1/attachments/${g.generalId}/`)).length === 0) || undefined, 'objects deleted', 10_000);
    expect((await fetch(img.url, { redirect: 'manual' })).status).toBe(404);
  });

  it('an over-limit upload leaves no object', async () => {
    const small = await startTestServer({
      uploadMaxFileBytes: 6 * 1024 * 1024,
      s3Bucket: s3.bucket,
      s3Endpoint: s3.endpoint,
      s3AccessKeyId: s3.accessKeyId,
      s3SecretAccessKey: s3.secretAccessKey,
      s3ForcePathStyle: true,
      s3Prefix: 'node2/',
    });
    try {
      const bob = await newUser(small.base, 'bob');
      const g = await newGuild(bob.api, 'S3 limits');
      const mb = Buffer.alloc(1024 * 1024, 1);
      const { contentType, body } = multipartBody({ content: 'x' }, [{ filename: 'big.bin', data: () => (function* () { for (let i = 0; i < 12; i++) yield mb; })() }]);
      const res = await sendStream(`${small.base}/api/v10/channels/${g.generalId}/messages`, 'POST', { authorization: bob.token, 'content-type': contentType }, body);
      expect(res.status).toBe(413);
      expect(res.body.code).toBe(40005);
      await eventually(() => (s3.keys().filter((k) => k.startsWith('node2/')).length === 0) || undefined, 'no object left', 10_000);
    } finally {
      await small.close();
    }
  });
});
