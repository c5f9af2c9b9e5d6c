/**
 * Last seen (extension, docs/presence.md): recorded when someone stops being visibly online, carried on the offline
 * PRESENCE_UPDATE and on GET /users/:id, only to people who share a DM or a guild with them, never when either side
 * hides theirs; going invisible counts as going offline and leaks nothing afterwards; bots get Discord's shapes.
 * Run on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayIntents } from '@concord/protocol';
import { addBot, AppFlags, GatewayTester, join, newBot, newGuild, newUser, startTestServer, type TestServer, type TestUser } from '../src/testing.js';
import type { ConfigInput } from '../src/config.js';

const GRACE_MS = 100;
let srv: TestServer;
let watcher: TestUser;
let subject: TestUser;
let stranger: TestUser;
let dmPeer: TestUser;
let guildId: string;
let generalId: string;

const lastSeenOf = async (viewer: TestUser, user: TestUser) => (await viewer.api.ok.get<{ last_seen?: string | null }>(`/users/${user.id}`)).last_seen;
const isOffline = (id: string) => (x: any) => x.t === 'PRESENCE_UPDATE' && x.d.user.id === id && x.d.status === 'offline';
const isOnline = (id: string) => (x: any) => x.t === 'PRESENCE_UPDATE' && x.d.user.id === id && x.d.status === 'online';

/** The subject comes online and leaves; answers the offline update the watcher's session got. */
async function comeAndGo(eye: GatewayTester): Promise<any> {
  const from = eye.frames.length;
  const s = await GatewayTester.identify(srv.gatewayUrl, subject.token);
  await eye.next(isOnline(subject.id), { from });
  s.close(1000);
  return eye.next(isOffline(subject.id), { from });
}

