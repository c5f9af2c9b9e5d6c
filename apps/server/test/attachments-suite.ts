/** Attachments over REST (a suite run on SQLite and on PostgreSQL): multipart sends and edits, the two-step flow, limits, sniffing, names, signed media URLs, deletes. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thumbHashToAverageRGBA } from 'thumbhash';
import type { ConfigInput } from '../src/config.js';
import { imageSize, sniffContentType } from '../src/blobs/sniff.js';
import { eventually, join, multipartBody, newGuild, newUser, sendStream, startTestServer, testPng, type FilePart, type TestServer, type TestUser } from '../src/testing.js';

/** `options` picks the database (and anything else the run needs). */
export function attachmentsSuite(name: string, options: () => Promise<ConfigInput>) {
  describe(`attachments (${name})`, () => {
    let srv: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let guild: { id: string; generalId: string };

    const MAX = 2 * 1024 * 1024;

    beforeAll(async () => {
      srv = await startTestServer({ ...(await options()), blobSweepMs: 50, uploadMaxFileBytes: MAX, uploadMaxFiles: 4, uploadTtlMs: 1000 });
      alice = await newUser(srv.base, 'alice');
      bob = await newUser(srv.base, 'bob');
      guild = await newGuild(alice.api, 'Files');
      await join(alice.api, bob.api, guild.generalId);
    });
    afterAll(() => srv.close());

    const blobDir = () => path.join(srv.app.config.dataDir, 'blobs');
    /** Files stored for a channel (originals and previews), temporaries included. */
    function filesUnder(dir: string): string[] {
      if (!fs.existsSync(dir)) return [];
      return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    }
    const channelFiles = (channelId: string) => filesUnder(path.join(blobDir(), 'attachments', channelId));
    const temporaries = () => filesUnder(path.join(blobDir(), '.tmp'));

    function send(user: TestUser, route: string, payload: unknown, files: FilePart[], method = 'POST') {
      const { contentType, body } = multipartBody(payload, files);
      return sendStream(`${srv.base}/api/v10${route}`, method, { authorization: user.token, 'content-type': contentType }, body);
    }

    async function newChannel(name: string) {
      return (await alice.api.ok.post<{ id: string }>(`/guilds/${guild.id}/channels`, { name, type: 0 })).id;
    }

    describe('multipart message create', () => {
      it('stores files with Discord attachment fields, sniffs types and reads image sizes from headers', async () => {
        const png = testPng(40, 30);
        const res = await send(alice, `/channels/${guild.generalId}/messages`, { content: 'look', attachments: [{ id: 0, description: 'a gradient' }, { id: 1 }] }, [
          { filename: 'shot.png', data: png, contentType: 'image/gif' },
          // Says it is an image; it is text.
          { filename: 'notes.txt', data: Buffer.from('hello there\n'), contentType: 'image/png' },
        ]);
        expect(res.status).toBe(200);
        const [img, txt] = res.body.attachments;
        expect(img).toMatchObject({ filename: 'shot.png', size: png.length, content_type: 'image/png', width: 40, height: 30, description: 'a gradient', ephemeral: false });
        expect(img.id).toMatch(/^\d+$/);
        expect(img.url).toBe(img.proxy_url);
        expect(img.url).toMatch(new RegExp(`/attachments/${guild.generalId}/${img.id}/shot.png\\?ex=[0-9a-f]+&is=[0-9a-f]+&hm=[0-9a-f]{64}&$`));
        expect(txt).toMatchObject({ filename: 'notes.txt', content_type: 'text/plain; charset=utf-8', size: 12 });
        expect(txt.width).toBeUndefined();

        // The same through history and a single fetch.
        const [latest] = await bob.api.ok.get(`/channels/${guild.generalId}/messages?limit=1`);
        expect(latest.attachments.map((a: { id: string }) => a.id)).toEqual([img.id, txt.id]);

        const file = await fetch(img.url);
        expect(file.status).toBe(200);
        expect(file.headers.get('content-type')).toBe('image/png');
        expect(file.headers.get('cache-control')).toContain('immutable');
        expect(file.headers.get('accept-ranges')).toBe('bytes');
        expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
      });

      it('a message of files alone is not empty; files without an attachments array are all taken', async () => {
        const res = await send(bob, `/channels/${guild.generalId}/messages`, {}, [{ filename: 'a.bin', data: Buffer.from([0, 1, 2, 3]) }, { filename: 'b.bin', data: Buffer.from([0xff, 0, 0xfe]) }]);
        expect(res.status).toBe(200);
        expect(res.body.content).toBe('');
        expect(res.body.attachments.map((a: { filename: string; content_type: string }) => [a.filename, a.content_type])).toEqual([
          ['a.bin', 'application/octet-stream'],
          ['b.bin', 'application/octet-stream'],
        ]);
      });

      it('sanitises names (path traversal, separators, spaces) and marks SPOILER_ files', async () => {
        const res = await send(alice, `/channels/${guild.generalId}/messages`, { content: 'names' }, [
          { filename: '../../etc/passwd', data: Buffer.from('x') },
          { filename: '..\\..\\boot.ini', data: Buffer.from('x') },
          { filename: 'my holiday <photo>.png', data: testPng(2, 2) },
          { filename: 'SPOILER_ending.txt', data: Buffer.from('x') },
        ]);
        expect(res.status).toBe(200);
        const names = res.body.attachments.map((a: { filename: string }) => a.filename);
        expect(names).toEqual(['passwd', 'boot.ini', 'my_holiday__photo_.png', 'SPOILER_ending.txt']);
        expect(res.body.attachments[3].flags).toBe(8);
        expect(res.body.attachments[0].flags).toBeUndefined();
        // Nothing was written outside the blob directory.
        expect(filesUnder(blobDir()).every((f) => f.startsWith(blobDir() + path.sep))).toBe(true);
      });

      it('cuts an over-limit file off with 40005 and leaves no blob and no attachment behind', async () => {
        const channelId = await newChannel('limits');
        const before = channelFiles(channelId).length;
        const mb = Buffer.alloc(1024 * 1024, 7);
        const res = await send(alice, `/channels/${channelId}/messages`, { content: 'too big' }, [
          { filename: 'ok.bin', data: Buffer.from('fine') },
          { filename: 'big.bin', data: () => (function* () { for (let i = 0; i < 8; i++) yield mb; })() },
        ]);
        expect(res.status).toBe(413);
        expect(res.body).toMatchObject({ code: 40005 });
        expect(await alice.api.ok.get(`/channels/${channelId}/messages`)).toEqual([]);
        await eventually(() => (channelFiles(channelId).length === before && temporaries().length === 0) || undefined, 'partial blobs removed', 5000);
      });

      it('refuses more files than the limit, and files from someone without ATTACH_FILES', async () => {
        const files = Array.from({ length: 5 }, (_, i) => ({ filename: `${i}.txt`, data: Buffer.from('x') }));
        const many = await send(alice, `/channels/${guild.generalId}/messages`, { content: 'many' }, files);
        expect(many.status).toBe(400);
        expect(many.body.code).toBe(50035);

        // @everyone may not attach files here.
        const { id: channelId } = await alice.api.ok.post(`/guilds/${guild.id}/channels`, {
          name: 'no-files',
          type: 0,
          permission_overwrites: [{ id: guild.id, type: 0, allow: '0', deny: String(1 << 15) }],
        });
        const denied = await send(bob, `/channels/${channelId}/messages`, { content: 'x' }, [{ filename: 'a.txt', data: Buffer.from('x') }]);
        expect(denied.status).toBe(403);
        expect(channelFiles(channelId)).toEqual([]);
      });

      it('bad payload_json changes nothing (400) and its uploads go', async () => {
        const channelId = await newChannel('bad-payload');
        const res = await send(alice, `/channels/${channelId}/messages`, { content: 5 }, [{ filename: 'a.txt', data: Buffer.from('x') }]);
        expect(res.status).toBe(400);
        await eventually(() => (channelFiles(channelId).length === 0) || undefined, 'uploads of a refused send removed', 5000);
      });

      it('multipart stays refused (415) on routes that take no files', async () => {
        const res = await send(alice, '/users/@me', { username: 'x' }, [], 'PATCH');
        expect(res.status).toBe(415);
      });
    });

    describe('edits', () => {
      it('keeps, drops and adds attachments by id; dropped files are deleted after the commit', async () => {
        const channelId = await newChannel('edits');
        const sent = await send(alice, `/channels/${channelId}/messages`, { content: 'v1' }, [
          { filename: 'keep.txt', data: Buffer.from('keep') },
          { filename: 'drop.txt', data: Buffer.from('drop') },
        ]);
        const [keep, drop] = sent.body.attachments;
        const edited = await send(alice, `/channels/${channelId}/messages/${sent.body.id}`, { content: 'v2', attachments: [{ id: keep.id }, { id: 0, description: 'new' }] }, [
          { filename: 'new.png', data: testPng(3, 3) },
        ], 'PATCH');
        expect(edited.status).toBe(200);
        expect(edited.body.attachments.map((a: { filename: string }) => a.filename)).toEqual(['keep.txt', 'new.png']);
        expect(edited.body.attachments[0].id).toBe(keep.id);
        await eventually(() => (!channelFiles(channelId).some((f) => f.includes(drop.id))) || undefined, 'dropped blob deleted', 5000);
        expect((await fetch(drop.url)).status).toBe(404);
        expect((await fetch(keep.url)).status).toBe(200);

        // A JSON edit naming no attachments leaves them; `attachments: []` removes them all.
        const json = await alice.api.ok.patch(`/channels/${channelId}/messages/${sent.body.id}`, { content: 'v3' });
        expect(json.attachments).toHaveLength(2);
        const none = await alice.api.ok.patch(`/channels/${channelId}/messages/${sent.body.id}`, { attachments: [] });
        expect(none.attachments).toEqual([]);
        await eventually(() => (channelFiles(channelId).length === 0) || undefined, 'all blobs deleted', 5000);
      });

      it('an unknown attachment id is refused and changes nothing', async () => {
        const sent = await send(alice, `/channels/${guild.generalId}/messages`, { content: 'x' }, [{ filename: 'a.txt', data: Buffer.from('a') }]);
        const res = await alice.api.patch(`/channels/${guild.generalId}/messages/${sent.body.id}`, { attachments: [{ id: '123456789012345678' }] });
        expect(res.status).toBe(400);
        const again = await alice.api.ok.get(`/channels/${guild.generalId}/messages/${sent.body.id}`);
        expect(again.attachments).toHaveLength(1);
      });
    });

    describe('two-step uploads', () => {
      it('slots, PUT the bytes, then a JSON message names the uploaded file', async () => {
        const png = testPng(64, 48);
        const slots = await alice.api.ok.post(`/channels/${guild.generalId}/attachments`, { files: [{ filename: 'big picture.png', file_size: png.length, id: '7' }] });
        const [slot] = slots.attachments;
        expect(slot.id).toBe('7');
        expect(slot.upload_filename).toMatch(/^\d+\/big_picture\.png$/);
        const put = await fetch(slot.upload_url, { method: 'PUT', body: png, headers: { 'content-type': 'application/octet-stream' } });
        expect(put.status).toBe(200);
        // The URL is single-use.
        expect((await fetch(slot.upload_url, { method: 'PUT', body: png })).status).toBe(404);
        // Someone else cannot name it.
        const theft = await bob.api.post(`/channels/${guild.generalId}/messages`, { content: 'mine', attachments: [{ id: 0, uploaded_filename: slot.upload_filename }] });
        expect(theft.status).toBe(400);
        const msg = await alice.api.ok.post(`/channels/${guild.generalId}/messages`, {
          content: 'uploaded',
          attachments: [{ id: 0, filename: 'picture.png', uploaded_filename: slot.upload_filename }],
        });
        expect(msg.attachments[0]).toMatchObject({ filename: 'picture.png', width: 64, height: 48, content_type: 'image/png', size: png.length });
        expect(Buffer.from(await (await fetch(msg.attachments[0].url)).arrayBuffer()).equals(png)).toBe(true);
      });

      it('images get a ThumbHash placeholder (Discord\'s placeholder, version 1); other files none', async () => {
        const r = await send(alice, `/channels/${guild.generalId}/messages`, { content: 'placeholder' }, [
          { filename: 'warm.png', data: testPng(320, 200, [220, 120, 20]) },
          { filename: 'a.txt', data: Buffer.from('text') },
        ]);
        expect(r.status).toBe(200);
        const [image, text] = r.body.attachments;
        expect(image.placeholder_version).toBe(1);
        const avg = thumbHashToAverageRGBA(Buffer.from(image.placeholder, 'base64'));
        // The gradient runs from black to the colour: its average keeps the colour's order.
        expect(avg.r).toBeGreaterThan(avg.g);
        expect(avg.g).toBeGreaterThan(avg.b);
        expect(avg.a).toBe(1);
        expect(text.placeholder).toBeUndefined();
        // History carries it too.
        const again = await alice.api.ok.get(`/channels/${guild.generalId}/messages/${r.body.id}`);
        expect(again.attachments[0].placeholder).toBe(image.placeholder);
      });

      it('a retried send with the same nonce answers the first message, its uploads and all (an outbox resend)', async () => {
        const slots = await alice.api.ok.post(`/channels/${guild.generalId}/attachments`, { files: [{ filename: 'once.txt', file_size: 4 }] });
        const [slot] = slots.attachments;
        expect((await fetch(slot.upload_url, { method: 'PUT', body: 'once' })).status).toBe(200);
        const body = { content: 'with a file', nonce: 'resend-1', attachments: [{ id: 0, uploaded_filename: slot.upload_filename }] };
        const first = await alice.api.ok.post(`/channels/${guild.generalId}/messages`, body);
        // The answer was lost; the client sends the same again.
        const again = await alice.api.post(`/channels/${guild.generalId}/messages`, body);
        expect(again.status).toBe(200);
        expect(again.body.id).toBe(first.id);
        expect(again.body.attachments.map((a: { id: string }) => a.id)).toEqual(first.attachments.map((a: { id: string }) => a.id));
        const history = await alice.api.ok.get(`/channels/${guild.generalId}/messages?limit=5`);
        expect(history.filter((m: { nonce?: string }) => m.nonce === 'resend-1')).toHaveLength(1);
      });

      it('a PUT beyond the declared size is cut off (413), a slot beyond the limit refused, an unsigned PUT is 404', async () => {
        const slots = await alice.api.ok.post(`/channels/${guild.generalId}/attachments`, { files: [{ filename: 'x.bin', file_size: 10 }] });
        const url: string = slots.attachments[0].upload_url;
        const over = await fetch(url, { method: 'PUT', body: Buffer.alloc(100, 1) });
        expect(over.status).toBe(413);
        expect((await fetch(url.split('?')[0]!, { method: 'PUT', body: Buffer.alloc(5) })).status).toBe(404);
        const huge = await alice.api.post(`/channels/${guild.generalId}/attachments`, { files: [{ filename: 'x.bin', file_size: MAX + 1 }] });
        expect(huge.status).toBe(413);
        expect(huge.body.code).toBe(40005);
      });

      it('uploads no message took are swept after UPLOAD_TTL_MS', async () => {
        const channelId = await newChannel('sweep');
        const slots = await alice.api.ok.post(`/channels/${channelId}/attachments`, { files: [{ filename: 'x.txt', file_size: 3 }] });
        expect((await fetch(slots.attachments[0].upload_url, { method: 'PUT', body: 'abc' })).status).toBe(200);
        expect(channelFiles(channelId)).toHaveLength(1);
        await eventually(() => (channelFiles(channelId).length === 0) || undefined, 'expired upload swept', 8000);
        const late = await alice.api.post(`/channels/${channelId}/messages`, { content: 'late', attachments: [{ id: 0, uploaded_filename: slots.attachments[0].upload_filename }] });
        expect(late.status).toBe(400);
      });
    });

    describe('media URLs', () => {
      let url: string;
      let bytes: Buffer;
      beforeAll(async () => {
        bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
        const res = await send(alice, `/channels/${guild.generalId}/messages`, { content: 'video-ish' }, [{ filename: 'clip.bin', data: bytes }]);
        url = res.body.attachments[0].url;
      });

      it('answers byte ranges (206, Content-Range) and 416 past the end', async () => {
        const part = await fetch(url, { headers: { range: 'bytes=10-19' } });
        expect(part.status).toBe(206);
        expect(part.headers.get('content-range')).toBe('bytes 10-19/1000');
        expect([...Buffer.from(await part.arrayBuffer())]).toEqual([...bytes.subarray(10, 20)]);
        const tail = await fetch(url, { headers: { range: 'bytes=-5' } });
        expect(tail.status).toBe(206);
        expect([...Buffer.from(await tail.arrayBuffer())]).toEqual([...bytes.subarray(995)]);
        const open = await fetch(url, { headers: { range: 'bytes=990-' } });
        expect((await open.arrayBuffer()).byteLength).toBe(10);
        const past = await fetch(url, { headers: { range: 'bytes=5000-' } });
        expect(past.status).toBe(416);
        expect(past.headers.get('content-range')).toBe('bytes */1000');
      });

      it('binary files download rather than open, and run nothing', async () => {
        const res = await fetch(url);
        expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="clip.bin"/);
        expect(res.headers.get('content-security-policy')).toContain('sandbox');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      });

      it('is not readable unsigned, with a forged or altered signature, or under another name or channel', async () => {
        const u = new URL(url);
        expect((await fetch(u.origin + u.pathname)).status).toBe(404);
        const forged = new URL(url);
        forged.searchParams.set('hm', 'a'.repeat(64));
        expect((await fetch(forged)).status).toBe(404);
        const later = new URL(url);
        later.searchParams.set('ex', (parseInt(later.searchParams.get('ex')!, 16) + 3600).toString(16));
        expect((await fetch(later)).status).toBe(404);
        const renamed = url.replace('/clip.bin?', '/other.bin?');
        expect((await fetch(renamed)).status).toBe(404);
        const other = await newChannel('other');
        expect((await fetch(url.replace(`/attachments/${guild.generalId}/`, `/attachments/${other}/`))).status).toBe(404);
      });

      it('an expired URL is refused', async () => {
        const sig = new URL(url);
        // A signature over a past expiry: made with the server's own signer.
        const p = decodeURIComponent(sig.pathname.slice(1));
        const expired = new URL(srv.app.deps.media.sign(p, Date.now() - 2 * 86_400_000));
        expect((await fetch(expired)).status).toBe(404);
        expect((await fetch(srv.app.deps.media.sign(p))).status).toBe(200);
      });

      it('a private channel\'s files reach only its recipients (outsiders never get a URL; guessing the path gives nothing)', async () => {
        const dm = await alice.api.ok.post('/users/@me/channels', { recipient_id: bob.id });
        const res = await send(alice, `/channels/${dm.id}/messages`, { content: 'secret' }, [{ filename: 's.txt', data: Buffer.from('secret') }]);
        expect(res.status).toBe(200);
        const eve = await newUser(srv.base, 'eve');
        expect((await eve.api.get(`/channels/${dm.id}/messages`)).status).toBe(403);
        const a = res.body.attachments[0];
        expect((await fetch(`${srv.base}/attachments/${dm.id}/${a.id}/s.txt`)).status).toBe(404);
        const [seen] = await bob.api.ok.get(`/channels/${dm.id}/messages?limit=1`);
        expect(await (await fetch(seen.attachments[0].url)).text()).toBe('secret');
      });
    });

    describe('thumbnails', () => {
      it('?width=&height=&format=webp gives a preview fitted in the box, made once and kept beside the original', async () => {
        const channelId = await newChannel('thumbs');
        const res = await send(alice, `/channels/${channelId}/messages`, { content: 'pic' }, [{ filename: 'wide.png', data: testPng(400, 300) }]);
        const a = res.body.attachments[0];
        const first = await fetch(`${a.url}width=100&height=100&format=webp`);
        expect(first.status).toBe(200);
        expect(first.headers.get('content-type')).toBe('image/webp');
        const webp = Buffer.from(await first.arrayBuffer());
        expect(sniffContentType(webp)).toBe('image/webp');
        expect(imageSize(webp, 'image/webp')).toEqual({ width: 100, height: 75 });
        expect(channelFiles(channelId).map((f) => path.basename(f)).sort()).toEqual(['original', 'thumb-100x75.webp']);
        // Cached: the second answer is the stored preview.
        const again = Buffer.from(await (await fetch(`${a.url}width=100&height=100&format=webp`)).arrayBuffer());
        expect(again.equals(webp)).toBe(true);
        // Never larger than the original; PNG on request.
        const big = await fetch(`${a.url}width=4000&format=png`);
        expect(big.headers.get('content-type')).toBe('image/png');
        expect(imageSize(Buffer.from(await big.arrayBuffer()), 'image/png')).toEqual({ width: 400, height: 300 });
        // Files that are not images are served as they are.
        const txt = await send(alice, `/channels/${channelId}/messages`, { content: 'txt' }, [{ filename: 'a.txt', data: Buffer.from('plain') }]);
        expect(await (await fetch(`${txt.body.attachments[0].url}width=10`)).text()).toBe('plain');
      });
    });

    describe('avatars and guild icons', () => {
      const dataUri = (b: Buffer) => `data:image/png;base64,${b.toString('base64')}`;

      it('PATCH /users/@me {avatar} stores the image under its hash, served at /avatars/:id/:hash.png?size=', async () => {
        const me = await alice.api.ok.patch('/users/@me', { avatar: dataUri(testPng(300, 200)) });
        expect(me.avatar).toMatch(/^[0-9a-f]{32}$/);
        const full = await fetch(`${srv.base}/avatars/${alice.id}/${me.avatar}.png`);
        expect(full.status).toBe(200);
        expect(full.headers.get('content-type')).toBe('image/png');
        expect(full.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(imageSize(Buffer.from(await full.arrayBuffer()), 'image/png')).toEqual({ width: 300, height: 200 });
        // A size is a square, cropped to the centre; webp on request.
        const small = await fetch(`${srv.base}/avatars/${alice.id}/${me.avatar}.webp?size=64`);
        expect(small.headers.get('content-type')).toBe('image/webp');
        expect(imageSize(Buffer.from(await small.arrayBuffer()), 'image/webp')).toEqual({ width: 64, height: 64 });
        // Others see the hash.
        expect((await bob.api.ok.get(`/users/${alice.id}`)).avatar).toBe(me.avatar);

        // A new avatar replaces it; the old one's files go.
        const next = await alice.api.ok.patch('/users/@me', { avatar: dataUri(testPng(10, 10, [200, 0, 0])) });
        expect(next.avatar).not.toBe(me.avatar);
        await eventually(async () => ((await fetch(`${srv.base}/avatars/${alice.id}/${me.avatar}.png`)).status === 404) || undefined, 'old avatar deleted', 5000);
        expect((await alice.api.ok.patch('/users/@me', { avatar: null })).avatar).toBeNull();
      });

      it('refuses what is not an image (400, nothing changes)', async () => {
        for (const avatar of ['data:image/png;base64,' + Buffer.from('<svg onload=alert(1)>').toString('base64'), 'not a data uri', 'https://example.com/a.png']) {
          const res = await bob.api.patch('/users/@me', { avatar });
          expect(res.status).toBe(400);
          expect(res.body.errors.avatar._errors[0].code).toBe('IMAGE_INVALID');
        }
        expect((await bob.api.ok.get('/users/@me')).avatar).toBeNull();
      });

      it('guild icons on create and modify, at /icons/:guild_id/:hash.png; deleting the guild deletes them', async () => {
        const g = await alice.api.ok.post('/guilds', { name: 'Iconic', icon: dataUri(testPng(128, 128)) });
        expect(g.icon).toMatch(/^[0-9a-f]{32}$/);
        expect((await fetch(`${srv.base}/icons/${g.id}/${g.icon}.png?size=32`)).status).toBe(200);
        const changed = await alice.api.ok.patch(`/guilds/${g.id}`, { icon: dataUri(testPng(64, 64, [0, 200, 0])) });
        expect(changed.icon).not.toBe(g.icon);
        const url = `${srv.base}/icons/${g.id}/${changed.icon}.png`;
        expect((await fetch(url)).status).toBe(200);
        expect((await fetch(`${srv.base}/icons/${g.id}/${'0'.repeat(32)}.png`)).status).toBe(404);
        await alice.api.ok.delete(`/guilds/${g.id}`);
        await eventually(async () => ((await fetch(url)).status === 404) || undefined, 'icon deleted with its guild', 5000);
      });
    });

    describe('deletes', () => {
      it('a deleted message, channel or guild takes its files with it (after the commit)', async () => {
        const channelId = await newChannel('deletes');
        const one = await send(alice, `/channels/${channelId}/messages`, { content: 'a' }, [{ filename: 'a.txt', data: Buffer.from('a') }]);
        const two = await send(alice, `/channels/${channelId}/messages`, { content: 'b' }, [{ filename: 'b.txt', data: Buffer.from('b') }]);
        expect(channelFiles(channelId)).toHaveLength(2);
        await alice.api.ok.delete(`/channels/${channelId}/messages/${one.body.id}`);
        await eventually(() => (channelFiles(channelId).length === 1) || undefined, 'message blob deleted', 5000);
        expect((await fetch(one.body.attachments[0].url)).status).toBe(404);
        await alice.api.ok.delete(`/channels/${channelId}`);
        await eventually(() => (channelFiles(channelId).length === 0) || undefined, 'channel blobs deleted', 5000);
        expect((await fetch(two.body.attachments[0].url)).status).toBe(404);

        const g = await newGuild(alice.api, 'Doomed');
        await send(alice, `/channels/${g.generalId}/messages`, { content: 'c' }, [{ filename: 'c.txt', data: Buffer.from('c') }]);
        expect(channelFiles(g.generalId)).toHaveLength(1);
        await alice.api.ok.delete(`/guilds/${g.id}`);
        await eventually(() => (channelFiles(g.generalId).length === 0) || undefined, 'guild blobs deleted', 5000);
        await eventually(async () => ((await srv.app.deps.attachments.pendingDeletions()) === 0) || undefined, 'deletion queue empty', 5000);
      });
    });
  });
}
