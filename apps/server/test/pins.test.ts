/** Pins over REST (both Discord paths) and the gateway: the flag, CHANNEL_PINS_UPDATE, the type 6 notice. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@concord/protocol';
import { GatewayTester, join, newGuild, newUser, startTestServer, type TestServer } from '../src/testing.js';

let server: TestServer;
const open: GatewayTester[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const t of open) t.terminate();
  await server?.close();
});

async function setup() {
  const owner = await newUser(server.base, 'owner');
  const member = await newUser(server.base, 'member');
  const guild = await newGuild(owner.api, 'Pins');
  await join(owner.api, member.api, guild.generalId);
  const send = (content: string) => member.api.ok.post<Message>(`/channels/${guild.generalId}/messages`, { content });
  return { owner, member, guild, send, c: guild.generalId };
}

describe('pins', () => {
  it('pin: 204, MESSAGE_UPDATE pinned, CHANNEL_PINS_UPDATE, then "X pinned a message" (type 6) to everyone', async () => {
    const { owner, member, send, c, guild } = await setup();
    const m = await send('pin me');
    const watcher = await GatewayTester.identify(server.gatewayUrl, member.token);
    open.push(watcher);
    const res = await owner.api.put(`/channels/${c}/pins/${m.id}`);
    expect(res.status).toBe(204);
    const update = await watcher.next((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === m.id);
    expect(update.d).toMatchObject({ id: m.id, pinned: true, content: 'pin me' });
    const pins = await watcher.next((f) => f.t === 'CHANNEL_PINS_UPDATE');
    expect(pins.d).toEqual({ channel_id: c, guild_id: guild.id, last_pin_timestamp: expect.stringMatching(/^\d{4}-/) });
    const notice = await watcher.next((f) => f.t === 'MESSAGE_CREATE' && f.d.type === 6);
    expect(notice.d).toMatchObject({
      type: 6,
      content: '',
      author: { id: owner.id },
      message_reference: { message_id: m.id, channel_id: c, guild_id: guild.id },
    });
    expect(update.s!).toBeLessThan(pins.s!);
    expect(pins.s!).toBeLessThan(notice.s!);

    // Both list routes; the notice is in history too.
    const list = await member.api.ok.get<Message[]>(`/channels/${c}/pins`);
    expect(list.map((x) => x.id)).toEqual([m.id]);
    expect(list[0]!.pinned).toBe(true);
    const paged = await member.api.ok.get<{ items: { pinned_at: string; message: Message }[]; has_more: boolean }>(`/channels/${c}/messages/pins`);
    expect(paged).toEqual({ items: [{ pinned_at: expect.any(String), message: expect.objectContaining({ id: m.id }) }], has_more: false });
    const history = await member.api.ok.get<Message[]>(`/channels/${c}/messages?limit=5`);
    expect(history[0]).toMatchObject({ type: 6, referenced_message: null, message_reference: { message_id: m.id } });
  });

  it('pinning twice is a no-op; unpin: 204, MESSAGE_UPDATE pinned false, CHANNEL_PINS_UPDATE with the newest pin left', async () => {
    const { owner, send, c } = await setup();
    const a = await send('a');
    const b = await send('b');
    expect((await owner.api.put(`/channels/${c}/messages/pins/${a.id}`)).status).toBe(204);
    expect((await owner.api.put(`/channels/${c}/pins/${b.id}`)).status).toBe(204);
    expect((await owner.api.put(`/channels/${c}/pins/${b.id}`)).status).toBe(204);
    // Newest pin first; paged by pin time.
    expect((await owner.api.ok.get<Message[]>(`/channels/${c}/pins`)).map((x) => x.id)).toEqual([b.id, a.id]);
    const first = await owner.api.ok.get<{ items: { pinned_at: string; message: Message }[]; has_more: boolean }>(`/channels/${c}/messages/pins?limit=1`);
    expect(first.items.map((i) => i.message.id)).toEqual([b.id]);
    expect(first.has_more).toBe(true);
    const next = await owner.api.ok.get<{ items: { message: Message }[] }>(`/channels/${c}/messages/pins?limit=1&before=${encodeURIComponent(first.items[0]!.pinned_at)}`);
    expect(next.items.map((i) => i.message.id)).toEqual([a.id]);
    const notices = (await owner.api.ok.get<Message[]>(`/channels/${c}/messages`)).filter((x) => x.type === 6);
    expect(notices).toHaveLength(2);

    const live = await GatewayTester.identify(server.gatewayUrl, owner.token);
    open.push(live);
    expect((await owner.api.delete(`/channels/${c}/pins/${b.id}`)).status).toBe(204);
    expect((await live.next((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === b.id)).d.pinned).toBe(false);
    const upd = await live.next((f) => f.t === 'CHANNEL_PINS_UPDATE');
    // `a` is the newest pin left.
    expect(upd.d.last_pin_timestamp).toBe((await owner.api.ok.get(`/channels/${c}/messages/pins`)).items[0].pinned_at);
    expect((await owner.api.delete(`/channels/${c}/messages/pins/${a.id}`)).status).toBe(204);
    expect((await live.next((f) => f.t === 'CHANNEL_PINS_UPDATE' && f.d.last_pin_timestamp === null)).d.channel_id).toBe(c);
    expect(await owner.api.ok.get(`/channels/${c}/pins`)).toEqual([]);
  });

  it('needs MANAGE_MESSAGES; unknown messages and system messages are refused', async () => {
    const { owner, member, send, c } = await setup();
    const m = await send('mine');
    const denied = await member.api.put(`/channels/${c}/pins/${m.id}`);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe(50013);
    const unknown = await owner.api.put(`/channels/${c}/pins/123456789012345678`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe(10008);
    await owner.api.ok.put(`/channels/${c}/pins/${m.id}`);
    const [notice] = (await owner.api.ok.get<Message[]>(`/channels/${c}/messages?limit=1`));
    expect((await owner.api.put(`/channels/${c}/pins/${notice!.id}`)).status).toBe(400);
    // Reading pins needs only to see the channel.
    expect((await member.api.get(`/channels/${c}/pins`)).status).toBe(200);
    expect((await member.api.get(`/channels/${c}/messages/pins?before=yesterday`)).status).toBe(400);
  });

  it('at most 50 pins per channel (30003)', async () => {
    const { owner, c } = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 51; i++) ids.push((await owner.api.ok.post<Message>(`/channels/${c}/messages`, { content: `m${i}` })).id);
    for (const id of ids.slice(0, 50)) await owner.api.ok.put(`/channels/${c}/pins/${id}`);
    const over = await owner.api.put(`/channels/${c}/pins/${ids[50]}`);
    expect(over.status).toBe(400);
    expect(over.body.code).toBe(30003);
  });
});
