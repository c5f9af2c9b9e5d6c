/**
 * Application commands and interactions over REST and the gateway: command limits and errors, invocation by a
 * person, every response type, follow-ups, ephemeral visibility, token windows, components, modals,
 * autocomplete, and HTTP interactions signed with Ed25519. Run on SQLite (interactions.test.ts) and on PostgreSQL
 * (interactions.pg.test.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../src/config.js';
import { Api, GatewayTester, addBot, join, newBot, newGuild, newUser, type Frame, type TestBot, type TestGuild, type TestServer, type TestUser } from '../src/testing.js';
import { verifySignature } from '../src/modules/interactions/signing.js';

export function interactionsSuite(name: string, start: (overrides?: ConfigInput) => Promise<TestServer>): void {
  let server: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let guild: TestGuild;
  let bot: TestBot;
  let botGw: GatewayTester;
  let ownerGw: GatewayTester;
  let memberGw: GatewayTester;
  const anon = () => new Api(server.base);

  beforeAll(async () => {
    server = await start();
    owner = await newUser(server.base, 'owner');
    member = await newUser(server.base, 'member');
    guild = await newGuild(owner.api, 'interactions');
    await join(owner.api, member.api, guild.generalId);
    bot = await newBot(owner.api, 'Helper');
    await addBot(owner.api, guild.id, bot);
    botGw = await GatewayTester.identify(server.gatewayUrl, `Bot ${bot.token}`, 1 | 512);
    ownerGw = await GatewayTester.identify(server.gatewayUrl, owner.token);
    memberGw = await GatewayTester.identify(server.gatewayUrl, member.token);
  });
  afterAll(async () => {
    for (const g of [botGw, ownerGw, memberGw]) g?.terminate();
    await server?.close();
  });

  const cmdBase = () => `/applications/${bot.applicationId}/guilds/${guild.id}/commands`;

  async function command(body: Record<string, unknown>) {
    return bot.api.ok.post(cmdBase(), { description: 'a command', ...body });
  }

  let nonceSeq = 0;
  /** `who` runs the command in #general; resolves with the interaction the bot received. */
  async function invoke(who: TestUser, cmd: { id: string; name: string }, options?: unknown[], extra: Record<string, unknown> = {}): Promise<Frame['d']> {
    const nonce = `n${++nonceSeq}`;
    const from = botGw.frames.length;
    const res = await who.api.post('/interactions', {
      type: 2,
      application_id: bot.applicationId,
      guild_id: guild.id,
      channel_id: guild.generalId,
      nonce,
      data: { id: cmd.id, name: cmd.name, type: 1, ...(options ? { options } : {}) },
      ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    return (await botGw.next((f) => f.t === 'INTERACTION_CREATE' && f.d.data?.name === cmd.name && f.d.member?.user?.id === who.id, { from })).d;
  }

  const cb = (i: { id: string; token: string }, body: unknown, query = '') => anon().post(`/interactions/${i.id}/${i.token}/callback${query}`, body);
  const hook = (i: { token: string }, rest = '') => `/webhooks/${bot.applicationId}/${i.token}${rest}`;

  describe(`application commands (${name})`, () => {
    it('are created (201), replaced by name (200), read, edited, listed and deleted, in Discord shape', async () => {
      const created = await bot.api.post(`/applications/${bot.applicationId}/commands`, {
        name: 'ping',
        description: 'Replies with pong',
        options: [
          { type: 3, name: 'text', description: 'what to say', required: true, min_length: 1, max_length: 50 },
          { type: 4, name: 'times', description: 'how often', choices: [{ name: 'once', value: 1 }, { name: 'twice', value: 2 }] },
          { type: 6, name: 'who', description: 'someone' },
        ],
        default_member_permissions: null,
        dm_permission: false,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        type: 1,
        application_id: bot.applicationId,
        name: 'ping',
        description: 'Replies with pong',
        default_member_permissions: null,
        dm_permission: false,
        contexts: [0],
        nsfw: false,
        integration_types: [0],
        name_localizations: null,
        options: [{ type: 3, name: 'text', required: true, min_length: 1, max_length: 50 }, { type: 4, name: 'times', choices: [{ name: 'once', value: 1 }, { name: 'twice', value: 2 }] }, { type: 6, name: 'who' }],
      });
      expect(created.body.guild_id).toBeUndefined();
      expect(created.body.version).toMatch(/^\d+$/);
      const again = await bot.api.post(`/applications/${bot.applicationId}/commands`, { name: 'ping', description: 'Pong again' });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(created.body.id);
      expect(again.body.version).not.toBe(created.body.version);
      expect(await bot.api.ok.get(`/applications/${bot.applicationId}/commands/${created.body.id}`)).toMatchObject({ description: 'Pong again' });
      const edited = await bot.api.ok.patch(`/applications/${bot.applicationId}/commands/${created.body.id}`, { description: 'Edited', default_member_permissions: '32' });
      expect(edited).toMatchObject({ id: created.body.id, name: 'ping', description: 'Edited', default_member_permissions: '32' });
      expect((await bot.api.ok.get(`/applications/${bot.applicationId}/commands`)).map((c: any) => c.name)).toEqual(['ping']);
      // The owner manages them too; others do not.
      expect((await owner.api.ok.get(`/applications/${bot.applicationId}/commands`)).length).toBe(1);
      expect((await member.api.get(`/applications/${bot.applicationId}/commands`)).body.code).toBe(50001);
      expect((await bot.api.delete(`/applications/${bot.applicationId}/commands/${created.body.id}`)).status).toBe(204);
      expect((await bot.api.get(`/applications/${bot.applicationId}/commands/${created.body.id}`)).body).toEqual({ code: 10063, message: 'Unknown application command' });
    });

    it("refuse Discord's invalid names, option rules and limits with its error shapes", async () => {
      const base = `/applications/${bot.applicationId}/commands`;
      const upper = await bot.api.post(base, { name: 'Ping', description: 'x' });
      expect(upper.status).toBe(400);
      expect(upper.body).toMatchObject({ code: 50035, errors: { name: { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME' }] } } });
      expect((await bot.api.post(base, { name: 'has space', description: 'x' })).body.errors.name._errors[0].code).toBe('APPLICATION_COMMAND_INVALID_NAME');
      // Context menus take any name of 1-32 characters, and no description.
      expect((await bot.api.post(base, { name: 'Show Profile', type: 2 })).status).toBe(201);
      expect((await bot.api.post(base, { name: 'Quote It', type: 3, description: 'nope' })).body.errors.description._errors[0].code).toBe('APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION');
      expect((await bot.api.post(base, { name: 'nodesc' })).body.errors.description._errors[0].code).toBe('BASE_TYPE_REQUIRED');
      const many = Array.from({ length: 26 }, (_, i) => ({ type: 3, name: `o${i}`, description: 'd' }));
      expect((await bot.api.post(base, { name: 'many', description: 'd', options: many })).body).toMatchObject({ code: 50035, errors: { options: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH' }] } } });
      const order = await bot.api.post(base, { name: 'order', description: 'd', options: [{ type: 3, name: 'a', description: 'd' }, { type: 3, name: 'b', description: 'd', required: true }] });
      expect(order.body.errors.options['1'].required._errors[0].code).toBe('APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID');
      const mixed = await bot.api.post(base, { name: 'mixed', description: 'd', options: [{ type: 1, name: 'sub', description: 'd' }, { type: 3, name: 'a', description: 'd' }] });
      expect(mixed.body.errors.options._errors[0].code).toBe('APPLICATION_COMMAND_OPTIONS_TYPE_INVALID');
      const deep = await bot.api.post(base, {
        name: 'deep',
        description: 'd',
        options: [{ type: 2, name: 'group', description: 'd', options: [{ type: 1, name: 'sub', description: 'd', options: [{ type: 1, name: 'subsub', description: 'd' }] }] }],
      });
      expect(deep.status).toBe(400);
      const auto = await bot.api.post(base, { name: 'auto', description: 'd', options: [{ type: 3, name: 'q', description: 'd', autocomplete: true, choices: [{ name: 'a', value: 'a' }] }] });
      expect(auto.body.errors.options['0'].autocomplete._errors[0].code).toBe('APPLICATION_COMMAND_OPTIONS_AUTOCOMPLETE_CHOICES');
      const dup = await bot.api.put(base, [{ name: 'same', description: 'd' }, { name: 'same', description: 'e' }]);
      expect(dup.body.errors['1'].name._errors[0].code).toBe('APPLICATION_COMMANDS_DUPLICATE_NAME');

      // 100 chat input commands, the 101st refused; bulk overwrite keeps ids of commands it names again.
      const hundred = Array.from({ length: 100 }, (_, i) => ({ name: `c${i}`, description: 'd' }));
      const put = await bot.api.ok.put(base, hundred);
      expect(put.length).toBe(100);
      expect(await bot.api.post(base, { name: 'one-more', description: 'd' })).toMatchObject({ status: 400, body: { code: 30032, message: 'Maximum number of application commands reached (100)' } });
      expect((await bot.api.put(base, [...hundred, { name: 'c100', description: 'd' }])).body.code).toBe(30032);
      const kept = await bot.api.ok.put(base, [{ name: 'c5', description: 'still here' }, { name: 'fresh', description: 'new' }]);
      expect(kept.find((c: any) => c.name === 'c5').id).toBe(put.find((c: any) => c.name === 'c5').id);
      expect((await bot.api.ok.get(base)).map((c: any) => c.name).sort()).toEqual(['c5', 'fresh']);
      await bot.api.ok.put(base, []);
    });

    it('per guild, only where the bot is; the picker lists what a member may use', async () => {
      const elsewhere = await newGuild(owner.api, 'no bot here');
      expect((await bot.api.post(`/applications/${bot.applicationId}/guilds/${elsewhere.id}/commands`, { name: 'x', description: 'd' })).body.code).toBe(50001);
      const open = await command({ name: 'hello' });
      const admin = await command({ name: 'purge', default_member_permissions: '8' });
      expect(open.guild_id).toBe(guild.id);
      expect(open.dm_permission).toBeUndefined();
      const mine = await member.api.ok.get(`/channels/${guild.generalId}/application-command-index`);
      expect(mine.application_commands.map((c: any) => c.name)).toContain('hello');
      expect(mine.application_commands.map((c: any) => c.name)).not.toContain('purge');
      expect(mine.applications).toEqual([expect.objectContaining({ id: bot.applicationId, name: 'Helper', bot_id: bot.userId })]);
      // None set yet; `permissions` is a route of its own, never a command id.
      expect(await bot.api.ok.get(`${cmdBase()}/permissions`)).toEqual([]);
      expect((await bot.api.get(`${cmdBase()}/${open.id}/permissions`)).body).toEqual({ code: 10066, message: 'Unknown application command permissions' });
      const owners = await owner.api.ok.get(`/channels/${guild.generalId}/application-command-index`);
      expect(owners.application_commands.map((c: any) => c.name)).toEqual(expect.arrayContaining(['hello', 'purge']));
      // A command the member may not use cannot be invoked by them either.
      const refused = await member.api.post('/interactions', { type: 2, application_id: bot.applicationId, guild_id: guild.id, channel_id: guild.generalId, data: { id: admin.id, name: 'purge' } });
      expect(refused.body.code).toBe(50013);
    });
  });

  describe(`per-guild command permissions (${name})`, () => {
    const permsOf = (commandId: string) => `${cmdBase()}/${commandId}/permissions`;
    const offered = async (who: TestUser, channelId = guild.generalId) =>
      ((await who.api.ok.get(`/channels/${channelId}/application-command-index`)).application_commands as { name: string }[]).map((c) => c.name);
    const run = (who: TestUser, cmd: { id: string; name: string }, channelId = guild.generalId) =>
      who.api.post('/interactions', { type: 2, application_id: bot.applicationId, guild_id: guild.id, channel_id: channelId, data: { id: cmd.id, name: cmd.name } });

    it('are set by a member who manages the guild and roles, never by a bot; read by the bot; sent to it as APPLICATION_COMMAND_PERMISSIONS_UPDATE', async () => {
      const warn = await command({ name: 'warn' });
      expect(await offered(member)).toContain('warn');
      const body = { permissions: [{ id: member.id, type: 2, permission: false }] };
      expect(await bot.api.put(permsOf(warn.id), body)).toMatchObject({ status: 403, body: { code: 20001 } });
      expect((await member.api.put(permsOf(warn.id), body)).body.code).toBe(50013);
      const from = botGw.frames.length;
      const set = await owner.api.ok.put(permsOf(warn.id), body);
      const expected = { id: warn.id, application_id: bot.applicationId, guild_id: guild.id, permissions: [{ id: member.id, type: 2, permission: false }] };
      expect(set).toEqual(expected);
      expect((await botGw.next((f) => f.t === 'APPLICATION_COMMAND_PERMISSIONS_UPDATE', { from })).d).toEqual(expected);
      expect(await bot.api.ok.get(permsOf(warn.id))).toEqual(expected);
      expect(await bot.api.ok.get(`${cmdBase()}/permissions`)).toEqual([expected]);
      // A member who manages the guild reads them too; others do not.
      expect(await owner.api.ok.get(`${cmdBase()}/permissions`)).toEqual([expected]);
      expect((await member.api.get(`${cmdBase()}/permissions`)).body.code).toBe(50013);

      // Denied: gone from the member's picker and refused when run; the owner still has it.
      expect(await offered(member)).not.toContain('warn');
      expect((await run(member, warn)).body.code).toBe(50013);
      expect(await offered(owner)).toContain('warn');
      // An empty list removes them.
      await owner.api.ok.put(permsOf(warn.id), { permissions: [] });
      expect((await bot.api.get(permsOf(warn.id))).body.code).toBe(10066);
      expect(await offered(member)).toContain('warn');
      await bot.api.ok.delete(`${cmdBase()}/${warn.id}`);
    });

    it('roles, @everyone, channels and the application level decide as on Discord, before default_member_permissions', async () => {
      const role = await owner.api.ok.post<{ id: string }>(`/guilds/${guild.id}/roles`, { name: 'Mods' });
      const other = await owner.api.ok.post<{ id: string }>(`/guilds/${guild.id}/channels`, { name: 'elsewhere', type: 0 });
      const mod = await command({ name: 'mod' });
      const purge = await command({ name: 'purgeall', default_member_permissions: '8' });

      // @everyone denied, a role allowed: only holders of the role.
      await owner.api.ok.put(permsOf(mod.id), { permissions: [{ id: guild.id, type: 1, permission: false }, { id: role.id, type: 1, permission: true }] });
      expect(await offered(member)).not.toContain('mod');
      await owner.api.ok.put(`/guilds/${guild.id}/members/${member.id}/roles/${role.id}`);
      expect(await offered(member)).toContain('mod');
      // The user's own entry wins over their roles'.
      await owner.api.ok.put(permsOf(mod.id), { permissions: [{ id: role.id, type: 1, permission: true }, { id: member.id, type: 2, permission: false }] });
      expect(await offered(member)).not.toContain('mod');

      // Channels: all channels denied but #general.
      const allChannels = (BigInt(guild.id) - 1n).toString();
      await owner.api.ok.put(permsOf(mod.id), { permissions: [{ id: allChannels, type: 3, permission: false }, { id: guild.generalId, type: 3, permission: true }] });
      expect(await offered(member)).toContain('mod');
      expect(await offered(member, other.id)).not.toContain('mod');
      expect((await run(member, mod, other.id)).body.code).toBe(50013);

      // The application's entry (its id for the command's) applies to all its commands the command's does not decide.
      await owner.api.ok.put(permsOf(bot.applicationId), { permissions: [{ id: member.id, type: 2, permission: false }] });
      expect(await bot.api.ok.get(permsOf(bot.applicationId))).toMatchObject({ id: bot.applicationId, permissions: [{ id: member.id, type: 2, permission: false }] });
      expect(await offered(member)).not.toContain('mod');
      await owner.api.ok.put(permsOf(bot.applicationId), { permissions: [] });

      // An entry naming the member replaces default_member_permissions, as on Discord.
      expect(await offered(member)).not.toContain('purgeall');
      await owner.api.ok.put(permsOf(purge.id), { permissions: [{ id: member.id, type: 2, permission: true }] });
      expect(await offered(member)).toContain('purgeall');
      const from = botGw.frames.length;
      expect((await run(member, purge)).status).toBe(204);
      await botGw.next((f) => f.t === 'INTERACTION_CREATE' && f.d.data?.name === 'purgeall', { from });

      // Ids must name what is in the guild; Discord's limit of 100; unknown commands are 10063.
      const unknownRole = await owner.api.put(permsOf(mod.id), { permissions: [{ id: '123', type: 1, permission: true }] });
      expect(unknownRole).toMatchObject({ status: 400, body: { code: 50035, errors: { permissions: { '0': { id: { _errors: [expect.objectContaining({ code: 'APPLICATION_COMMAND_PERMISSIONS_INVALID' })] } } } } } });
      const many = Array.from({ length: 101 }, () => ({ id: member.id, type: 2, permission: true }));
      expect((await owner.api.put(permsOf(mod.id), { permissions: many })).body.code).toBe(50035);
      expect((await owner.api.put(permsOf('1234567890'), { permissions: [] })).body.code).toBe(10063);
      // A deleted command's permissions go with it.
      await bot.api.ok.delete(`${cmdBase()}/${mod.id}`);
      await bot.api.ok.delete(`${cmdBase()}/${purge.id}`);
      expect(await bot.api.ok.get(`${cmdBase()}/permissions`)).toEqual([]);
      await owner.api.ok.delete(`/guilds/${guild.id}/members/${member.id}/roles/${role.id}`);
      await owner.api.ok.delete(`/channels/${other.id}`);
    });
  });

  describe(`invocation and answers (${name})`, () => {
    it('INTERACTION_CREATE reaches only the bot; the invoker gets its id and nonce; options are checked and resolved', async () => {
      const cmd = await command({
        name: 'greet',
        options: [
          { type: 6, name: 'who', description: 'd', required: true },
          { type: 4, name: 'times', description: 'd', min_value: 1, max_value: 3 },
        ],
      });
      const memberFrames = memberGw.frames.length;
      const i = await invoke(owner, cmd, [{ name: 'who', type: 6, value: member.id }, { name: 'times', type: 4, value: 2 }]);
      expect(i).toMatchObject({
        type: 2,
        application_id: bot.applicationId,
        guild_id: guild.id,
        channel_id: guild.generalId,
        channel: { id: guild.generalId, type: 0 },
        version: 1,
        locale: 'en-US',
        entitlements: [],
        authorizing_integration_owners: { '0': guild.id },
        context: 0,
        member: { user: { id: owner.id } },
        data: {
          id: cmd.id,
          name: 'greet',
          type: 1,
          guild_id: guild.id,
          options: [{ name: 'who', type: 6, value: member.id }, { name: 'times', type: 4, value: 2 }],
          resolved: { users: { [member.id]: { id: member.id } }, members: { [member.id]: { roles: [] } } },
        },
      });
      expect(i.member.permissions).toMatch(/^\d+$/);
      expect(i.app_permissions).toMatch(/^\d+$/);
      expect(i.token.startsWith('aW50ZXJhY3Rpb246')).toBe(true);
      const ack = await ownerGw.next((f) => f.t === 'INTERACTION_CREATE' && f.d.id === i.id);
      expect(ack.d).toEqual({ id: i.id, nonce: expect.any(String) });
      await cb(i, { type: 4, data: { content: 'hi' } });
      await ownerGw.next((f) => f.t === 'INTERACTION_SUCCESS' && f.d.id === i.id);
      expect(memberGw.frames.slice(memberFrames).some((f) => f.t === 'INTERACTION_CREATE' || f.t === 'INTERACTION_SUCCESS')).toBe(false);

      // Bad options: unknown, wrong type, out of range, missing required.
      const bad = async (options: unknown[]) => (await owner.api.post('/interactions', { type: 2, application_id: bot.applicationId, channel_id: guild.generalId, data: { id: cmd.id, name: 'greet', options } })).body;
      expect((await bad([{ name: 'nope', type: 3, value: 'x' }])).code).toBe(50035);
      expect((await bad([{ name: 'who', type: 3, value: member.id }])).code).toBe(50035);
      expect((await bad([{ name: 'who', type: 6, value: member.id }, { name: 'times', type: 4, value: 9 }])).code).toBe(50035);
      expect((await bad([{ name: 'times', type: 4, value: 1 }])).errors.data.options._errors[0].message).toMatch(/required/);
      expect((await bot.api.post('/interactions', { type: 2, application_id: bot.applicationId, channel_id: guild.generalId, data: { id: cmd.id } })).body.code).toBe(20001);
    });

    it('type 4: a message of type 20 by the bot with interaction_metadata; with_response; once only; the token is checked', async () => {
      const cmd = await command({ name: 'say' });
      const i = await invoke(member, cmd);
      expect((await cb({ id: i.id, token: i.token.slice(0, -2) + 'xx' }, { type: 4, data: { content: 'x' } })).body.code).toBe(10062);
      expect((await cb(i, { type: 7, data: { content: 'x' } })).status).toBe(400);
      expect((await cb(i, { type: 4, data: { content: '' } })).body.code).toBe(50006);
      const res = await cb(i, { type: 4, data: { content: 'said it', embeds: [{ title: 'T' }] } }, '?with_response=true');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ interaction: { id: i.id, type: 2, response_message_id: expect.any(String), response_message_loading: false, response_message_ephemeral: false }, resource: { type: 4 } });
      const m = res.body.resource.message;
      expect(m).toMatchObject({
        type: 20,
        content: 'said it',
        author: { id: bot.userId, bot: true },
        webhook_id: bot.applicationId,
        application_id: bot.applicationId,
        interaction_metadata: { id: i.id, type: 2, user: { id: member.id }, name: 'say', command_type: 1, authorizing_integration_owners: { '0': guild.id } },
        interaction: { id: i.id, type: 2, name: 'say', user: { id: member.id } },
        flags: 0,
      });
      const seen = await memberGw.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === m.id);
      expect(seen.d.interaction_metadata.id).toBe(i.id);
      await ownerGw.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === m.id);
      expect((await cb(i, { type: 4, data: { content: 'again' } })).body).toEqual({ code: 40060, message: 'Interaction has already been acknowledged.' });
      expect(await anon().ok.get(hook(i, '/messages/@original'))).toMatchObject({ id: m.id, content: 'said it' });
      // Libraries percent-encode it; a webhook's own token has no original.
      expect(await anon().ok.get(hook(i, '/messages/%40original'))).toMatchObject({ id: m.id });
      const wh = await owner.api.ok.post(`/channels/${guild.generalId}/webhooks`, { name: 'plain' });
      expect((await anon().get(`/webhooks/${wh.id}/${wh.token}/messages/@original`)).body.code).toBe(10008);
      const history = await member.api.ok.get(`/channels/${guild.generalId}/messages?limit=5`);
      expect(history.find((x: any) => x.id === m.id)).toMatchObject({ type: 20, interaction_metadata: { id: i.id } });
    });

    it('ephemeral answers and follow-ups reach only the invoker, never another member, and stay out of history', async () => {
      const cmd = await command({ name: 'secret' });
      const memberFrames = memberGw.frames.length;
      const i = await invoke(owner, cmd);
      await cb(i, { type: 4, data: { content: 'only you', flags: 64 } });
      const eph = (await ownerGw.next((f) => f.t === 'MESSAGE_CREATE' && f.d.content === 'only you')).d;
      expect(eph).toMatchObject({ flags: 64, author: { id: bot.userId }, interaction_metadata: { id: i.id }, channel_id: guild.generalId });
      const follow = await anon().ok.post(hook(i, '?wait=true'), { content: 'also only you', flags: 64 });
      expect(follow.flags).toBe(64);
      await ownerGw.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === follow.id);
      const edited = await anon().ok.patch(hook(i, '/messages/@original'), { content: 'only you, edited' });
      expect(edited).toMatchObject({ id: eph.id, content: 'only you, edited', flags: 64 });
      await ownerGw.next((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === eph.id);
      expect((await anon().delete(hook(i, `/messages/${follow.id}`))).status).toBe(204);
      await ownerGw.next((f) => f.t === 'MESSAGE_DELETE' && f.d.id === follow.id);
      // A public follow-up of the same interaction is seen by all.
      const pub = await anon().ok.post(hook(i, '?wait=true'), { content: 'for everyone' });
      await memberGw.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === pub.id);
      const theirs = memberGw.frames.slice(memberFrames);
      expect(theirs.some((f) => f.d && (f.d.id === eph.id || f.d.id === follow.id))).toBe(false);
      const history = await owner.api.ok.get(`/channels/${guild.generalId}/messages?limit=20`);
      expect(history.some((x: any) => x.id === eph.id || x.id === follow.id)).toBe(false);
      expect(history.some((x: any) => x.id === pub.id)).toBe(true);
    });

    it('type 5: "thinking" (LOADING) until the bot edits @original; the first follow-up fills it; more follow-ups are new messages', async () => {
      const cmd = await command({ name: 'slow' });
      const i = await invoke(member, cmd);
      const res = await cb(i, { type: 5 }, '?with_response=true');
      expect(res.body.interaction).toMatchObject({ response_message_loading: true, response_message_ephemeral: false });
      const loading = (await memberGw.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === res.body.interaction.response_message_id)).d;
      expect(loading).toMatchObject({ flags: 128, content: '', type: 20 });
      const first = await anon().ok.post(hook(i, '?wait=true'), { content: 'done thinking' });
      expect(first).toMatchObject({ id: loading.id, content: 'done thinking', flags: 0, edited_timestamp: null });
      await memberGw.next((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === loading.id && f.d.content === 'done thinking');
      const second = await anon().ok.post(hook(i, '?wait=true'), { content: 'and more' });
      expect(second.id).not.toBe(loading.id);
      const fetched = await anon().ok.get(hook(i, `/messages/${second.id}`));
      expect(fetched.content).toBe('and more');
      expect((await anon().ok.patch(hook(i, '/messages/@original'), { content: 'final' })).edited_timestamp).not.toBeNull();
      expect((await anon().delete(hook(i, '/messages/@original'))).status).toBe(204);
      await memberGw.next((f) => f.t === 'MESSAGE_DELETE' && f.d.id === loading.id);
    });

    it("a token authenticates only its own interaction's messages", async () => {
      const cmd = await command({ name: 'mine' });
      const a = await invoke(member, cmd);
      await cb(a, { type: 4, data: { content: 'a' } });
      const b = await invoke(member, cmd);
      const bRes = await cb(b, { type: 4, data: { content: 'b' } }, '?with_response=true');
      const bMsg = bRes.body.resource.message.id;
      expect((await anon().patch(hook(a, `/messages/${bMsg}`), { content: 'hijack' })).body.code).toBe(10008);
      expect((await anon().delete(hook(a, `/messages/${bMsg}`))).body.code).toBe(10008);
      const other = await newBot(owner.api, 'Other');
      expect((await anon().post(`/webhooks/${other.applicationId}/${a.token}`, { content: 'x' })).body.code).toBe(10015);
      // Nor a person's message: only the application's own.
      const personal = await member.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'mine alone' });
      expect((await anon().patch(hook(a, `/messages/${personal.id}`), { content: 'x' })).body.code).toBe(10008);
    });
  });

  describe(`windows (${name})`, () => {
    let fast: TestServer;
    beforeAll(async () => {
      fast = await start({ interactionResponseMs: 300, interactionTokenTtlMs: 1500 });
    });
    afterAll(() => fast?.close());

    it('no answer in the response window: INTERACTION_FAILURE to the invoker, and the callback is refused; follow-ups end with the token', async () => {
      const o = await newUser(fast.base);
      const g = await newGuild(o.api);
      const b = await newBot(o.api);
      await addBot(o.api, g.id, b);
      const bg = await GatewayTester.identify(fast.gatewayUrl, `Bot ${b.token}`, 1 | 512);
      const og = await GatewayTester.identify(fast.gatewayUrl, o.token);
      try {
        const cmd = await b.api.ok.post(`/applications/${b.applicationId}/guilds/${g.id}/commands`, { name: 'late', description: 'd' });
        const run = async () => {
          const from = bg.frames.length;
          await o.api.ok.post('/interactions', { type: 2, application_id: b.applicationId, channel_id: g.generalId, nonce: 'late', data: { id: cmd.id, name: 'late' } });
          return (await bg.next((f) => f.t === 'INTERACTION_CREATE', { from })).d;
        };
        const late = await run();
        await og.next((f) => f.t === 'INTERACTION_FAILURE' && f.d.id === late.id, { timeoutMs: 3000 });
        const api = new Api(fast.base);
        expect((await api.post(`/interactions/${late.id}/${late.token}/callback`, { type: 4, data: { content: 'too late' } })).body.code).toBe(10062);

        const ok = await run();
        expect((await api.post(`/interactions/${ok.id}/${ok.token}/callback`, { type: 4, data: { content: 'in time' } })).status).toBe(204);
        expect((await api.post(`/webhooks/${b.applicationId}/${ok.token}`, { content: 'follow' })).status).toBe(204);
        await new Promise((r) => setTimeout(r, 1600));
        expect((await api.post(`/webhooks/${b.applicationId}/${ok.token}`, { content: 'expired' })).body).toEqual({ code: 50027, message: 'Invalid Webhook Token' });
        expect((await api.patch(`/webhooks/${b.applicationId}/${ok.token}/messages/@original`, { content: 'expired' })).status).toBe(401);
      } finally {
        bg.terminate();
        og.terminate();
      }
    });
  });

  describe(`message components (${name})`, () => {
    const buttons = (disabled = false) => [
      {
        type: 1,
        components: [
          { type: 2, style: 1, label: 'Yes', custom_id: 'yes', disabled },
          { type: 2, style: 5, label: 'Docs', url: 'https://example.com/docs' },
        ],
      },
    ];

    it('are validated in message create (Discord rules) and only bots send them', async () => {
      const ch = guild.generalId;
      const noId = await bot.api.post(`/channels/${ch}/messages`, { content: 'x', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'A' }] }] });
      expect(noId.body).toMatchObject({ code: 50035, errors: { components: { '0': { components: { '0': { custom_id: { _errors: [{ code: 'BUTTON_COMPONENT_CUSTOM_ID_REQUIRED' }] } } } } } } });
      const linkWithId = await bot.api.post(`/channels/${ch}/messages`, { components: [{ type: 1, components: [{ type: 2, style: 5, label: 'A', url: 'https://x', custom_id: 'a' }] }] });
      expect(linkWithId.status).toBe(400);
      const six = await bot.api.post(`/channels/${ch}/messages`, { components: [{ type: 1, components: Array.from({ length: 6 }, (_, i) => ({ type: 2, style: 1, label: 'b', custom_id: `b${i}` })) }] });
      expect(six.status).toBe(400);
      const dupe = await bot.api.post(`/channels/${ch}/messages`, { components: [{ type: 1, components: [{ type: 2, style: 1, label: 'a', custom_id: 'same' }, { type: 2, style: 2, label: 'b', custom_id: 'same' }] }] });
      expect(dupe.body.errors.components['0'].components['1'].custom_id._errors[0].code).toBe('COMPONENT_CUSTOM_ID_DUPLICATED');
      const selectWithButton = await bot.api.post(`/channels/${ch}/messages`, {
        components: [{ type: 1, components: [{ type: 3, custom_id: 's', options: [{ label: 'a', value: 'a' }] }, { type: 2, style: 1, label: 'b', custom_id: 'b' }] }],
      });
      expect(selectWithButton.status).toBe(400);
      const textInput = await bot.api.post(`/channels/${ch}/messages`, { components: [{ type: 1, components: [{ type: 4, custom_id: 't', style: 1, label: 'T' }] }] });
      expect(textInput.status).toBe(400);
      // Components alone make a message.
      const ok = await bot.api.ok.post(`/channels/${ch}/messages`, { components: buttons() });
      expect(ok.components).toEqual([{ type: 1, components: [{ type: 2, style: 1, label: 'Yes', custom_id: 'yes', disabled: false }, { type: 2, style: 5, label: 'Docs', url: 'https://example.com/docs' }] }]);
      const person = await member.api.ok.post(`/channels/${ch}/messages`, { content: 'mine', components: buttons() });
      expect(person.components).toEqual([]);
    });

    it('a click is a component interaction; type 7 updates the message, type 6 then @original edits it', async () => {
      const msg = await bot.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'Proceed?', components: buttons() });
      const click = async (custom_id: string, values?: string[], messageId = msg.id) => {
        const from = botGw.frames.length;
        const res = await member.api.post('/interactions', {
          type: 3,
          application_id: bot.applicationId,
          guild_id: guild.id,
          channel_id: guild.generalId,
          message_id: messageId,
          nonce: `c${++nonceSeq}`,
          data: { component_type: values ? 3 : 2, custom_id, ...(values ? { values } : {}) },
        });
        if (res.status !== 204) return res.body;
        return (await botGw.next((f) => f.t === 'INTERACTION_CREATE' && f.d.type === 3, { from })).d;
      };
      const i = await click('yes');
      expect(i).toMatchObject({ type: 3, data: { custom_id: 'yes', component_type: 2 }, message: { id: msg.id, content: 'Proceed?' }, member: { user: { id: member.id } } });
      expect((await click('nope')).code).toBe(50035);
      expect((await click('Docs')).code).toBe(50035);
      await cb(i, { type: 7, data: { content: 'Proceeding', components: buttons(true) } });
      const upd = await ownerGw.next((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === msg.id && f.d.content === 'Proceeding');
      expect(upd.d.components[0].components[0].disabled).toBe(true);
      // A disabled button cannot be clicked.
      expect((await click('yes')).code).toBe(50035);

      const sel = await bot.api.ok.post(`/channels/${guild.generalId}/messages`, {
        content: 'Pick',
        components: [{ type: 1, components: [{ type: 3, custom_id: 'flavour', min_values: 1, max_values: 2, options: [{ label: 'Vanilla', value: 'v' }, { label: 'Mint', value: 'm' }, { label: 'Plum', value: 'p' }] }] }],
      });
      expect((await click('flavour', ['x'], sel.id)).code).toBe(50035);
      expect((await click('flavour', ['v', 'm', 'p'], sel.id)).code).toBe(50035);
      const picked = await click('flavour', ['v', 'p'], sel.id);
      expect(picked.data).toEqual({ custom_id: 'flavour', component_type: 3, values: ['v', 'p'] });
      await cb(picked, { type: 6 });
      const edited = await anon().ok.patch(hook(picked, '/messages/@original'), { content: 'Picked vanilla and plum', components: [] });
      expect(edited).toMatchObject({ id: sel.id, content: 'Picked vanilla and plum', components: [] });

      const users = await bot.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'Who?', components: [{ type: 1, components: [{ type: 5, custom_id: 'who' }] }] });
      const from = botGw.frames.length;
      await member.api.ok.post('/interactions', { type: 3, application_id: bot.applicationId, channel_id: guild.generalId, message_id: users.id, data: { component_type: 5, custom_id: 'who', values: [owner.id] } });
      const u = (await botGw.next((f) => f.t === 'INTERACTION_CREATE' && f.d.data?.custom_id === 'who', { from })).d;
      expect(u.data.resolved.users[owner.id].id).toBe(owner.id);
    });

    it('an ephemeral reply with a button: the click updates it for the invoker alone', async () => {
      const cmd = await command({ name: 'ask' });
      const memberFrames = memberGw.frames.length;
      const i = await invoke(owner, cmd);
      await cb(i, { type: 4, data: { content: 'Sure?', flags: 64, components: buttons() } });
      const eph = (await ownerGw.next((f) => f.t === 'MESSAGE_CREATE' && f.d.content === 'Sure?')).d;
      expect(eph.components[0].components[0].custom_id).toBe('yes');
      // Another member cannot click someone else's ephemeral message.
      expect((await member.api.post('/interactions', { type: 3, application_id: bot.applicationId, channel_id: guild.generalId, message_id: eph.id, data: { component_type: 2, custom_id: 'yes' } })).body.code).toBe(10008);
      const from = botGw.frames.length;
      await owner.api.ok.post('/interactions', { type: 3, application_id: bot.applicationId, channel_id: guild.generalId, message_id: eph.id, message_flags: 64, data: { component_type: 2, custom_id: 'yes' } });
      const click = (await botGw.next((f) => f.t === 'INTERACTION_CREATE' && f.d.type === 3 && f.d.message?.id === eph.id, { from })).d;
      expect(click.message.flags).toBe(64);
      await cb(click, { type: 7, data: { content: 'Done', components: [] } });
      const upd = await ownerGw.next((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === eph.id);
      expect(upd.d).toMatchObject({ content: 'Done', components: [], flags: 64 });
      expect(memberGw.frames.slice(memberFrames).some((f) => f.d?.id === eph.id)).toBe(false);
    });

    it('modals: type 9 shows one to the invoker; its submit is a type 5 interaction with the values', async () => {
      const cmd = await command({ name: 'feedback' });
      const i = await invoke(member, cmd);
      const modal = { custom_id: 'fb', title: 'Feedback', components: [{ type: 1, components: [{ type: 4, custom_id: 'text', style: 2, label: 'Your thoughts', min_length: 2, required: true }] }] };
      expect((await cb(i, { type: 9, data: { ...modal, components: [{ type: 1, components: [{ type: 2, style: 1, label: 'x', custom_id: 'x' }] }] } })).status).toBe(400);
      await cb(i, { type: 9, data: modal });
      const shown = (await memberGw.next((f) => f.t === 'INTERACTION_MODAL_CREATE' && f.d.id === i.id)).d;
      expect(shown).toMatchObject({ custom_id: 'fb', title: 'Feedback', channel_id: guild.generalId, application: { id: bot.applicationId } });
      const submit = (value: string, id = i.id) =>
        member.api.post('/interactions', { type: 5, application_id: bot.applicationId, channel_id: guild.generalId, data: { id, custom_id: 'fb', components: [{ type: 1, components: [{ type: 4, custom_id: 'text', value }] }] } });
      expect((await submit('')).body.code).toBe(50035);
      expect((await submit('x')).body.code).toBe(50035);
      expect((await owner.api.post('/interactions', { type: 5, application_id: bot.applicationId, channel_id: guild.generalId, data: { id: i.id, custom_id: 'fb', components: [] } })).body.code).toBe(10062);
      const from = botGw.frames.length;
      expect((await submit('great stuff')).status).toBe(204);
      const got = (await botGw.next((f) => f.t === 'INTERACTION_CREATE' && f.d.type === 5, { from })).d;
      expect(got.data).toEqual({ custom_id: 'fb', components: [{ type: 1, components: [{ type: 4, custom_id: 'text', value: 'great stuff' }] }] });
      await cb(got, { type: 4, data: { content: 'Thanks!', flags: 64 } });
      await memberGw.next((f) => f.t === 'MESSAGE_CREATE' && f.d.content === 'Thanks!');
    });

    it('autocomplete: the focused option goes to the bot; its choices (type 8) to the invoker', async () => {
      const cmd = await command({ name: 'find', options: [{ type: 3, name: 'q', description: 'd', autocomplete: true, required: true }] });
      const from = botGw.frames.length;
      await member.api.ok.post('/interactions', { type: 4, application_id: bot.applicationId, channel_id: guild.generalId, nonce: 'ac1', data: { id: cmd.id, name: 'find', options: [{ name: 'q', type: 3, value: 'ap', focused: true }] } });
      const i = (await botGw.next((f) => f.t === 'INTERACTION_CREATE' && f.d.type === 4, { from })).d;
      expect(i.data.options).toEqual([{ name: 'q', type: 3, value: 'ap', focused: true }]);
      expect((await cb(i, { type: 4, data: { content: 'no' } })).status).toBe(400);
      await cb(i, { type: 8, data: { choices: [{ name: 'apple', value: 'apple' }, { name: 'apricot', value: 'apricot' }] } });
      const r = await memberGw.next((f) => f.t === 'APPLICATION_COMMAND_AUTOCOMPLETE_RESPONSE');
      expect(r.d).toEqual({ interaction_id: i.id, nonce: 'ac1', choices: [{ name: 'apple', value: 'apple' }, { name: 'apricot', value: 'apricot' }] });
    });

    it("a bot's own message names no application: its bot's id stands for it, as on Discord where they are one", async () => {
      const msg = await bot.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'Mine', components: buttons() });
      const from = botGw.frames.length;
      await member.api.ok.post('/interactions', { type: 3, application_id: bot.userId, channel_id: guild.generalId, message_id: msg.id, data: { component_type: 2, custom_id: 'yes' } });
      const i = (await botGw.next((f) => f.t === 'INTERACTION_CREATE' && f.d.message?.id === msg.id, { from })).d;
      expect(i.application_id).toBe(bot.applicationId);
      // Another application's message is not this one's to answer for.
      const other = await newBot(owner.api, 'Other Clicks');
      await addBot(owner.api, guild.id, other);
      expect((await member.api.post('/interactions', { type: 3, application_id: other.applicationId, channel_id: guild.generalId, message_id: msg.id, data: { component_type: 2, custom_id: 'yes' } })).body.code).toBe(10008);
    });

    it('in a DM with the bot: global commands allowed there run with `user` and context 1; guild-only ones are refused', async () => {
      const dmCmd = await bot.api.ok.post(`/applications/${bot.applicationId}/commands`, { name: 'dmhello', description: 'd', contexts: [0, 1] });
      const guildOnly = await bot.api.ok.post(`/applications/${bot.applicationId}/commands`, { name: 'guildonly', description: 'd', dm_permission: false });
      const dm = await member.api.ok.post('/users/@me/channels', { recipient_id: bot.userId });
      const from = botGw.frames.length;
      await member.api.ok.post('/interactions', { type: 2, application_id: bot.applicationId, channel_id: dm.id, data: { id: dmCmd.id, name: 'dmhello' } });
      const i = (await botGw.next((f) => f.t === 'INTERACTION_CREATE' && f.d.data?.name === 'dmhello', { from })).d;
      expect(i).toMatchObject({ context: 1, user: { id: member.id }, channel: { id: dm.id, type: 1 } });
      expect(i.member).toBeUndefined();
      expect(i.guild_id).toBeUndefined();
      const res = await cb(i, { type: 4, data: { content: 'hi in private' } }, '?with_response=true');
      expect(res.body.resource.message).toMatchObject({ channel_id: dm.id, content: 'hi in private' });
      expect((await member.api.post('/interactions', { type: 2, application_id: bot.applicationId, channel_id: dm.id, data: { id: guildOnly.id, name: 'guildonly' } })).body.code).toBe(50001);
      const index = await member.api.ok.get(`/channels/${dm.id}/application-command-index`);
      expect(index.application_commands.map((c: any) => c.name)).toEqual(['dmhello']);
      await bot.api.ok.put(`/applications/${bot.applicationId}/commands`, []);
    });

    it('context menus: user and message commands carry target_id and the resolved target', async () => {
      const userCmd = await bot.api.ok.post(cmdBase(), { name: 'High Five', type: 2 });
      const msgCmd = await bot.api.ok.post(cmdBase(), { name: 'Quote', type: 3 });
      const target = await member.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'quotable' });
      let from = botGw.frames.length;
      await owner.api.ok.post('/interactions', { type: 2, application_id: bot.applicationId, channel_id: guild.generalId, data: { id: userCmd.id, name: 'High Five', type: 2, target_id: member.id } });
      const u = (await botGw.next((f) => f.t === 'INTERACTION_CREATE' && f.d.data?.name === 'High Five', { from })).d;
      expect(u.data).toMatchObject({ type: 2, target_id: member.id, resolved: { users: { [member.id]: { id: member.id } } } });
      from = botGw.frames.length;
      await owner.api.ok.post('/interactions', { type: 2, application_id: bot.applicationId, channel_id: guild.generalId, data: { id: msgCmd.id, name: 'Quote', type: 3, target_id: target.id } });
      const m = (await botGw.next((f) => f.t === 'INTERACTION_CREATE' && f.d.data?.name === 'Quote', { from })).d;
      expect(m.data.resolved.messages[target.id].content).toBe('quotable');
      const res = await cb(m, { type: 4, data: { content: '> quotable' } }, '?with_response=true');
      expect(res.body.resource.message.type).toBe(23);
    });
  });

  describe(`HTTP interactions (${name})`, () => {
    it('signed with Ed25519 as Discord signs them; the endpoint must verify (a forged signature gets 401); its answer is the callback', async () => {
      const app = await bot.api.ok.get('/applications/@me');
      expect(app.verify_key).toMatch(/^[0-9a-f]{64}$/);
      const received: any[] = [];
      let checks = true;
      const endpoint = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const sig = String(req.headers['x-signature-ed25519'] ?? '');
          const ts = String(req.headers['x-signature-timestamp'] ?? '');
          if (checks && !verifySignature(app.verify_key, sig, ts, body)) {
            res.writeHead(401).end('invalid request signature');
            return;
          }
          const i = JSON.parse(body);
          received.push({ i, sig, ts, body });
          res.writeHead(200, { 'content-type': 'application/json' });
          if (i.type === 1) res.end(JSON.stringify({ type: 1 }));
          else res.end(JSON.stringify({ type: 4, data: { content: `over http: ${i.data.name}` } }));
        });
      });
      await new Promise<void>((r) => endpoint.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/interactions`;
      try {
        // An endpoint that accepts anything (it does not check signatures) is refused.
        checks = false;
        const lax = await bot.api.patch('/applications/@me', { interactions_endpoint_url: url });
        expect(lax.body).toMatchObject({ code: 50035, errors: { interactions_endpoint_url: { _errors: [{ code: 'APPLICATION_INTERACTIONS_ENDPOINT_URL_INVALID' }] } } });
        checks = true;
        received.length = 0;
        const set = await bot.api.ok.patch('/applications/@me', { interactions_endpoint_url: url });
        expect(set).toMatchObject({ verify_key: app.verify_key, interactions_endpoint_url: url });
        expect(received[0].i.type).toBe(1);

        const cmd = await command({ name: 'viahttp' });
        const botFrames = botGw.frames.length;
        await owner.api.ok.post('/interactions', { type: 2, application_id: bot.applicationId, channel_id: guild.generalId, data: { id: cmd.id, name: 'viahttp' } });
        const m = await ownerGw.next((f) => f.t === 'MESSAGE_CREATE' && f.d.content === 'over http: viahttp');
        expect(m.d.author.id).toBe(bot.userId);
        const call = received.find((r) => r.i.type === 2);
        expect(call.i).toMatchObject({ data: { name: 'viahttp' }, member: { user: { id: owner.id } } });
        // The signature covers timestamp and body: any change to either fails it.
        expect(verifySignature(app.verify_key, call.sig, call.ts, call.body)).toBe(true);
        expect(verifySignature(app.verify_key, call.sig, call.ts, call.body.replace('viahttp', 'viaHTTP'))).toBe(false);
        expect(verifySignature(app.verify_key, call.sig, String(Number(call.ts) + 1), call.body)).toBe(false);
        // Interactions go to the endpoint instead of the gateway.
        expect(botGw.frames.slice(botFrames).some((f) => f.t === 'INTERACTION_CREATE')).toBe(false);
      } finally {
        await bot.api.ok.patch('/applications/@me', { interactions_endpoint_url: null });
        endpoint.close();
      }
    });
  });
}
