/**
 * The permission matrix of roles and moderation: every actor (owner, administrator, moderators above and below the
 * target, a plain member, a timed-out member, a banned user, a bot with its managed role) against every action,
 * asserting the exact answer, and that each allowed action leaves exactly one audit entry and each refused one none.
 * Run on SQLite (moderation-matrix.sqlite.test.ts) and PostgreSQL (moderation-matrix.pg.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogEvents, Permissions as P } from '@concord/protocol';
import { addBot, join, newBot, newGuild, newUser, type Api, type TestServer } from '../src/testing.js';

type Actor = 'owner' | 'admin' | 'modAbove' | 'modBelow' | 'member' | 'timedOut' | 'banned' | 'bot';
type Action = 'kick' | 'ban' | 'timeout' | 'nick' | 'giveRole' | 'giveManaged' | 'createRole' | 'deleteRole';

const ok = 'ok' as const;
const denied = 50013;
const noAccess = 50001;
/** What each actor gets for each action against a member whose highest role sits between the two moderators. */
const expected: Record<Actor, Record<Action, typeof ok | number>> = {
  owner: { kick: ok, ban: ok, timeout: ok, nick: ok, giveRole: ok, giveManaged: denied, createRole: ok, deleteRole: ok },
  admin: { kick: ok, ban: ok, timeout: ok, nick: ok, giveRole: ok, giveManaged: denied, createRole: ok, deleteRole: ok },
  modAbove: { kick: ok, ban: ok, timeout: ok, nick: ok, giveRole: ok, giveManaged: denied, createRole: ok, deleteRole: ok },
  modBelow: { kick: denied, ban: denied, timeout: denied, nick: denied, giveRole: denied, giveManaged: denied, createRole: ok, deleteRole: ok },
  member: { kick: denied, ban: denied, timeout: denied, nick: denied, giveRole: denied, giveManaged: denied, createRole: denied, deleteRole: denied },
  timedOut: { kick: denied, ban: denied, timeout: denied, nick: denied, giveRole: denied, giveManaged: denied, createRole: denied, deleteRole: denied },
  banned: { kick: noAccess, ban: noAccess, timeout: noAccess, nick: noAccess, giveRole: noAccess, giveManaged: noAccess, createRole: noAccess, deleteRole: noAccess },
  bot: { kick: ok, ban: ok, timeout: ok, nick: ok, giveRole: ok, giveManaged: denied, createRole: ok, deleteRole: ok },
};

const MOD = P.KICK_MEMBERS | P.BAN_MEMBERS | P.MODERATE_MEMBERS | P.MANAGE_ROLES | P.MANAGE_NICKNAMES | P.VIEW_AUDIT_LOG;

interface World {
  server: TestServer;
  owner: Api;
  guildId: string;
  generalId: string;
  actors: Record<Actor, Api>;
  targetRole: string;
  botRole: string;
}

async function world(server: TestServer): Promise<World> {
  const owner = await newUser(server.base, 'owner');
  const { id: guildId, generalId } = await newGuild(owner.api, 'Matrix');
  const role = (name: string, permissions: bigint) => owner.api.ok.post<{ id: string }>(`/guilds/${guildId}/roles`, { name, permissions: permissions.toString() });
  const below = await role('Below', MOD);
  const target = await role('Target', 0n);
  const above = await role('Above', MOD);
  const admin = await role('Admin', P.ADMINISTRATOR);
  const bot = await newBot(owner.api);
  await addBot(owner.api, guildId, bot, MOD.toString());
  await owner.api.ok.patch(`/guilds/${guildId}/roles`, [
    { id: below.id, position: 1 },
    { id: target.id, position: 2 },
    { id: above.id, position: 3 },
    { id: admin.id, position: 4 },
  ]);
  const roles = await owner.api.ok.get<{ id: string; managed: boolean; position: number }[]>(`/guilds/${guildId}/roles`);
  const botRole = roles.find((r) => r.managed)!;
  expect(roles.map((r) => r.position)).toEqual([0, 1, 2, 3, 4, 5]);
  const person = async (roleId?: string) => {
    const u = await newUser(server.base);
    await join(owner.api, u.api, generalId);
    if (roleId) await owner.api.ok.put(`/guilds/${guildId}/members/${u.id}/roles/${roleId}`);
    return u;
  };
  const timedOut = await person();
  await owner.api.ok.patch(`/guilds/${guildId}/members/${timedOut.id}`, { communication_disabled_until: new Date(Date.now() + 3_600_000).toISOString() });
  const banned = await person();
  await owner.api.ok.put(`/guilds/${guildId}/bans/${banned.id}`, {});
  return {
    server,
    owner: owner.api,
    guildId,
    generalId,
    targetRole: target.id,
    botRole: botRole.id,
    actors: {
      owner: owner.api,
      admin: (await person(admin.id)).api,
      modAbove: (await person(above.id)).api,
      modBelow: (await person(below.id)).api,
      member: (await person()).api,
      timedOut: timedOut.api,
      banned: banned.api,
      bot: bot.api,
    },
  };
}

