/** DMs and group DMs: opening, recipients, rename, leave and close, errors that change nothing, and who hears what (run on SQLite and PostgreSQL). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayIntents, type Channel, type Message } from '@concord/protocol';
import { GatewayTester, TEST_INTENTS, addBot, join, newBot, newGuild, newUser, startTestServer, type TestServer, type TestUser } from '@concord/server/testing';
import type { ConfigInput } from '../src/config.js';

let server: TestServer;

/** `config` gives a database (PostgreSQL), or nothing for the embedded SQLite. */
export function dmSuite(name: string, config: () => Promise<{ config: ConfigInput; cleanup: () => Promise<void> }>): void {
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

  /** People who share a guild (`outsider` shares none with them). */
  async function people(n: number): Promise<{ users: TestUser[]; generalId: string; outsider: TestUser }> {
    const users: TestUser[] = [];
    for (let i = 0; i < n; i++) users.push(await newUser(server.base, `p${i}`));
    const guild = await newGuild(users[0]!.api, 'DM friends');
    for (const u of users.slice(1)) await join(users[0]!.api, u.api, guild.generalId);
    return { users, generalId: guild.generalId, outsider: await newUser(server.base, 'outsider') };
  }

  const open = (from: TestUser, to: TestUser) => from.api.ok.post<Channel>('/users/@me/channels', { recipient_id: to.id });
  const privateIds = async (u: TestUser) => {
    const s = await GatewayTester.identify(server.gatewayUrl, u.token);
    s.terminate();
    return (s.ready.private_channels as Channel[]).map((c) => c.id);
  };

  describe(`DMs (${name})`, () => {
    it('opens a DM once per pair; the other side hears of it with the first message', async () => {
      const { users: [a, b] } = await people(2);
      const sa = await GatewayTester.identify(server.gatewayUrl, a!.token);
      const sb = await GatewayTester.identify(server.gatewayUrl, b!.token);
      try {
        const dm = await open(a!, b!);
        expect(dm).toMatchObject({ type: 1, last_message_id: null, recipients: [{ id: b!.id, username: b!.username }] });
        expect((await open(a!, b!)).id).toBe(dm.id);
        await sa.next((f) => f.t === 'CHANNEL_CREATE' && f.d.id === dm.id);
        // b opening it too answers the same channel, with a as the recipient.
        expect(await privateIds(b!)).toEqual([]);
        const msg = await a!.api.ok.post<Message>(`/channels/${dm.id}/messages`, { content: 'hello b' });
        const create = await sb.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === msg.id);
        const channelCreate = sb.dispatches('CHANNEL_CREATE').find((f) => f.d.id === dm.id)!;
        expect(channelCreate.d.recipients.map((u: { id: string }) => u.id)).toEqual([a!.id]);
        expect(sb.frames.indexOf(channelCreate)).toBeLessThan(sb.frames.indexOf(create));
        expect(create.d).toMatchObject({ channel_id: dm.id, content: 'hello b', channel_type: 1 });
        expect(create.d.guild_id).toBeUndefined();
        expect(await privateIds(b!)).toEqual([dm.id]);
        expect((await open(b!, a!)).id).toBe(dm.id);
        // Only one CHANNEL_CREATE each.
        expect(sb.dispatches('CHANNEL_CREATE').filter((f) => f.d.id === dm.id)).toHaveLength(1);
      } finally {
        sa.terminate();
        sb.terminate();
      }
    });

    it('two opens at once agree on one channel', async () => {
      const { users: [a, b] } = await people(2);
      const [x, y] = await Promise.all([open(a!, b!), open(b!, a!)]);
      expect(x.id).toBe(y.id);
    });

    it('refuses DMs with yourself, unknown users and people who share no guild, creating nothing', async () => {
      const { users: [a], outsider } = await people(1);
      expect((await a!.api.post('/users/@me/channels', { recipient_id: a!.id })).body).toMatchObject({ code: 50007 });
      const unknown = await a!.api.post('/users/@me/channels', { recipient_id: '1234567890123' });
      expect([unknown.status, unknown.body.code]).toEqual([400, 50033]);
      const stranger = await a!.api.post('/users/@me/channels', { recipient_id: outsider.id });
      expect([stranger.status, stranger.body.code]).toEqual([400, 50007]);
      const bad = await a!.api.post('/users/@me/channels', {});
      expect([bad.status, bad.body.code]).toEqual([400, 50035]);
      expect(await privateIds(a!)).toEqual([]);
    });

    it('closing a DM hides it for the closer until a message or a reopen', async () => {
      const { users: [a, b] } = await people(2);
      const dm = await open(a!, b!);
      await a!.api.ok.post(`/channels/${dm.id}/messages`, { content: 'one' });
      const closed = await a!.api.ok.delete<Channel>(`/channels/${dm.id}`);
      expect(closed).toMatchObject({ id: dm.id, type: 1 });
      expect(await privateIds(a!)).toEqual([]);
      expect(await privateIds(b!)).toEqual([dm.id]);
      await b!.api.ok.post(`/channels/${dm.id}/messages`, { content: 'two' });
      expect(await privateIds(a!)).toEqual([dm.id]);
      // History survives a close.
      expect((await a!.api.ok.get<Message[]>(`/channels/${dm.id}/messages`)).map((m) => m.content)).toEqual(['two', 'one']);
    });

    it('someone not in a DM cannot see it, write in it or change it', async () => {
      const { users: [a, b, c] } = await people(3);
      const dm = await open(a!, b!);
      for (const [method, route, body] of [
        ['GET', `/channels/${dm.id}`, undefined],
        ['GET', `/channels/${dm.id}/messages`, undefined],
        ['POST', `/channels/${dm.id}/messages`, { content: 'sneaky' }],
        ['POST', `/channels/${dm.id}/typing`, {}],
        ['PATCH', `/channels/${dm.id}`, { name: 'x' }],
        ['DELETE', `/channels/${dm.id}`, undefined],
        ['PUT', `/channels/${dm.id}/recipients/${c!.id}`, undefined],
      ] as const) {
        const res = await c!.api.req(method, route, body);
        expect([method, route, res.status, res.body.code]).toEqual([method, route, 403, 50001]);
      }
      expect(await a!.api.ok.get<Message[]>(`/channels/${dm.id}/messages`)).toEqual([]);
      // Recipients cannot be added to a DM (type 1), nor a DM renamed.
      const add = await a!.api.put(`/channels/${dm.id}/recipients/${c!.id}`);
      expect([add.status, add.body.code]).toEqual([400, 50024]);
      const rename = await a!.api.patch(`/channels/${dm.id}`, { name: 'x' });
      expect([rename.status, rename.body.code]).toEqual([400, 50024]);
      expect(await privateIds(c!)).toEqual([]);
    });

    it('delivers messages, edits, deletes, reactions and typing to the recipients only, by DM intents', async () => {
      const { users: [a, b, c] } = await people(3);
      const dm = await open(a!, b!);
      const all = await GatewayTester.identify(server.gatewayUrl, b!.token);
      const none = await GatewayTester.identify(server.gatewayUrl, b!.token, TEST_INTENTS & ~(GatewayIntents.DirectMessages | GatewayIntents.DirectMessageTyping | GatewayIntents.DirectMessageReactions));
      const outsider = await GatewayTester.identify(server.gatewayUrl, c!.token);
      try {
        const m = await a!.api.ok.post<Message>(`/channels/${dm.id}/messages`, { content: 'to b' });
        await a!.api.ok.patch(`/channels/${dm.id}/messages/${m.id}`, { content: 'to b, edited' });
        await a!.api.ok.put(`/channels/${dm.id}/messages/${m.id}/reactions/${encodeURIComponent('👍')}/@me`);
        await a!.api.ok.post(`/channels/${dm.id}/typing`);
        // Pins work in a DM, for either side, announced to the recipients.
        expect((await b!.api.put(`/channels/${dm.id}/pins/${m.id}`)).status).toBe(204);
        const pinned = await all.next((f) => f.t === 'CHANNEL_PINS_UPDATE' && f.d.channel_id === dm.id);
        expect(pinned.d.guild_id).toBeUndefined();
        expect((await a!.api.ok.get<Message[]>(`/channels/${dm.id}/pins`)).map((p) => p.id)).toEqual([m.id]);
        expect((await c!.api.get(`/channels/${dm.id}/pins`)).body.code).toBe(50001);
        // Over the gateway's send extension too.
        const sa = await GatewayTester.identify(server.gatewayUrl, a!.token);
        sa.send({ op: 100, d: { channel_id: dm.id, content: 'over the gateway', nonce: 'n1' } });
        await all.next((f) => f.t === 'MESSAGE_CREATE' && f.d.content === 'over the gateway');
        sa.terminate();
        await a!.api.ok.delete(`/channels/${dm.id}/messages/${m.id}`);
        await all.next((f) => f.t === 'MESSAGE_DELETE' && f.d.id === m.id);
        expect(['MESSAGE_CREATE', 'MESSAGE_UPDATE', 'MESSAGE_REACTION_ADD', 'TYPING_START', 'CHANNEL_PINS_UPDATE', 'MESSAGE_DELETE'].every((t) => all.dispatches(t).length > 0)).toBe(true);
        expect(all.dispatches('MESSAGE_UPDATE')[0]!.d.content).toBe('to b, edited');
        // The session without DM intents got the channel, not its traffic; the outsider got nothing of it.
        const dmTraffic = (s: GatewayTester) => s.frames.filter((f) => f.op === 0 && JSON.stringify(f.d).includes(dm.id)).map((f) => f.t);
        expect(dmTraffic(none)).toEqual(['CHANNEL_CREATE']);
        expect(dmTraffic(outsider)).toEqual([]);
      } finally {
        for (const s of [all, none, outsider]) s.terminate();
      }
    });

    it('a bot DMs a member of a guild it is in, and not someone it shares none with', async () => {
      const { users: [owner], generalId, outsider } = await people(1);
      const bot = await newBot(owner!.api);
      const guildId = (await owner!.api.ok.get<{ guild_id: string }>(`/channels/${generalId}`)).guild_id;
      await addBot(owner!.api, guildId, bot);
      const dm = await bot.api.ok.post<Channel>('/users/@me/channels', { recipient_id: owner!.id });
      expect(dm).toMatchObject({ type: 1, recipients: [{ id: owner!.id }] });
      await bot.api.ok.post(`/channels/${dm.id}/messages`, { content: 'hello from the bot' });
      const refused = await bot.api.post('/users/@me/channels', { recipient_id: outsider.id });
      expect(refused.body.code).toBe(50007);
    });
  });

  describe(`group DMs (${name})`, () => {
    it('creates a group with an owner and a name; recipients added and removed; rename; leave hands over ownership', async () => {
      const { users: [a, b, c, d], outsider } = await people(4);
      const sb = await GatewayTester.identify(server.gatewayUrl, b!.token);
      const sd = await GatewayTester.identify(server.gatewayUrl, d!.token);
      try {
        const group = await a!.api.ok.post<Channel>('/users/@me/channels', { recipients: [b!.id, c!.id], name: 'plans' });
        expect(group).toMatchObject({ type: 3, name: 'plans', owner_id: a!.id });
        expect(group.recipients!.map((u) => u.id)).toEqual([b!.id, c!.id]);
        const created = await sb.next((f) => f.t === 'CHANNEL_CREATE' && f.d.id === group.id);
        expect(created.d.recipients.map((u: { id: string }) => u.id)).toEqual([a!.id, c!.id]);

        // Any recipient adds someone they share a guild with; the added one gets the channel, the rest the recipient.
        await b!.api.ok.put(`/channels/${group.id}/recipients/${d!.id}`);
        const added = await sb.next((f) => f.t === 'CHANNEL_RECIPIENT_ADD');
        expect(added.d).toMatchObject({ channel_id: group.id, user: { id: d!.id } });
        const forD = await sd.next((f) => f.t === 'CHANNEL_CREATE' && f.d.id === group.id);
        expect(forD.d.recipients.map((u: { id: string }) => u.id).sort()).toEqual([a!.id, b!.id, c!.id].sort());
        expect((await a!.api.put(`/channels/${group.id}/recipients/${outsider.id}`)).body.code).toBe(50007);

        // Only the owner removes others.
        expect((await b!.api.delete(`/channels/${group.id}/recipients/${c!.id}`)).body.code).toBe(50013);
        await a!.api.ok.delete(`/channels/${group.id}/recipients/${c!.id}`);
        expect((await sb.next((f) => f.t === 'CHANNEL_RECIPIENT_REMOVE')).d).toMatchObject({ channel_id: group.id, user: { id: c!.id } });
        expect(await privateIds(c!)).toEqual([]);

        const renamed = await d!.api.ok.patch<Channel>(`/channels/${group.id}`, { name: 'better plans' });
        expect(renamed.name).toBe('better plans');
        expect((await sb.next((f) => f.t === 'CHANNEL_UPDATE' && f.d.name === 'better plans')).d.recipients).toHaveLength(2);

        // The owner leaves: the longest-standing recipient owns it now.
        await a!.api.ok.delete(`/channels/${group.id}`);
        const update = await sb.next((f) => f.t === 'CHANNEL_UPDATE' && f.d.owner_id === b!.id);
        expect(update.d.recipients.map((u: { id: string }) => u.id)).toEqual([d!.id]);
        expect((await b!.api.ok.get<Channel>(`/channels/${group.id}`)).id).toBe(group.id);
        expect((await a!.api.get(`/channels/${group.id}`)).body.code).toBe(50001);
        // The last two leave: the channel goes.
        await b!.api.ok.delete(`/channels/${group.id}`);
        await d!.api.ok.delete(`/channels/${group.id}`);
        expect((await d!.api.get(`/channels/${group.id}`)).body.code).toBe(10003);
      } finally {
        sb.terminate();
        sd.terminate();
      }
    });

    it('caps a group at 10 and refuses unknown recipients, creating nothing', async () => {
      const { users } = await people(11);
      const [a, ...rest] = users;
      const over = await a!.api.post('/users/@me/channels', { recipients: rest.map((u) => u.id) });
      expect([over.status, over.body.code]).toEqual([400, 30004]);
      const unknown = await a!.api.post('/users/@me/channels', { recipients: [rest[0]!.id, '1234567890123'] });
      expect([unknown.status, unknown.body.code]).toEqual([400, 50033]);
      expect(await privateIds(a!)).toEqual([]);
      const group = await a!.api.ok.post<Channel>('/users/@me/channels', { recipients: rest.slice(0, 9).map((u) => u.id) });
      const full = await a!.api.put(`/channels/${group.id}/recipients/${rest[9]!.id}`);
      expect([full.status, full.body.code]).toEqual([400, 30004]);
      // One recipient opens a DM, as on Discord.
      expect((await a!.api.ok.post<Channel>('/users/@me/channels', { recipients: [rest[0]!.id] })).type).toBe(1);
    });

    it('refuses guild channels on the recipient routes', async () => {
      const { users: [a, b], generalId } = await people(2);
      const res = await a!.api.put(`/channels/${generalId}/recipients/${b!.id}`);
      expect([res.status, res.body.code]).toEqual([400, 50024]);
    });
  });
}
