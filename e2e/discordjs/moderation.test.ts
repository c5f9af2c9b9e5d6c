/**
 * A moderation bot on unmodified discord.js v14: creates a role, assigns it, renames a member, times one out,
 * kicks, bans with message deletion, bulk-deletes, reads the audit log and manages AutoMod rules, against a real
 * Concord server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditLogEvent,
  AutoModerationActionType,
  AutoModerationRuleEventType,
  AutoModerationRuleTriggerType,
  Client,
  Events, GatewayIntentBits, PermissionFlagsBits, type TextChannel } from 'discord.js';
import { addBot, eventually, join, newBot, newGuild, newUser, startTestServer, waitForEvent, withTimeout, type TestBot, type TestGuild, type TestServer, type TestUser } from '@concord/server/testing';

let server: TestServer;
let owner: TestUser;
let guild: TestGuild;
let bot: TestBot;
let client: Client;

const MOD_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.ManageMessages |
  PermissionFlagsBits.ManageRoles |
  PermissionFlagsBits.ManageNicknames |
  PermissionFlagsBits.KickMembers |
  PermissionFlagsBits.BanMembers |
  PermissionFlagsBits.ModerateMembers |
  PermissionFlagsBits.ViewAuditLog |
  PermissionFlagsBits.ManageGuild;

beforeAll(async () => {
  server = await startTestServer();
  owner = await newUser(server.base);
  guild = await newGuild(owner.api, 'Moderated by discord.js');
  bot = await newBot(owner.api, 'Mod Bot');
  await addBot(owner.api, guild.id, bot, MOD_PERMISSIONS.toString());
  client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.GuildModeration,
      GatewayIntentBits.AutoModerationConfiguration,
      GatewayIntentBits.AutoModerationExecution,
    ],
    rest: { api: `${server.base}/api`, version: '10', retries: 0, timeout: 5000 },
  });
  const ready = waitForEvent(client, Events.ClientReady, 10_000);
  await withTimeout(client.login(bot.token), 10_000, 'client.login');
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await server?.close();
});

async function member(): Promise<TestUser> {
  const u = await newUser(server.base);
  await join(owner.api, u.api, guild.generalId);
  return u;
}

describe('discord.js moderation bot', () => {
  it('creates a role, assigns it and renames a member', async () => {
    const g = client.guilds.cache.get(guild.id)!;
    const role = await g.roles.create({ name: 'Regulars', color: 0x2ecc71, hoist: true, permissions: [PermissionFlagsBits.SendMessages], reason: 'for regulars' });
    expect(role.name).toBe('Regulars');
    expect(role.color).toBe(0x2ecc71);
    expect(role.comparePositionTo(g.members.me!.roles.highest)).toBeLessThan(0);
    const u = await member();
    const m = await g.members.fetch(u.id);
    await m.roles.add(role, 'earned it');
    expect((await g.members.fetch({ user: u.id, force: true })).roles.cache.has(role.id)).toBe(true);
    const renamed = await m.setNickname('Regular Joe');
    expect(renamed.nickname).toBe('Regular Joe');
    const edited = await role.edit({ name: 'Veterans' });
    expect(edited.name).toBe('Veterans');
    await role.delete();
    await eventually(() => (g.roles.cache.has(role.id) ? undefined : true), 'the role to leave the cache');
  });

  it('times out, kicks and bans with message deletion; bulk-deletes; reads the audit log', async () => {
    const g = client.guilds.cache.get(guild.id)!;
    const quiet = await g.members.fetch((await member()).id);
    const timedOut = await quiet.timeout(60_000, 'cool down');
    expect(timedOut.isCommunicationDisabled()).toBe(true);

    const kicked = await member();
    await (await g.members.fetch(kicked.id)).kick('bye');
    await expect(g.members.fetch({ user: kicked.id, force: true })).rejects.toThrow(/Unknown Member/);

    const spammer = await member();
    for (let i = 0; i < 3; i++) await spammer.api.ok.post(`/channels/${guild.generalId}/messages`, { content: `spam ${i}` });
    const banAdded = waitForEvent(client, Events.GuildBanAdd, 5000);
    await g.members.ban(spammer.id, { deleteMessageSeconds: 3600, reason: 'spam' });
    await banAdded;
    const channel = (await client.channels.fetch(guild.generalId)) as TextChannel;
    await eventually(async () => ((await channel.messages.fetch({ limit: 10, cache: false })).size === 0 ? true : undefined), 'the spam to be deleted');
    const bans = await g.bans.fetch();
    expect(bans.has(spammer.id)).toBe(true);
    expect(bans.get(spammer.id)!.reason).toBe('spam');

    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(await owner.api.ok.post<{ id: string }>(`/channels/${guild.generalId}/messages`, { content: `old news ${i}` }));
    const deleted = await channel.bulkDelete(sent.map((m) => m.id));
    expect([...deleted.keys()].sort()).toEqual(sent.map((m) => m.id).sort());

    const kicks = await g.fetchAuditLogs({ type: AuditLogEvent.MemberKick });
    const entry = kicks.entries.first()!;
    expect(entry.executorId).toBe(bot.userId);
    expect(entry.targetId).toBe(kicked.id);
    expect(entry.reason).toBe('bye');
    const all = await g.fetchAuditLogs({ limit: 100 });
    const types = new Set(all.entries.map((e) => e.action));
    for (const t of [AuditLogEvent.RoleCreate, AuditLogEvent.MemberRoleUpdate, AuditLogEvent.MemberUpdate, AuditLogEvent.MemberKick, AuditLogEvent.MemberBanAdd, AuditLogEvent.MessageBulkDelete]) {
      expect(types.has(t)).toBe(true);
    }
  });

  it('creates an AutoMod rule that blocks a member, hears its execution, edits and deletes it', async () => {
    const g = client.guilds.cache.get(guild.id)!;
    const created = waitForEvent(client, Events.AutoModerationRuleCreate, 5000);
    const rule = await g.autoModerationRules.create({
      name: 'No spoilers',
      eventType: AutoModerationRuleEventType.MessageSend,
      triggerType: AutoModerationRuleTriggerType.Keyword,
      triggerMetadata: { keywordFilter: ['spoiler*'], regexPatterns: ['ending\\s+is'] },
      actions: [{ type: AutoModerationActionType.BlockMessage, metadata: { customMessage: 'No spoilers here.' } }],
      enabled: true,
      reason: 'movie night',
    });
    expect(rule.triggerMetadata.keywordFilter).toEqual(['spoiler*']);
    await created;
    const u = await member();
    const executed = waitForEvent(client, Events.AutoModerationActionExecution, 5000);
    const refused = await u.api.post(`/channels/${guild.generalId}/messages`, { content: 'SPOILERS: the ending is sad' });
    expect(refused.body.code).toBe(200000);
    const [execution] = (await executed) as [{ ruleId: string; userId: string; action: { type: number } }];
    expect(execution).toMatchObject({ ruleId: rule.id, userId: u.id, action: { type: AutoModerationActionType.BlockMessage } });
    const fetched = await g.autoModerationRules.fetch();
    expect(fetched.get(rule.id)?.name).toBe('No spoilers');
    const edited = await rule.setEnabled(false);
    expect(edited.enabled).toBe(false);
    expect((await u.api.post(`/channels/${guild.generalId}/messages`, { content: 'spoilers now pass' })).status).toBe(200);
    await rule.delete();
    expect((await g.autoModerationRules.fetch()).has(rule.id)).toBe(false);
    const log = await g.fetchAuditLogs({ type: AuditLogEvent.AutoModerationRuleCreate });
    expect(log.entries.first()?.reason).toBe('movie night');
  });
});