/** The action's request, against a fresh member holding the Target role (or a fresh role, for deleteRole). */
async function perform(w: World, actor: Api, action: Action) {
  const fresh = await newUser(w.server.base);
  await join(w.owner, fresh.api, w.generalId);
  await w.owner.ok.put(`/guilds/${w.guildId}/members/${fresh.id}/roles/${w.targetRole}`);
  const m = `/guilds/${w.guildId}/members/${fresh.id}`;
  switch (action) {
    case 'kick':
      return actor.delete(m);
    case 'ban':
      return actor.put(`/guilds/${w.guildId}/bans/${fresh.id}`, { delete_message_seconds: 60 });
    case 'timeout':
      return actor.patch(m, { communication_disabled_until: new Date(Date.now() + 600_000).toISOString() });
    case 'nick':
      return actor.patch(m, { nick: 'renamed' });
    case 'giveRole': {
      const plain = await newUser(w.server.base);
      await join(w.owner, plain.api, w.generalId);
      return actor.put(`/guilds/${w.guildId}/members/${plain.id}/roles/${w.targetRole}`);
    }
    case 'giveManaged':
      return actor.put(`${m}/roles/${w.botRole}`);
    case 'createRole':
      return actor.post(`/guilds/${w.guildId}/roles`, { name: 'made' });
    case 'deleteRole': {
      // A new role, the lowest (newest at position 1): every role manager outranks it.
      const r = await w.owner.ok.post<{ id: string }>(`/guilds/${w.guildId}/roles`, { name: 'to delete' });
      return actor.delete(`/guilds/${w.guildId}/roles/${r.id}`);
    }
  }
}

async function auditCount(w: World, after: string): Promise<{ n: number; last: string }> {
  const log = await w.owner.ok.get<{ audit_log_entries: { id: string; action_type: number }[] }>(`/guilds/${w.guildId}/audit-logs?after=${after}&limit=100`);
  // The invites that bring fresh members in are setup, logged as INVITE_CREATE: counted out.
  const counted = log.audit_log_entries.filter((e) => e.action_type !== AuditLogEvents.INVITE_CREATE);
  return { n: counted.length, last: log.audit_log_entries.at(-1)?.id ?? after };
}

export function moderationMatrixSuite(name: string, start: () => Promise<{ server: TestServer; cleanup: () => Promise<void> }>): void {
  describe(`permission matrix (${name})`, () => {
    let env: { server: TestServer; cleanup: () => Promise<void> };
    beforeAll(async () => {
      env = await start();
    });
    afterAll(() => env?.cleanup());

    for (const actor of Object.keys(expected) as Actor[]) {
      it(actor, async () => {
        const w = await world(env.server);
        let mark = (await auditCount(w, '0')).last;
        for (const action of Object.keys(expected[actor]) as Action[]) {
          const res = await perform(w, w.actors[actor], action);
          const want = expected[actor][action];
          const got = res.status < 300 ? ok : res.body?.code;
          expect({ action, got }).toEqual({ action, got: want });
          // Exactly one audit entry for what was done, none for what was refused (setup steps are counted out).
          const { n, last } = await auditCount(w, mark);
          // Giving the fresh member the Target role is one; the role made for deleteRole another.
          const setup = action === 'deleteRole' ? 2 : 1;
          expect({ action, entries: n }).toEqual({ action, entries: setup + (want === ok ? 1 : 0) });
          mark = last;
        }
      });
    }

    it('bad input changes nothing and leaves no entry', async () => {
      const w = await world(env.server);
      const mark = (await auditCount(w, '0')).last;
      const victim = await newUser(env.server.base);
      await join(w.owner, victim.api, w.generalId);
      const m = `/guilds/${w.guildId}/members/${victim.id}`;
      const ownerId = (await w.owner.ok.get<{ id: string }>('/users/@me')).id;
      const tooLong = await w.owner.patch(m, { communication_disabled_until: new Date(Date.now() + 29 * 86_400_000).toISOString() });
      expect([tooLong.status, tooLong.body.code]).toEqual([400, 50035]);
      expect((await w.actors.admin.put(`/guilds/${w.guildId}/bans/${ownerId}`, {})).body.code).toBe(denied);
      expect((await w.owner.put(`/guilds/${w.guildId}/bans/${ownerId}`, {})).body.code).toBe(denied);
      expect((await w.owner.patch(`/guilds/${w.guildId}/roles`, [{ id: w.targetRole, position: 99 }])).body.code).toBe(50035);
      expect((await w.owner.delete(`/guilds/${w.guildId}/roles/${w.botRole}`)).body.code).toBe(50028);
      expect((await w.owner.delete(`/guilds/${w.guildId}/roles/${w.guildId}`)).body.code).toBe(50028);
      expect((await w.actors.modAbove.post(`/guilds/${w.guildId}/roles`, { name: 'x', permissions: P.ADMINISTRATOR.toString() })).body.code).toBe(denied);
      expect((await w.owner.get(`/guilds/${w.guildId}/members/${victim.id}`)).body.communication_disabled_until).toBeNull();
      expect((await auditCount(w, mark)).n).toBe(0);
    });
  });
}
