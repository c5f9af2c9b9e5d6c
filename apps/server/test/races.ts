/**
 * Concurrent conflicting writes, as one suite for both databases: never a 500, limits hold, nothing orphaned.
 * SQLite runs transactions one at a time; PostgreSQL really interleaves them, so the suite matters most there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../src/config.js';
import { Api, join, newBot, newGuild, newUser, startTestServer, type TestServer, type TestUser } from '../src/testing.js';

const statuses = (rs: { status: number }[]) => [...new Set(rs.map((r) => r.status))].sort();

export function racesSuite(name: string, open: () => Promise<{ config: ConfigInput; cleanup: () => Promise<void> }>) {
  describe(`concurrent writes (${name})`, () => {
    let srv: TestServer;
    let cleanup: () => Promise<void>;
    let owner: TestUser;
    beforeAll(async () => {
      const opened = await open();
      cleanup = opened.cleanup;
      srv = await startTestServer(opened.config);
      owner = await newUser(srv.base);
    });
    afterAll(async () => {
      await srv?.close();
      await cleanup?.();
    });

    it('deleting a guild while channels, invites, bots and members are added: no 500, and nothing of it is left', async () => {
      const { guild, generalId } = await newGuild(owner.api, 'Short-lived');
      const joiners = await Promise.all([1, 2, 3, 4].map(() => newUser(srv.base)));
      const invite = await owner.api.ok.post<{ code: string }>(`/channels/${generalId}/invites`, {});
      const bots = await Promise.all([1, 2].map(() => newBot(owner.api)));
      const adds = [
        ...[1, 2, 3, 4, 5, 6].map((i) => owner.api.post(`/guilds/${guild.id}/channels`, { name: `late-${i}` })),
        ...[1, 2, 3].map(() => owner.api.post(`/channels/${generalId}/invites`, {})),
        ...joiners.map((j) => j.api.post(`/invites/${invite.code}`)),
        ...bots.map((b) => owner.api.post(`/oauth2/authorize?client_id=${b.applicationId}&scope=bot`, { guild_id: guild.id, permissions: '0', authorize: true })),
        owner.api.post(`/guilds/${guild.id}/roles`, { name: 'late role' }),
      ];
      const [deleted, ...added] = await Promise.all([owner.api.delete(`/guilds/${guild.id}`), ...adds]);
      expect(deleted.status).toBe(204);
      for (const r of added) expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
      // Whatever was created before the delete went with the guild; whatever came after was refused.
      expect((await owner.api.get(`/guilds/${guild.id}`)).status).toBe(404);
      for (const r of added.slice(0, 6)) if (r.status < 300) expect((await owner.api.get(`/channels/${r.body.id}`)).status).toBe(404);
      for (const r of added.slice(6, 9)) if (r.status < 300) expect((await owner.api.get(`/invites/${r.body.code}`)).status).toBe(404);
      for (const j of joiners) expect((await j.api.ok.get<{ id: string }[]>('/users/@me/guilds')).map((g) => g.id)).not.toContain(guild.id);
      for (const b of bots) expect((await b.api.ok.get<{ id: string }[]>('/users/@me/guilds')).map((g) => g.id)).not.toContain(guild.id);
    });

    it('two people claiming one username at once: one gets it, the other is told it is taken', async () => {
      const [a, b] = await Promise.all([newUser(srv.base), newUser(srv.base)]);
      const wanted = `taken_${Date.now().toString(36)}`;
      const both = await Promise.all([a.api.patch('/users/@me', { username: wanted }), b.api.patch('/users/@me', { username: wanted })]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 400]);
      expect(JSON.stringify(both.find((r) => r.status === 400)!.body)).toContain('USERNAME_ALREADY_TAKEN');
      // Registering with a name being claimed at the same time: the same rule.
      const again = `claimed_${Date.now().toString(36)}`;
      const regs = await Promise.all(
        [0, 1, 2].map((i) => new Api(srv.base).post('/auth/register', { email: `${again}${i}@example.test`, username: again, password: 'correct horse battery' })),
      );
      expect(regs.map((r) => r.status).sort()).toEqual([201, 400, 400]);
      for (const r of regs.filter((r) => r.status === 400)) expect(JSON.stringify(r.body)).toContain('USERNAME_ALREADY_TAKEN');
    });

    it('40 different reactions at once on one message: exactly 20 emoji are kept, the rest get 30010', async () => {
      const { generalId } = await newGuild(owner.api, 'Reactions');
      const reactors = await Promise.all(Array.from({ length: 4 }, () => newUser(srv.base)));
      for (const r of reactors) await join(owner.api, r.api, generalId);
      const msg = await owner.api.ok.post<{ id: string }>(`/channels/${generalId}/messages`, { content: 'react to me' });
      const emoji = Array.from({ length: 40 }, (_, i) => String.fromCodePoint(0x1f600 + i));
      const results = await Promise.all(
        emoji.map((e, i) => reactors[i % reactors.length]!.api.put(`/channels/${generalId}/messages/${msg.id}/reactions/${encodeURIComponent(e)}/@me`)),
      );
      expect(statuses(results)).toEqual([204, 400]);
      expect(results.filter((r) => r.status === 204)).toHaveLength(20);
      for (const r of results.filter((r) => r.status === 400)) expect(r.body.code).toBe(30010);
      const after = await owner.api.ok.get<{ reactions: unknown[] }>(`/channels/${generalId}/messages/${msg.id}`);
      expect(after.reactions).toHaveLength(20);
    });
  });
}
