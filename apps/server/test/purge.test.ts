/** Deleting a message, a channel or a guild over REST takes every row that belonged to it, reactions included. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { join, newGuild, newUser, startTestServer, type TestServer, type TestUser } from '@concord/server/testing';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const rows = async (table: string, channelId: string) =>
  Number((await server.app.deps.db.get(`SELECT COUNT(*) AS n FROM ${table} WHERE channel_id = ?`, [channelId]))!.n);

async function reacted(user: TestUser, channelId: string, content: string): Promise<string> {
  const m = await user.api.ok.post<{ id: string }>(`/channels/${channelId}/messages`, { content });
  for (const e of ['👍', '🎉']) await user.api.ok.put(`/channels/${channelId}/messages/${m.id}/reactions/${encodeURIComponent(e)}/@me`);
  return m.id;
}

it('a deleted message leaves no reactions; a deleted channel no messages or reactions; a deleted guild neither', async () => {
  const owner = await newUser(server.base);
  const member = await newUser(server.base);
  const guild = await newGuild(owner.api, 'Purges');
  await join(owner.api, member.api, guild.generalId);

  const kept = await reacted(owner, guild.generalId, 'stays');
  const gone = await reacted(member, guild.generalId, 'goes');
  expect(await rows('reactions', guild.generalId)).toBe(4);
  await member.api.ok.delete(`/channels/${guild.generalId}/messages/${gone}`);
  expect(await rows('reactions', guild.generalId)).toBe(2);
  expect((await owner.api.get(`/channels/${guild.generalId}/messages/${kept}`)).body.reactions).toHaveLength(2);

  const extra = await owner.api.ok.post<{ id: string }>(`/guilds/${guild.id}/channels`, { name: 'extra' });
  await reacted(owner, extra.id, 'in extra');
  await owner.api.ok.delete(`/channels/${extra.id}`);
  expect([await rows('messages', extra.id), await rows('reactions', extra.id)]).toEqual([0, 0]);

  await owner.api.ok.delete(`/guilds/${guild.id}`);
  expect([await rows('messages', guild.generalId), await rows('reactions', guild.generalId)]).toEqual([0, 0]);
});