/** `config` gives a database (PostgreSQL), or nothing for the embedded SQLite. */
export function lastSeenSuite(name: string, config: () => Promise<{ config: ConfigInput; cleanup: () => Promise<void> }>): void {
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const c = await config();
    cleanup = c.cleanup;
    srv = await startTestServer({ ...c.config, presenceGraceMs: GRACE_MS });
    [watcher, subject, stranger, dmPeer] = await Promise.all([newUser(srv.base), newUser(srv.base), newUser(srv.base), newUser(srv.base)]);
    const guild = await newGuild(watcher.api);
    guildId = guild.id;
    generalId = guild.generalId;
    await join(watcher.api, subject.api, guild.generalId);
    // A DM without a shared guild: the subject lets anyone open one.
    await subject.api.ok.patch('/users/@me/x-dm-settings', { allow_dms_from: 'everyone' });
    await dmPeer.api.ok.post('/users/@me/channels', { recipient_id: subject.id });
  });
  afterAll(async () => {
    await srv?.close();
    await cleanup?.();
  });

  describe(`last seen (${name})`, () => {
    it('reaches a shared guild on the offline update and over REST, a DM peer over REST, and no stranger', async () => {
      const eye = await GatewayTester.identify(srv.gatewayUrl, watcher.token);
      const before = Date.now();
      const offline = await comeAndGo(eye);
      expect(typeof offline.d.last_seen).toBe('string');
      const at = Date.parse(offline.d.last_seen);
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(Date.now());
      expect(offline.d).toMatchObject({ status: 'offline', client_status: {}, guild_id: guildId });
      expect(await lastSeenOf(watcher, subject)).toBe(offline.d.last_seen);
      expect(await lastSeenOf(dmPeer, subject)).toBe(offline.d.last_seen);
      expect(await lastSeenOf(stranger, subject)).toBeNull();
      // The online update carries none; nor does anyone's own profile.
      expect(eye.dispatches('PRESENCE_UPDATE').find((f) => f.d.status === 'online')!.d).not.toHaveProperty('last_seen');
      expect(await lastSeenOf(subject, subject)).toBeNull();
      // While they show as online there is no "last seen" (it describes an absence).
      const from = eye.frames.length;
      const s = await GatewayTester.identify(srv.gatewayUrl, subject.token);
      await eye.next(isOnline(subject.id), { from });
      expect(await lastSeenOf(watcher, subject)).toBeNull();
      s.close(1000);
      await eye.next(isOffline(subject.id), { from });
      eye.close();
    });

    it('hidden by the subject: no one sees it; hidden by the viewer: the viewer sees no one\'s (live sessions too)', async () => {
      const eye = await GatewayTester.identify(srv.gatewayUrl, watcher.token);
      expect(await subject.api.ok.patch('/users/@me/x-last-seen-settings', { show_last_seen: false })).toEqual({ show_last_seen: false });
      expect(await subject.api.ok.get('/users/@me/x-last-seen-settings')).toEqual({ show_last_seen: false });
      expect((await comeAndGo(eye)).d).not.toHaveProperty('last_seen');
      expect(await lastSeenOf(watcher, subject)).toBeNull();
      expect(await lastSeenOf(dmPeer, subject)).toBeNull();

      // Symmetric: the subject shows theirs again, the watcher hides theirs while connected.
      await subject.api.ok.patch('/users/@me/x-last-seen-settings', { show_last_seen: true });
      await watcher.api.ok.patch('/users/@me/x-last-seen-settings', { show_last_seen: false });
      expect((await comeAndGo(eye)).d).not.toHaveProperty('last_seen');
      expect(await lastSeenOf(watcher, subject)).toBeNull();
      expect(await lastSeenOf(dmPeer, subject)).toEqual(expect.any(String));

      await watcher.api.ok.patch('/users/@me/x-last-seen-settings', { show_last_seen: true });
      expect((await comeAndGo(eye)).d.last_seen).toEqual(expect.any(String));
      expect((await subject.api.patch('/users/@me/x-last-seen-settings', { show_last_seen: 'no' })).body.code).toBe(50035);
      eye.close();
    });

    it('going invisible is going offline; what the invisible user does afterwards moves nothing', async () => {
      const eye = await GatewayTester.identify(srv.gatewayUrl, watcher.token);
      const from = eye.frames.length;
      const s = await GatewayTester.identify(srv.gatewayUrl, subject.token);
      await eye.next(isOnline(subject.id), { from });
      s.send({ op: 3, d: { status: 'invisible', since: null, afk: false, activities: [] } });
      const hid = await eye.next(isOffline(subject.id), { from });
      expect(hid.d.last_seen).toEqual(expect.any(String));
      expect(await lastSeenOf(watcher, subject)).toBe(hid.d.last_seen);

      // Another invisible device comes and goes, then both leave: others are told nothing and the time stays.
      const second = await GatewayTester.identify(srv.gatewayUrl, subject.token, undefined, { presence: { status: 'invisible', since: null, afk: false, activities: [] } });
      second.close(1000);
      s.close(1000);
      await Promise.all([s.closed, second.closed]);
      // Closed with 1000 the sessions end at once (no grace); the pause is margin. A message then marks the point by
      // which any presence change would have reached the watcher.
      await new Promise((r) => setTimeout(r, GRACE_MS * 3));
      const marker = await watcher.api.ok.post<{ id: string }>(`/channels/${generalId}/messages`, { content: 'marker' });
      await eye.next((x) => x.t === 'MESSAGE_CREATE' && x.d.id === marker.id, { from });
      expect(eye.frames.slice(from).filter((x) => x.t === 'PRESENCE_UPDATE' && x.d.user.id === subject.id)).toHaveLength(2);
      expect(await lastSeenOf(watcher, subject)).toBe(hid.d.last_seen);
      eye.close();
    });

    it('bots get Discord\'s shapes: no last_seen on the user fetch or the presence update', async () => {
      const bot = await newBot(watcher.api, undefined, AppFlags.GatewayPresence);
      await addBot(watcher.api, guildId, bot);
      const eye = await GatewayTester.identify(srv.gatewayUrl, bot.token, GatewayIntents.Guilds | GatewayIntents.GuildPresences);
      expect((await comeAndGo(eye)).d).not.toHaveProperty('last_seen');
      expect(await bot.api.ok.get(`/users/${subject.id}`)).not.toHaveProperty('last_seen');
      eye.close();
    });
  });
}
