/** Delivery and read receipts in DMs and group DMs (extension): sent -> delivered -> read, durable, per recipient, and off. Run on SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, Message } from '@concord/protocol';
import { GatewayTester, join, newGuild, newUser, startTestServer, type TestServer, type TestUser } from '@concord/server/testing';
import type { ConfigInput } from '../src/config.js';
import { flushDeliveries, readReceiptBuffer } from '../src/modules/receipts/service.js';

let server: TestServer;

/** `config` gives a database (PostgreSQL), or nothing for the embedded SQLite. */
export function receiptSuite(name: string, config: () => Promise<{ config: ConfigInput; cleanup: () => Promise<void> }>): void {
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

  async function people(n: number): Promise<TestUser[]> {
    const users: TestUser[] = [];
    for (let i = 0; i < n; i++) users.push(await newUser(server.base, `r${i}`));
    const guild = await newGuild(users[0]!.api, 'Receipts');
    for (const u of users.slice(1)) await join(users[0]!.api, u.api, guild.generalId);
    return users;
  }

  async function readyReceipts(u: TestUser) {
    const s = await GatewayTester.identify(server.gatewayUrl, u.token);
    s.terminate();
    return s.ready.x_receipts ?? [];
  }

  describe(`receipts (${name})`, () => {
    it('a DM goes delivered when the offline recipient comes back and fetches, then read; the sender sees it live and after reconnecting', async () => {
      const [a, b] = await people(2);
      const dm = await a!.api.ok.post<Channel>('/users/@me/channels', { recipient_id: b!.id });
      const sa = await GatewayTester.identify(server.gatewayUrl, a!.token);
      try {
        const sent: Message[] = [];
        for (const content of ['1', '2', '3']) sent.push(await a!.api.ok.post<Message>(`/channels/${dm.id}/messages`, { content }));
        expect(sa.dispatches('X_MESSAGE_RECEIPT')).toEqual([]);
        // b comes back and fetches what it missed: everything up to the newest is delivered.
        const history = await b!.api.ok.get<Message[]>(`/channels/${dm.id}/messages`);
        expect(history.map((m) => m.content)).toEqual(['3', '2', '1']);
        const delivered = await sa.next((f) => f.t === 'X_MESSAGE_RECEIPT');
        expect(delivered.d).toMatchObject({ channel_id: dm.id, user_id: b!.id, message_id: sent[2]!.id, status: 'delivered' });
        await b!.api.ok.post(`/channels/${dm.id}/messages/${sent[1]!.id}/ack`, {});
        const read = await sa.next((f) => f.t === 'X_MESSAGE_RECEIPT' && f.d.status === 'read');
        expect(read.d).toMatchObject({ user_id: b!.id, message_id: sent[1]!.id });
        expect(await readyReceipts(a!)).toEqual([{ channel_id: dm.id, user_id: b!.id, delivered_message_id: sent[2]!.id, read_message_id: sent[1]!.id }]);
        // A live session of b gets the next one: delivered on arrival.
        const sb = await GatewayTester.identify(server.gatewayUrl, b!.token);
        const four = await a!.api.ok.post<Message>(`/channels/${dm.id}/messages`, { content: '4' });
        await sa.next((f) => f.t === 'X_MESSAGE_RECEIPT' && f.d.message_id === four.id && f.d.status === 'delivered');
        sb.terminate();
        // The sender's own cursor is not reported to itself; b sees a's (a sent everything, so none yet).
        expect(await readyReceipts(b!)).toEqual([]);
      } finally {
        sa.terminate();
      }
    });

    it('group DMs: per recipient cursors, aggregated by the reader; who and when on request', async () => {
      const [a, b, c] = await people(3);
      const group = await a!.api.ok.post<Channel>('/users/@me/channels', { recipients: [b!.id, c!.id] });
      const m = await a!.api.ok.post<Message>(`/channels/${group.id}/messages`, { content: 'hello all' });
      await b!.api.ok.get(`/channels/${group.id}/messages`);
      await b!.api.ok.post(`/channels/${group.id}/messages/${m.id}/ack`, {});
      await c!.api.ok.get(`/channels/${group.id}/messages`);
      // Read cursors are written at the end of their window.
      await flushDeliveries(server.app.deps);
      const detail = await a!.api.ok.get<{ user_id: string; delivered_message_id: string; read_message_id: string | null; delivered_at: number; read_at: number | null }[]>(
        `/channels/${group.id}/x-receipts`,
      );
      expect(detail.map((d) => [d.user_id, d.delivered_message_id, d.read_message_id]).sort()).toEqual([
        [b!.id, m.id, m.id],
        [c!.id, m.id, null],
      ].sort());
      expect(detail.every((d) => typeof d.delivered_at === 'number')).toBe(true);
      const ready = await readyReceipts(a!);
      const deliveredTo = ready.filter((r: { delivered_message_id: string }) => r.delivered_message_id >= m.id).length;
      const readBy = ready.filter((r: { read_message_id: string | null }) => r.read_message_id === m.id).length;
      expect([deliveredTo, readBy]).toEqual([2, 1]);
      // Someone outside the group gets nothing.
      const [outsider] = await people(1);
      expect((await outsider!.api.get(`/channels/${group.id}/x-receipts`)).body.code).toBe(50001);
    });

    it('a device that resumes gets what it missed replayed, and only then is it delivered', async () => {
      const [a, b] = await people(2);
      const dm = await a!.api.ok.post<Channel>('/users/@me/channels', { recipient_id: b!.id });
      await a!.api.ok.post<Message>(`/channels/${dm.id}/messages`, { content: 'before' });
      const sb = await GatewayTester.identify(server.gatewayUrl, b!.token);
      const sa = await GatewayTester.identify(server.gatewayUrl, a!.token);
      try {
        // b's socket drops (a resumable close); three messages arrive while it is away.
        const seq = sb.lastSeq() ?? 0;
        await sb.closeAndWait(4000);
        const sent: Message[] = [];
        for (const content of ['x', 'y', 'z']) sent.push(await a!.api.ok.post<Message>(`/channels/${dm.id}/messages`, { content }));
        await flushDeliveries(server.app.deps);
        expect(sa.dispatches('X_MESSAGE_RECEIPT').filter((f) => f.d.message_id === sent[2]!.id)).toEqual([]);
        const back = await GatewayTester.resume(server.gatewayUrl, b!.token, sb.sessionId!, seq);
        try {
          expect(back.dispatches('MESSAGE_CREATE').map((f) => f.d.content)).toEqual(['x', 'y', 'z']);
          const delivered = await sa.next((f) => f.t === 'X_MESSAGE_RECEIPT' && f.d.message_id === sent[2]!.id);
          expect(delivered.d).toMatchObject({ user_id: b!.id, status: 'delivered' });
        } finally {
          back.terminate();
        }
      } finally {
        sa.terminate();
      }
    });

    it('an ack storm in a DM is one read cursor write and one read event per window, the last for the newest', async () => {
      const [a, b] = await people(2);
      const dm = await a!.api.ok.post<Channel>('/users/@me/channels', { recipient_id: b!.id });
      const sent: Message[] = [];
      for (let i = 0; i < 10; i++) sent.push(await a!.api.ok.post<Message>(`/channels/${dm.id}/messages`, { content: `m${i}` }));
      await flushDeliveries(server.app.deps);
      const sa = await GatewayTester.identify(server.gatewayUrl, a!.token);
      try {
        const before = readReceiptBuffer(server.app.deps).writes;
        for (const m of sent) expect((await b!.api.post(`/channels/${dm.id}/messages/${m.id}/ack`, {})).status).toBe(200);
        await flushDeliveries(server.app.deps);
        // One write (and one event) per 200 ms window, not per ack: ten quick acks fit in far fewer windows.
        const writes = readReceiptBuffer(server.app.deps).writes - before;
        expect(writes).toBeGreaterThan(0);
        expect(writes).toBeLessThan(sent.length);
        await sa.next((f) => f.t === 'X_MESSAGE_RECEIPT' && f.d.status === 'read' && f.d.message_id === sent[9]!.id);
        expect(sa.dispatches('X_MESSAGE_RECEIPT').filter((f) => f.d.status === 'read')).toHaveLength(writes);
        expect(await readyReceipts(a!)).toEqual([{ channel_id: dm.id, user_id: b!.id, delivered_message_id: sent[9]!.id, read_message_id: sent[9]!.id }]);
      } finally {
        sa.terminate();
      }
    });

    it('a recipient who turns read receipts off sends none and sees none', async () => {
      const [a, b] = await people(2);
      expect(await b!.api.ok.get('/users/@me/x-receipt-settings')).toEqual({ read_receipts: true });
      expect(await b!.api.ok.patch('/users/@me/x-receipt-settings', { read_receipts: false })).toEqual({ read_receipts: false });
      const dm = await a!.api.ok.post<Channel>('/users/@me/channels', { recipient_id: b!.id });
      const sa = await GatewayTester.identify(server.gatewayUrl, a!.token);
      const sb = await GatewayTester.identify(server.gatewayUrl, b!.token);
      try {
        const m = await a!.api.ok.post<Message>(`/channels/${dm.id}/messages`, { content: 'seen?' });
        await b!.api.ok.post(`/channels/${dm.id}/messages/${m.id}/ack`, {});
        const reply = await b!.api.ok.post<Message>(`/channels/${dm.id}/messages`, { content: 'maybe' });
        await a!.api.ok.post(`/channels/${dm.id}/messages/${reply.id}/ack`, {});
        await sb.next((f) => f.t === 'X_MESSAGE_RECEIPT' && f.d.user_id === a!.id && f.d.message_id === reply.id);
        await sa.next((f) => f.t === 'X_MESSAGE_RECEIPT' && f.d.user_id === b!.id && f.d.message_id === m.id);
        expect(sa.dispatches('X_MESSAGE_RECEIPT').map((f) => f.d.status)).not.toContain('read');
        expect(sb.dispatches('X_MESSAGE_RECEIPT').map((f) => f.d.status)).not.toContain('read');
        expect((await readyReceipts(a!))[0]).toMatchObject({ user_id: b!.id, read_message_id: null });
        expect((await readyReceipts(b!))[0]).toMatchObject({ user_id: a!.id, read_message_id: null });
        expect((await b!.api.patch('/users/@me/x-receipt-settings', { read_receipts: 'no' })).body.code).toBe(50035);
      } finally {
        sa.terminate();
        sb.terminate();
      }
    });

    it('a burst to a connected recipient is gathered: fewer delivery receipts than messages, the last for the newest', async () => {
      const [a, b] = await people(2);
      const dm = await a!.api.ok.post<Channel>('/users/@me/channels', { recipient_id: b!.id });
      const sa = await GatewayTester.identify(server.gatewayUrl, a!.token);
      const sb = await GatewayTester.identify(server.gatewayUrl, b!.token);
      try {
        const sent = await Promise.all(Array.from({ length: 10 }, (_, i) => a!.api.ok.post<Message>(`/channels/${dm.id}/messages`, { content: `burst ${i}` })));
        const newest = sent.map((m) => m.id).sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1))[9]!;
        await sb.waitUntil(() => sb.dispatches('MESSAGE_CREATE').length >= 10, { what: '10 MESSAGE_CREATEs' });
        await sa.next((f) => f.t === 'X_MESSAGE_RECEIPT' && f.d.message_id === newest && f.d.status === 'delivered');
        expect(sa.dispatches('X_MESSAGE_RECEIPT').length).toBeLessThan(10);
        expect(await readyReceipts(a!)).toEqual([{ channel_id: dm.id, user_id: b!.id, delivered_message_id: newest, read_message_id: null }]);
      } finally {
        sa.terminate();
        sb.terminate();
      }
    });
  });
}
