/** A machine without the thumbnailer (a plain `npm start`): previews and avatar sizes fall back to the originals. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartBody, newGuild, newUser, sendStream, startTestServer, testPng, type TestServer, type TestUser } from '../src/testing.js';

let srv: TestServer;
let alice: TestUser;
beforeAll(async () => {
  srv = await startTestServer({ thumbnailer: '/nonexistent/vipsthumbnail' });
  alice = await newUser(srv.base, 'alice');
});
afterAll(async () => {
  await srv?.close();
});

describe('without a thumbnailer', () => {
  it('an image preview answers the original, under its own type; an avatar in any size is still served', async () => {
    const { generalId } = await newGuild(alice.api);
    const png = testPng(40, 30);
    const { contentType, body } = multipartBody({ content: 'pic' }, [{ filename: 'p.png', data: png }]);
    const res = await sendStream(`${srv.base}/api/v10/channels/${generalId}/messages`, 'POST', { authorization: alice.token, 'content-type': contentType }, body);
    expect(res.status).toBe(200);
    const preview = await fetch(`${res.body.attachments[0].url}width=20&height=20&format=webp`);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await preview.arrayBuffer()).equals(png)).toBe(true);

    const me = await alice.api.ok.patch<{ avatar: string }>('/users/@me', { avatar: `data:image/png;base64,${png.toString('base64')}` });
    const avatar = await fetch(`${srv.base}/avatars/${alice.id}/${me.avatar}.webp?size=64`);
    expect(avatar.status).toBe(200);
    expect(Buffer.from(await avatar.arrayBuffer()).equals(png)).toBe(true);
  });
});
