/** Custom guild emoji over REST, the gateway and the CDN path, and in reactions (Discord's shapes): a suite run on SQLite and on PostgreSQL. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../src/config.js';
import { GatewayIntents, Permissions } from '@concord/protocol';
import { imageSize } from '../src/blobs/sniff.js';
import { GatewayTester, eventually, join, newGuild, newUser, startTestServer, testPng, type TestServer, type TestUser } from '../src/testing.js';

interface WireEmoji {
  id: string;
  name: string;
  roles: string[];
  user?: { id: string };
  require_colons: boolean;
  managed: boolean;
  animated: boolean;
  available: boolean;
}

const png = (w = 64, h = 64) => `data:image/png;base64,${testPng(w, h).toString('base64')}`;
/** The smallest GIF there is (1x1): an animated emoji, as Discord takes every GIF. */
const GIF = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

/** `options` picks the database. */
export function emojisSuite(name: string, options: () => Promise<ConfigInput>) {
  describe(`custom guild emoji (${name})`, () => {
    let srv: TestServer;
    let owner: TestUser;
    let member: TestUser;
    let guild: { id: string; generalId: string };

    beforeAll(async () => {
      srv = await startTestServer({ ...(await options()), blobSweepMs: 50 });
      owner = await newUser(srv.base, 'owner');
      member = await newUser(srv.base, 'member');
      guild = await newGuild(owner.api, 'Emoji');
      await join(owner.api, member.api, guild.generalId);
    });
    afterAll(() => srv.close());

    const emojiFiles = (emojiId: string) => {
      const dir = path.join(srv.app.config.dataDir, 'blobs', 'emojis', guild.id, emojiId);
      return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    };

    it('creates, lists, renames and deletes, with GUILD_EMOJIS_UPDATE carrying the whole list each time', async () => {
      const gw = await GatewayTester.identify(srv.gatewayUrl, member.token, GatewayIntents.Guilds | GatewayIntents.GuildExpressions);
      try {
        const created = await owner.api.post<WireEmoji>(`/guilds/${guild.id}/emojis`, { name: 'blob_wave', image: png() });
        expect(created.status).toBe(201);
        const e = created.body;
        expect(e).toMatchObject({ name: 'blob_wave', roles: [], require_colons: true, managed: false, animated: false, available: true, user: { id: owner.id } });
        const update = await gw.next((f) => f.t === 'GUILD_EMOJIS_UPDATE');
        expect(update.d).toEqual({ guild_id: guild.id, emojis: [{ id: e.id, name: 'blob_wave', roles: [], require_colons: true, managed: false, animated: false, available: true }] });

        // Every member reads them; who uploaded one is for those who manage emoji.
        const listed = await member.api.ok.get<WireEmoji[]>(`/guilds/${guild.id}/emojis`);
        expect(listed.map((x) => x.id)).toEqual([e.id]);
        expect(listed[0]!.user).toBeUndefined();
        expect((await owner.api.ok.get<WireEmoji>(`/guilds/${guild.id}/emojis/${e.id}`)).user?.id).toBe(owner.id);
        // The guild object carries them too.
        expect((await member.api.ok.get<{ emojis: WireEmoji[] }>(`/guilds/${guild.id}`)).emojis.map((x) => x.name)).toEqual(['blob_wave']);

        const renamed = await owner.api.ok.patch<WireEmoji>(`/guilds/${guild.id}/emojis/${e.id}`, { name: 'wave' });
        expect(renamed.name).toBe('wave');
        expect((await gw.next((f) => f.t === 'GUILD_EMOJIS_UPDATE' && f.d.emojis[0]?.name === 'wave')).d.emojis).toHaveLength(1);

        // A GUILD_UPDATE keeps the list (discord.js takes it as the guild's emoji).
        await owner.api.ok.patch(`/guilds/${guild.id}`, { description: 'with emoji' });
        expect((await gw.next((f) => f.t === 'GUILD_UPDATE')).d.emojis.map((x: WireEmoji) => x.id)).toEqual([e.id]);

        expect(emojiFiles(e.id)).toContain('original');
        expect((await owner.api.delete(`/guilds/${guild.id}/emojis/${e.id}`)).status).toBe(204);
        expect((await gw.next((f) => f.t === 'GUILD_EMOJIS_UPDATE' && f.d.emojis.length === 0)).d.guild_id).toBe(guild.id);
        expect((await owner.api.get(`/guilds/${guild.id}/emojis/${e.id}`)).body).toMatchObject({ code: 10014 });
        expect((await fetch(`${srv.base}/emojis/${e.id}.png`)).status).toBe(404);
        // Its files go after the commit.
        await eventually(() => emojiFiles(e.id).length === 0 || undefined, 'emoji files deleted', 5000);

        // Audit entries of each step.
        const log = await owner.api.ok.get<{ audit_log_entries: { action_type: number; target_id: string }[] }>(`/guilds/${guild.id}/audit-logs`);
        expect(log.audit_log_entries.filter((x) => x.target_id === e.id).map((x) => x.action_type).sort()).toEqual([60, 61, 62]);
      } finally {
        gw.close();
      }
    });

    it('GUILD_CREATE carries the emoji; the gateway sends GUILD_EMOJIS_UPDATE only with GUILD_EXPRESSIONS', async () => {
      const e = await owner.api.ok.post<WireEmoji>(`/guilds/${guild.id}/emojis`, { name: 'in_ready', image: png() });
      const gw = await GatewayTester.identify(srv.gatewayUrl, member.token, GatewayIntents.Guilds);
      try {
        const create = gw.dispatches('GUILD_CREATE').find((f) => f.d.id === guild.id)!;
        expect(create.d.emojis.map((x: WireEmoji) => x.id)).toContain(e.id);
        await owner.api.ok.patch(`/guilds/${guild.id}/emojis/${e.id}`, { name: 'in_ready2' });
        // A later guild event arrives while the emoji update was filtered out.
        await owner.api.ok.patch(`/guilds/${guild.id}`, { description: 'marker' });
        await gw.next((f) => f.t === 'GUILD_UPDATE');
        expect(gw.dispatches('GUILD_EMOJIS_UPDATE')).toHaveLength(0);
      } finally {
        gw.close();
        await owner.api.ok.delete(`/guilds/${guild.id}/emojis/${e.id}`);
      }
    });

    it('serves the image at /emojis/:id.png|webp|gif?size=, public and immutable', async () => {
      const e = await owner.api.ok.post<WireEmoji>(`/guilds/${guild.id}/emojis`, { name: 'served', image: png(96, 48) });
      const full = await fetch(`${srv.base}/emojis/${e.id}.png`);
      expect(full.status).toBe(200);
      expect(full.headers.get('content-type')).toBe('image/png');
      expect(full.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(imageSize(Buffer.from(await full.arrayBuffer()), 'image/png')).toEqual({ width: 96, height: 48 });
      // A size fits the emoji in the square, keeping its shape.
      const small = await fetch(`${srv.base}/emojis/${e.id}.webp?size=32&quality=lossless`);
      expect(small.headers.get('content-type')).toBe('image/webp');
      expect(imageSize(Buffer.from(await small.arrayBuffer()), 'image/webp')).toEqual({ width: 32, height: 16 });
      // A static emoji asked for as a GIF comes as a PNG, as on Discord.
      expect((await fetch(`${srv.base}/emojis/${e.id}.gif`)).headers.get('content-type')).toBe('image/png');

      const gif = await owner.api.ok.post<WireEmoji>(`/guilds/${guild.id}/emojis`, { name: 'spin', image: GIF });
      expect(gif.animated).toBe(true);
      const animated = await fetch(`${srv.base}/emojis/${gif.id}.gif`);
      expect(animated.headers.get('content-type')).toBe('image/gif');
      expect(Buffer.from(await animated.arrayBuffer()).subarray(0, 6).toString('latin1')).toBe('GIF89a');
      expect((await fetch(`${srv.base}/emojis/12345.png`)).status).toBe(404);
      expect((await fetch(`${srv.base}/emojis/${e.id}.svg`)).status).toBe(404);
    });

    it('refuses bad names, non-images and images over 256 KiB, changing nothing', async () => {
      const before = (await owner.api.ok.get<WireEmoji[]>(`/guilds/${guild.id}/emojis`)).length;
      for (const name of ['a', 'x'.repeat(33), 'has space', 'dash-ed', 'émoji']) {
        const r = await owner.api.post(`/guilds/${guild.id}/emojis`, { name, image: png() });
        expect(r.status).toBe(400);
        expect(r.body).toMatchObject({ code: 50035, errors: { name: {} } });
      }
      for (const image of ['not a data uri', `data:image/png;base64,${Buffer.from('<svg onload=alert(1)>').toString('base64')}`]) {
        const r = await owner.api.post(`/guilds/${guild.id}/emojis`, { name: 'bad', image });
        expect(r.status).toBe(400);
        expect(r.body).toMatchObject({ code: 50035, errors: { image: {} } });
      }
      const huge = `data:image/png;base64,${Buffer.alloc(200 * 1024, 1).toString('base64')}`;
      expect((await owner.api.post(`/guilds/${guild.id}/emojis`, { name: 'huge', image: huge })).body).toMatchObject({ code: 50035, errors: { image: {} } });
      expect((await owner.api.post(`/guilds/${guild.id}/emojis`, { name: 'roles', image: png(), roles: ['1'] })).status).toBe(400);
      expect(await owner.api.ok.get<WireEmoji[]>(`/guilds/${guild.id}/emojis`)).toHaveLength(before);
    });

    it('needs CREATE_GUILD_EXPRESSIONS to add and MANAGE_GUILD_EXPRESSIONS to change another member’s emoji', async () => {
      const byOwner = await owner.api.ok.post<WireEmoji>(`/guilds/${guild.id}/emojis`, { name: 'owners', image: png() });
      expect((await member.api.post(`/guilds/${guild.id}/emojis`, { name: 'nope', image: png() })).status).toBe(403);
      expect((await member.api.patch(`/guilds/${guild.id}/emojis/${byOwner.id}`, { name: 'mine' })).status).toBe(403);
      expect((await member.api.delete(`/guilds/${guild.id}/emojis/${byOwner.id}`)).status).toBe(403);

      const creators = await owner.api.ok.post<{ id: string }>(`/guilds/${guild.id}/roles`, { name: 'Creators', permissions: Permissions.CREATE_GUILD_EXPRESSIONS.toString() });
      await owner.api.ok.put(`/guilds/${guild.id}/members/${member.id}/roles/${creators.id}`);
      const own = await member.api.ok.post<WireEmoji>(`/guilds/${guild.id}/emojis`, { name: 'members', image: png() });
      expect(own.user?.id).toBe(member.id);
      // Their own: yes; someone else's: no.
      expect((await member.api.ok.patch<WireEmoji>(`/guilds/${guild.id}/emojis/${own.id}`, { name: 'members2' })).name).toBe('members2');
      expect((await member.api.patch(`/guilds/${guild.id}/emojis/${byOwner.id}`, { name: 'stolen' })).status).toBe(403);

      const managers = await owner.api.ok.post<{ id: string }>(`/guilds/${guild.id}/roles`, { name: 'Managers', permissions: Permissions.MANAGE_GUILD_EXPRESSIONS.toString() });
      await owner.api.ok.put(`/guilds/${guild.id}/members/${member.id}/roles/${managers.id}`);
      expect((await member.api.delete(`/guilds/${guild.id}/emojis/${byOwner.id}`)).status).toBe(204);
      // Outsiders see nothing of the guild.
      const outsider = await newUser(srv.base, 'outsider');
      expect((await outsider.api.get(`/guilds/${guild.id}/emojis`)).status).toBe(403);
    });

    it('reacts with `name:id`: the emoji as Discord sends it, unknown ids and other guilds refused', async () => {
      const e = await owner.api.ok.post<WireEmoji>(`/guilds/${guild.id}/emojis`, { name: 'party', image: GIF });
      const msg = await member.api.ok.post<{ id: string }>(`/channels/${guild.generalId}/messages`, { content: 'react to me' });
      const gw = await GatewayTester.identify(srv.gatewayUrl, owner.token, GatewayIntents.Guilds | GatewayIntents.GuildMessageReactions);
      try {
        const route = (emoji: string) => `/channels/${guild.generalId}/messages/${msg.id}/reactions/${encodeURIComponent(emoji)}/@me`;
        // The name in the path is the client's; the emoji's own name is what is kept.
        expect((await member.api.put(route(`whatever:${e.id}`))).status).toBe(204);
        const add = await gw.next((f) => f.t === 'MESSAGE_REACTION_ADD');
        expect(add.d.emoji).toEqual({ id: e.id, name: 'party', animated: true });
        const got = await owner.api.ok.get<{ reactions: { emoji: unknown; count: number }[] }>(`/channels/${guild.generalId}/messages/${msg.id}`);
        expect(got.reactions).toEqual([expect.objectContaining({ emoji: { id: e.id, name: 'party', animated: true }, count: 1 })]);
        const users = await owner.api.ok.get<{ id: string }[]>(`/channels/${guild.generalId}/messages/${msg.id}/reactions/${encodeURIComponent(`party:${e.id}`)}`);
        expect(users.map((u) => u.id)).toEqual([member.id]);

        expect((await member.api.put(route('ghost:123456789012345678'))).body).toMatchObject({ code: 10014 });
        // An emoji of a guild the reactor is not in is unknown to them.
        const elsewhere = await newGuild(owner.api, 'Elsewhere');
        const foreign = await owner.api.ok.post<WireEmoji>(`/guilds/${elsewhere.id}/emojis`, { name: 'foreign', image: png() });
        expect((await member.api.put(route(`foreign:${foreign.id}`))).body).toMatchObject({ code: 10014 });
        // The owner is in both and has USE_EXTERNAL_EMOJIS (@everyone's default).
        expect((await owner.api.put(route(`foreign:${foreign.id}`))).status).toBe(204);

        expect((await member.api.delete(route(`party:${e.id}`))).status).toBe(204);
        expect((await gw.next((f) => f.t === 'MESSAGE_REACTION_REMOVE')).d.emoji.id).toBe(e.id);
      } finally {
        gw.close();
      }
    });
  });
}
