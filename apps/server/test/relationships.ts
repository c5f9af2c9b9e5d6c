/** Friends, blocks and who may DM whom: REST and gateway, errors that change nothing (run on SQLite and PostgreSQL). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, Message, Relationship } from '@concord/protocol';
import { GatewayTester, join, newBot, newGuild, newUser, startTestServer, type TestServer, type TestUser } from '@concord/server/testing';
import type { ConfigInput } from '../src/config.js';

let server: TestServer;

export function relationshipSuite(name: string, config: () => Promise<{ config: ConfigInput; cleanup: () => Promise<void> }>): void {
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const c = await config();
    cleanup = c.cleanup;
    server = await startTestServer(c.config);
  });
  afterAll(async () => {
    await server?.close();
    await cleanup?.();
  });

  const pair = async () => [await newUser(server.base, 'rel'), await newUser(server.base, 'rel')] as const;
  const list = (u: TestUser) => u.api.ok.get<Relationship[]>('/users/@me/relationships');
  const kinds = async (u: TestUser) => (await list(u)).map((r) => [r.id, r.type]);
  const open = (from: TestUser, to: TestUser) => from.api.post('/users/@me/channels', { recipient_id: to.id });

  describe(`relationships (${name})`, () => {
    it('a request by id, accepted: both sides see it change, live and in READY', async () => {
      const [a, b] = await pair();
      const sa = await GatewayTester.identify(server.gatewayUrl, a.token);
      const sb = await GatewayTester.identify(server.gatewayUrl, b.token);
      try {
        expect(sa.ready.relationships).toEqual([]);
        expect((await a.api.put(`/users/@me/relationships/${b.id}`, {})).status).toBe(204);
        const out = await sa.next((f) => f.t === 'RELATIONSHIP_ADD');
        expect(out.d).toMatchObject({ id: b.id, type: 4, nickname: null, user: { id: b.id, username: b.username } });
        expect(typeof out.d.since).toBe('string');
        const inc = await sb.next((f) => f.t === 'RELATIONSHIP_ADD');
        expect(inc.d).toMatchObject({ id: a.id, type: 3, user: { id: a.id } });
        expect(await kinds(a)).toEqual([[b.id, 4]]);
        expect(await kinds(b)).toEqual([[a.id, 3]]);
        // Asking again changes nothing.
        expect((await a.api.put(`/users/@me/relationships/${b.id}`, {})).status).toBe(204);
        // b accepts (PUT with type 1, as clients send it).
        expect((await b.api.put(`/users/@me/relationships/${a.id}`, { type: 1 })).status).toBe(204);
        await sa.next((f) => f.t === 'RELATIONSHIP_ADD' && f.d.type === 1);
        await sb.next((f) => f.t === 'RELATIONSHIP_ADD' && f.d.type === 1);
        expect(await kinds(a)).toEqual([[b.id, 1]]);
        expect(await kinds(b)).toEqual([[a.id, 1]]);
        const fresh = await GatewayTester.identify(server.gatewayUrl, a.token);
        fresh.terminate();
        expect(fresh.ready.relationships).toMatchObject([{ id: b.id, type: 1, user: { id: b.id } }]);
        // Already friends: Discord's 80007, nothing changes.
        const again = await a.api.put(`/users/@me/relationships/${b.id}`, {});
        expect(again.status).toBe(400);
        expect(again.body.code).toBe(80007);
        expect(sa.dispatches('RELATIONSHIP_ADD')).toHaveLength(2);
      } finally {
        sa.terminate();
        sb.terminate();
      }
    });

    it('a request by username; decline, cancel and unfriend each remove both sides', async () => {
      const [a, b] = await pair();
      const sb = await GatewayTester.identify(server.gatewayUrl, b.token);
      try {
        expect((await a.api.post('/users/@me/relationships', { username: b.username, discriminator: null })).status).toBe(204);
        expect(await kinds(b)).toEqual([[a.id, 3]]);
        // b declines.
        expect((await b.api.delete(`/users/@me/relationships/${a.id}`)).status).toBe(204);
        await sb.next((f) => f.t === 'RELATIONSHIP_REMOVE' && f.d.id === a.id && f.d.type === 3);
        expect(await kinds(a)).toEqual([]);
        expect(await kinds(b)).toEqual([]);
        // a asks and cancels.
        await a.api.ok.put(`/users/@me/relationships/${b.id}`, {});
        await a.api.ok.delete(`/users/@me/relationships/${b.id}`);
        expect(await kinds(b)).toEqual([]);
        // Friends, then unfriended by a: b hears of it.
        await a.api.ok.put(`/users/@me/relationships/${b.id}`, {});
        await b.api.ok.put(`/users/@me/relationships/${a.id}`, {});
        await a.api.ok.delete(`/users/@me/relationships/${b.id}`);
        await sb.next((f) => f.t === 'RELATIONSHIP_REMOVE' && f.d.id === a.id && f.d.type === 1);
        expect(await kinds(a)).toEqual([]);
        expect(await kinds(b)).toEqual([]);
        // Nothing to remove: 204, no event.
        const removes = sb.dispatches('RELATIONSHIP_REMOVE').length;
        expect((await a.api.delete(`/users/@me/relationships/${b.id}`)).status).toBe(204);
        expect(sb.dispatches('RELATIONSHIP_REMOVE')).toHaveLength(removes);
      } finally {
        sb.terminate();
      }
    });

    it('bad input: self, unknown user, unknown name, a bot, a bot caller, a bad type; nothing changes', async () => {
      const [a] = await pair();
      const bot = await newBot(a.api);
      const self = await a.api.put(`/users/@me/relationships/${a.id}`, {});
      expect([self.status, self.body.code]).toEqual([400, 80003]);
      const selfByName = await a.api.post('/users/@me/relationships', { username: a.username });
      expect([selfByName.status, selfByName.body.code]).toEqual([400, 80003]);
      const unknown = await a.api.put('/users/@me/relationships/123456789012345678', {});
      expect([unknown.status, unknown.body.code]).toEqual([404, 10013]);
      const unknownDelete = await a.api.delete('/users/@me/relationships/123456789012345678');
      expect([unknownDelete.status, unknownDelete.body.code]).toEqual([404, 10013]);
      const noName = await a.api.post('/users/@me/relationships', { username: 'nobody-by-this-name' });
      expect([noName.status, noName.body.code]).toEqual([400, 80004]);
      const emptyName = await a.api.post('/users/@me/relationships', { username: '' });
      expect([emptyName.status, emptyName.body.code]).toEqual([400, 50035]);
      const toBot = await a.api.put(`/users/@me/relationships/${bot.userId}`, {});
      expect([toBot.status, toBot.body.code]).toEqual([400, 80002]);
      const badType = await a.api.put(`/users/@me/relationships/${bot.userId}`, { type: 3 });
      expect([badType.status, badType.body.code]).toEqual([400, 50035]);
      const asBot = await bot.api.get('/users/@me/relationships');
      expect([asBot.status, asBot.body.code]).toEqual([403, 20001]);
      const botPut = await bot.api.put(`/users/@me/relationships/${a.id}`, {});
      expect([botPut.status, botPut.body.code]).toEqual([403, 20001]);
      expect(await kinds(a)).toEqual([]);
    });

    it('blocks: the blocked side loses the friendship, cannot befriend, open a DM or write in it; unblocking restores', async () => {
      const [a, b] = await pair();
      const guild = await newGuild(a.api, 'Blocks');
      await join(a.api, b.api, guild.generalId);
      await a.api.ok.put(`/users/@me/relationships/${b.id}`, {});
      await b.api.ok.put(`/users/@me/relationships/${a.id}`, {});
      const dm = await b.api.ok.post<Channel>('/users/@me/channels', { recipient_id: a.id });
      await b.api.ok.post(`/channels/${dm.id}/messages`, { content: 'before the block' });
      const sb = await GatewayTester.identify(server.gatewayUrl, b.token);
      try {
        // a blocks b: a's side says blocked, b's friendship goes.
        expect((await a.api.put(`/users/@me/relationships/${b.id}`, { type: 2 })).status).toBe(204);
        await sb.next((f) => f.t === 'RELATIONSHIP_REMOVE' && f.d.id === a.id && f.d.type === 1);
        expect(await kinds(a)).toEqual([[b.id, 2]]);
        expect(await kinds(b)).toEqual([]);
        // b cannot befriend a, open the DM or write in it (Discord's 80001 and 50007).
        const ask = await b.api.put(`/users/@me/relationships/${a.id}`, {});
        expect([ask.status, ask.body.code]).toEqual([400, 80001]);
        const reopen = await open(b, a);
        expect([reopen.status, reopen.body.code]).toEqual([400, 50007]);
        const write = await b.api.post(`/channels/${dm.id}/messages`, { content: 'hello?' });
        expect([write.status, write.body.code]).toEqual([400, 50007]);
        // The blocker cannot write either, but may still open the DM to read it.
        const mine = await a.api.post(`/channels/${dm.id}/messages`, { content: 'mine' });
        expect([mine.status, mine.body.code]).toEqual([400, 50007]);
        expect((await open(a, b)).status).toBe(200);
        const history = await a.api.ok.get<Message[]>(`/channels/${dm.id}/messages`);
        expect(history.map((m) => m.content)).toEqual(['before the block']);
        // Nor can b put a in a group DM.
        const third = await newUser(server.base, 'rel');
        await join(a.api, third.api, guild.generalId);
        const group = await b.api.post('/users/@me/channels', { recipients: [a.id, third.id] });
        expect([group.status, group.body.code]).toEqual([400, 50007]);
        // Unblocked: writing works again; the friendship does not come back by itself.
        await a.api.ok.delete(`/users/@me/relationships/${b.id}`);
        expect(await kinds(a)).toEqual([]);
        expect((await b.api.post(`/channels/${dm.id}/messages`, { content: 'again' })).status).toBe(200);
      } finally {
        sb.terminate();
      }
    });

    it('a request to someone one blocked lifts the block', async () => {
      const [a, b] = await pair();
      await a.api.ok.put(`/users/@me/relationships/${b.id}`, { type: 2 });
      await a.api.ok.put(`/users/@me/relationships/${b.id}`, {});
      expect(await kinds(a)).toEqual([[b.id, 4]]);
      expect(await kinds(b)).toEqual([[a.id, 3]]);
    });

    it('who may DM whom: members of a shared guild and friends by default; friends only; everyone', async () => {
      const [a, b] = await pair();
      const stranger = await newUser(server.base, 'rel');
      const guild = await newGuild(a.api, 'Policy');
      await join(a.api, b.api, guild.generalId);
      expect(await a.api.ok.get('/users/@me/x-dm-settings')).toEqual({ allow_dms_from: 'guild_members' });
      // No shared guild: refused; as friends: allowed.
      expect((await open(stranger, a)).body.code).toBe(50007);
      await stranger.api.ok.put(`/users/@me/relationships/${a.id}`, {});
      await a.api.ok.put(`/users/@me/relationships/${stranger.id}`, {});
      expect((await open(stranger, a)).status).toBe(200);
      // Friends only: a guild member is refused, a friend is not.
      expect(await a.api.ok.patch('/users/@me/x-dm-settings', { allow_dms_from: 'friends' })).toEqual({ allow_dms_from: 'friends' });
      expect((await open(b, a)).body.code).toBe(50007);
      const c = await newUser(server.base, 'rel');
      await join(a.api, c.api, guild.generalId);
      expect((await c.api.post('/users/@me/channels', { recipients: [a.id, b.id] })).body.code).toBe(50007);
      // Everyone: a stranger opens one.
      await a.api.ok.patch('/users/@me/x-dm-settings', { allow_dms_from: 'everyone' });
      const anyone = await newUser(server.base, 'rel');
      expect((await open(anyone, a)).status).toBe(200);
      const bad = await a.api.patch('/users/@me/x-dm-settings', { allow_dms_from: 'nobody' });
      expect([bad.status, bad.body.code]).toEqual([400, 50035]);
      expect(await a.api.ok.get('/users/@me/x-dm-settings')).toEqual({ allow_dms_from: 'everyone' });
    });
  });
}
