/** Read states: the ack route, MESSAGE_ACK, READY's read_state, derived mention counts, debounced writes, bad input. Run on SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialClientState, reduce, type Channel, type ClientState, type Message, type ReadStateEntry } from '@concord/protocol';
import { GatewayTester, join, newBot, newGuild, newUser, startTestServer, type TestServer, type TestUser } from '@concord/server/testing';
import type { ConfigInput } from '../src/config.js';
import { ACK_FLUSH_MS, ackBuffer, flushAcks } from '../src/modules/read_states/service.js';

let server: TestServer;

/** `config` gives a database (PostgreSQL), or nothing for the embedded SQLite. */
export function readStateSuite(name: string, config: () => Promise<{ config: ConfigInput; cleanup: () => Promise<void> }>): void {
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

  async function readState(u: TestUser): Promise<ReadStateEntry[]> {
    const s = await GatewayTester.identify(server.gatewayUrl, u.token);
    s.terminate();
    return s.ready.read_state.entries;
  }

  async function pair() {
    const a = await newUser(server.base, 'reader');
    const b = await newUser(server.base, 'writer');
    const guild = await newGuild(a.api, 'Reading');
    await join(a.api, b.api, guild.generalId);
    return { a, b, guild };
  }

  const send = (u: TestUser, channelId: string, content: string) => u.api.ok.post<Message>(`/channels/${channelId}/messages`, { content });
  const ack = (u: TestUser, channelId: string, messageId: string, body: object = { token: null }) => u.api.post(`/channels/${channelId}/messages/${messageId}/ack`, body);

  /** A session's state as the client reducer folds it from READY and what followed. */
  const folded = (s: GatewayTester): ClientState => s.frames.filter((f) => f.op === 0).reduce((st, f) => reduce(st, { t: f.t!, d: f.d }), initialClientState);

  describe(`read states (${name})`, () => {
    it('followed threads: a mention makes one follow the thread, it is unread with its mention until acked; leaving unfollows it', async () => {
      const { a, b, guild } = await pair();
      const starter = await send(b, guild.generalId, 'plans');
      const live = await GatewayTester.identify(server.gatewayUrl, a.token);
      try {
        const thread = await b.api.ok.post<Channel>(`/channels/${guild.generalId}/messages/${starter.id}/threads`, { name: 'plans' });
        const ping = await send(b, thread.id, `<@${a.id}> a look?`);
        await live.next((f) => f.t === 'THREAD_MEMBER_UPDATE' && f.d.id === thread.id);
        // The live session and a fresh READY agree: followed, one mention, never read.
        const fresh = await GatewayTester.identify(server.gatewayUrl, a.token);
        fresh.terminate();
        expect(fresh.ready.read_state.entries).toEqual([{ id: thread.id, last_message_id: '0', mention_count: 1 }]);
        const snapThread = (fresh.dispatches('GUILD_CREATE')[0]!.d.threads as Channel[]).find((t) => t.id === thread.id)!;
        expect(snapThread.member).toEqual({ join_timestamp: expect.any(String), flags: 0 });
        const now = folded(live);
        expect(now.readStates[thread.id]).toEqual({ last_message_id: '0', mention_count: 1 });
        expect(now.channels[thread.id]!.member).toEqual(snapThread.member);
        expect(folded(fresh).channels[thread.id]).toEqual(now.channels[thread.id]);
        // b follows by creating and posting; sending read it up to b's own message.
        expect(await readState(b)).toContainEqual({ id: thread.id, last_message_id: ping.id, mention_count: 0 });
        // Read: the entry moves and the mention is gone.
        expect((await ack(a, thread.id, ping.id)).status).toBe(200);
        await live.next((f) => f.t === 'MESSAGE_ACK' && f.d.channel_id === thread.id);
        expect(folded(live).readStates[thread.id]).toEqual({ last_message_id: ping.id, mention_count: 0 });
        expect(await readState(a)).toEqual([{ id: thread.id, last_message_id: ping.id, mention_count: 0 }]);
        // A later mention counts again on both sides.
        const again = await send(b, thread.id, `<@${a.id}> and again`);
        await live.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === again.id);
        expect(folded(live).readStates[thread.id]).toEqual({ last_message_id: ping.id, mention_count: 1 });
        expect(await readState(a)).toEqual([{ id: thread.id, last_message_id: ping.id, mention_count: 1 }]);
        // Leaving unfollows: the membership leaves the live state and the next snapshot alike.
        await a.api.ok.delete(`/channels/${thread.id}/thread-members/@me`);
        await live.next((f) => f.t === 'THREAD_MEMBERS_UPDATE' && f.d.id === thread.id && (f.d.removed_member_ids ?? []).includes(a.id));
        expect(folded(live).channels[thread.id]!.member).toBeUndefined();
        const after = await GatewayTester.identify(server.gatewayUrl, a.token);
        after.terminate();
        expect((after.dispatches('GUILD_CREATE')[0]!.d.threads as Channel[]).find((t) => t.id === thread.id)!.member).toBeUndefined();
      } finally {
        live.terminate();
      }
    });

    it('a followed thread never read shows no entry without mentions; its unread state comes from its last message', async () => {
      const { a, b, guild } = await pair();
      const thread = await b.api.ok.post<Channel>(`/channels/${guild.generalId}/threads`, { name: 'quiet', type: 11 });
      await a.api.ok.put(`/channels/${thread.id}/thread-members/@me`);
      await send(b, thread.id, 'no mention here');
      expect(await readState(a)).toEqual([]);
      const s = await GatewayTester.identify(server.gatewayUrl, a.token);
      s.terminate();
      const t = (s.dispatches('GUILD_CREATE')[0]!.d.threads as Channel[]).find((x) => x.id === thread.id)!;
      expect(t.member).toBeDefined();
      expect(t.last_message_id).toBeTruthy();
    });

    it('an ack answers {token: null}, reaches the reader’s sessions as MESSAGE_ACK and is in the next READY', async () => {
      const { a, b, guild } = await pair();
      const first = await send(b, guild.generalId, 'one');
      await send(b, guild.generalId, `hey <@${a.id}>`);
      await send(b, guild.generalId, '@everyone look');
      const other = await GatewayTester.identify(server.gatewayUrl, a.token);
      try {
        const res = await ack(a, guild.generalId, first.id);
        expect([res.status, res.body]).toEqual([200, { token: null }]);
        const ev = await other.next((f) => f.t === 'MESSAGE_ACK');
        expect(ev.d).toEqual({ channel_id: guild.generalId, message_id: first.id, mention_count: 2, version: 1 });
      } finally {
        other.terminate();
      }
      expect(await readState(a)).toEqual([{ id: guild.generalId, last_message_id: first.id, mention_count: 2 }]);
      // Bots have no read state in READY, as on Discord.
      const bot = await newBot(a.api);
      const bs = await GatewayTester.identify(server.gatewayUrl, `Bot ${bot.token}`, 1);
      bs.terminate();
      expect(bs.ready.read_state).toBeUndefined();
    });

    it('a guild channel never opened: mentions since joining count, live and in READY, until it is read', async () => {
      const { a, b, guild } = await pair();
      const quiet = await a.api.ok.post<Channel>(`/guilds/${guild.id}/channels`, { name: 'quiet' });
      await send(a, quiet.id, '@everyone before the newcomer');
      const c = await newUser(server.base, 'late');
      await join(a.api, c.api, guild.generalId);
      expect(await readState(c)).toEqual([]);
      const live = await GatewayTester.identify(server.gatewayUrl, c.token);
      let last: Message;
      try {
        await send(b, quiet.id, `hi <@${c.id}>`);
        await send(b, quiet.id, '@everyone now');
        last = await send(b, quiet.id, 'nothing for anyone');
        await live.waitUntil(() => live.dispatches('MESSAGE_CREATE').some((f) => f.d.id === last.id), { what: 'the third message' });
        // The client reducer makes the same entry READY has: position "0", two mentions.
        expect(folded(live).readStates[quiet.id]).toEqual({ last_message_id: '0', mention_count: 2 });
      } finally {
        live.terminate();
      }
      expect(await readState(c)).toEqual([{ id: quiet.id, last_message_id: '0', mention_count: 2 }]);
      // Read once, it has a position like any other channel.
      await ack(c, quiet.id, last.id);
      expect(await readState(c)).toEqual([{ id: quiet.id, last_message_id: last.id, mention_count: 0 }]);
    });

    it('role mentions and @here count, by the roles the reader has now', async () => {
      const { a, b, guild } = await pair();
      const start = await send(b, guild.generalId, 'start');
      await ack(a, guild.generalId, start.id);
      const role = await a.api.ok.post<{ id: string }>(`/guilds/${guild.id}/roles`, { name: 'readers', mentionable: true });
      await a.api.ok.put(`/guilds/${guild.id}/members/${a.id}/roles/${role.id}`);
      await send(b, guild.generalId, `<@&${role.id}> please`);
      await send(b, guild.generalId, '@here now');
      await send(b, guild.generalId, 'nothing');
      expect(await readState(a)).toEqual([{ id: guild.generalId, last_message_id: start.id, mention_count: 2 }]);
      // Without the role its mention no longer counts; @here still does.
      await a.api.ok.delete(`/guilds/${guild.id}/members/${a.id}/roles/${role.id}`);
      expect(await readState(a)).toEqual([{ id: guild.generalId, last_message_id: start.id, mention_count: 1 }]);
    });

    it('mention counts follow edits, deletes and lost access', async () => {
      const { a, b, guild } = await pair();
      const start = await send(b, guild.generalId, 'start');
      await ack(a, guild.generalId, start.id);
      const m1 = await send(b, guild.generalId, `<@${a.id}> one`);
      const m2 = await send(b, guild.generalId, `<@${a.id}> two`);
      await send(b, guild.generalId, 'not for you');
      expect((await readState(a))[0]!.mention_count).toBe(2);
      await b.api.ok.patch(`/channels/${guild.generalId}/messages/${m1.id}`, { content: 'no mention now' });
      expect((await readState(a))[0]!.mention_count).toBe(1);
      await b.api.ok.delete(`/channels/${guild.generalId}/messages/${m2.id}`);
      expect((await readState(a))[0]!.mention_count).toBe(0);
      // A channel the reader can no longer see drops out.
      await a.api.ok.patch(`/channels/${guild.generalId}`, { permission_overwrites: [{ id: guild.id, type: 0, deny: '1024' }] });
      expect(await readState(b)).toEqual([]);
    });

    it('DMs: every message of the other side counts until read; sending reads up to your own message', async () => {
      const { a, b } = await pair();
      const dm = await b.api.ok.post<Channel>('/users/@me/channels', { recipient_id: a.id });
      await send(b, dm.id, 'one');
      const two = await send(b, dm.id, 'two');
      expect(await readState(a)).toEqual([{ id: dm.id, last_message_id: '0', mention_count: 2 }]);
      expect(await readState(b)).toEqual([{ id: dm.id, last_message_id: two.id, mention_count: 0 }]);
      const reply = await send(a, dm.id, 'got them');
      expect(await readState(a)).toEqual([{ id: dm.id, last_message_id: reply.id, mention_count: 0 }]);
    });

    it('acks only move forward, unless manual (mark as unread)', async () => {
      const { a, b, guild } = await pair();
      const m1 = await send(b, guild.generalId, 'one');
      const m2 = await send(b, guild.generalId, 'two');
      await ack(a, guild.generalId, m2.id);
      await ack(a, guild.generalId, m1.id);
      expect((await readState(a))[0]!.last_message_id).toBe(m2.id);
      await ack(a, guild.generalId, m1.id, { manual: true });
      expect((await readState(a))[0]!.last_message_id).toBe(m1.id);
    });

    it('a burst of acks is one write per channel per window', async () => {
      const { a, b, guild } = await pair();
      const second = await a.api.ok.post<{ id: string }>(`/guilds/${guild.id}/channels`, { name: 'second' });
      await flushAcks(server.app.deps);
      const ids: Message[] = [];
      for (let i = 0; i < 10; i++) ids.push(await send(b, guild.generalId, `g${i}`), await send(b, second.id, `s${i}`));
      await flushAcks(server.app.deps);
      const before = ackBuffer(server.app.deps).writes;
      const started = Date.now();
      for (const m of ids) expect((await ack(a, m.channel_id, m.id)).status).toBe(200);
      // Two channels, one write each per window the burst spanned (one window unless the machine is slow).
      const windows = Math.floor((Date.now() - started) / ACK_FLUSH_MS) + 1;
      await flushAcks(server.app.deps);
      const writes = ackBuffer(server.app.deps).writes - before;
      expect(writes).toBeGreaterThanOrEqual(2);
      expect(writes).toBeLessThanOrEqual(Math.min(2 * windows, ids.length - 1));
      const entries = await readState(a);
      expect(entries.map((e) => e.last_message_id).sort()).toEqual([ids[18]!.id, ids[19]!.id].sort());
    });

    it('refuses acks of another channel’s message, of a message not sent yet, in a channel not visible, and from bots', async () => {
      const { a, b, guild } = await pair();
      const other = await a.api.ok.post<{ id: string }>(`/guilds/${guild.id}/channels`, { name: 'other' });
      const m = await send(b, other.id, 'elsewhere');
      const wrong = await ack(a, guild.generalId, m.id);
      expect([wrong.status, wrong.body.code]).toEqual([404, 10008]);
      const future = await ack(a, guild.generalId, '9000000000000000000');
      expect([future.status, future.body.code]).toEqual([404, 10008]);
      const stranger = await newUser(server.base, 'stranger');
      const hidden = await ack(stranger, other.id, m.id);
      expect([hidden.status, hidden.body.code]).toEqual([403, 50001]);
      const bot = await newBot(a.api);
      const botAck = await bot.api.post(`/channels/${other.id}/messages/${m.id}/ack`, {});
      expect([botAck.status, botAck.body.code]).toEqual([403, 20001]);
      expect(await readState(a)).toEqual([]);
      expect(await readState(stranger)).toEqual([]);
    });
  });
}
