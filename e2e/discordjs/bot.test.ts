/**
 * An unmodified discord.js v14 Client against a real Concord server, pointed at it only by `rest.api`.
 * One bot session is shared by the tests in order (login first, the forced drop last), as a real bot lives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, EmbedBuilder, Events, GatewayIntentBits, MessageType, PermissionFlagsBits, type Message, type TextChannel } from 'discord.js';
import { GatewayIntents } from '@concord/protocol';
import {
  AppFlags,
  GatewayTester,
  addBot,
  eventually,
  newBot,
  newGuild,
  newUser,
  startTestServer,
  waitForEvent,
  withTimeout,
  type TestBot,
  type TestGuild,
  type TestServer,
  type TestUser,
} from '@concord/server/testing';
import { TcpProxy } from '../helpers/proxy.js';

let server: TestServer;
/** The bot reaches the server through this, so a test can cut its connection like a network failure. */
let proxy: TcpProxy;
let owner: TestUser;
let guild: TestGuild;
let bot: TestBot;
let client: Client;
let ownerGateway: GatewayTester | undefined;
/** Every messageCreate the bot saw, by id, with how often. */
const seen = new Map<string, number>();
/** Shard lifecycle events, to check nothing reconnects unless a test makes it. */
const lifecycle: string[] = [];

function newClient(intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent]): Client {
  return new Client({ intents, rest: { api: `${proxy.base}/api`, version: '10', retries: 0, timeout: 5000 } });
}

/** Resolves with the bot's messageCreate for the message with this id (past or future). */
function botSees(id: string, timeoutMs = 5000): Promise<Message> {
  return withTimeout(
    new Promise<Message>((resolve) => {
      const cached = (client.channels.cache.get(guild.generalId) as TextChannel | undefined)?.messages.cache.get(id);
      if (cached && seen.has(id)) return resolve(cached);
      const on = (m: Message) => {
        if (m.id !== id) return;
        client.off(Events.MessageCreate, on);
        resolve(m);
      };
      client.on(Events.MessageCreate, on);
    }),
    timeoutMs,
    `messageCreate for ${id}`,
  );
}

beforeAll(async () => {
  // A short heartbeat interval, so heartbeats and their acks happen many times during the suite.
  server = await startTestServer({ heartbeatIntervalMs: 1000 });
  proxy = await TcpProxy.start(server.base);
  owner = await newUser(server.base);
  guild = await newGuild(owner.api, 'discord.js guild');
  bot = await newBot(owner.api, 'Compat Bot', AppFlags.GatewayMessageContent);
  await addBot(owner.api, guild.id, bot);
});

afterAll(async () => {
  await client?.destroy();
  await ownerGateway?.closeAndWait(1000);
  await proxy?.close();
  await server?.close();
});

describe('discord.js v14 bot', () => {
  it('logs in and becomes ready with an available guild', async () => {
    client = newClient();
    client.on(Events.MessageCreate, (m) => seen.set(m.id, (seen.get(m.id) ?? 0) + 1));
    for (const e of [Events.ShardReconnecting, Events.ShardResume, Events.ShardDisconnect, Events.Invalidated, Events.ShardError] as const) {
      client.on(e, () => lifecycle.push(e));
    }
    const ready = waitForEvent(client, Events.ClientReady, 10_000);
    await withTimeout(client.login(bot.token), 10_000, 'client.login');
    // A READY/GUILD_CREATE shape bug shows up as discord.js's 15 s guild wait, i.e. this timeout.
    await ready;
    expect(client.isReady()).toBe(true);
    expect(client.user!.id).toBe(bot.userId);
    expect(client.application!.id).toBe(bot.applicationId);

    const g = client.guilds.cache.get(guild.id);
    expect(g).toBeDefined();
    expect(g!.available).toBe(true);
    expect(g!.roles.everyone.id).toBe(guild.id);
    expect(g!.members.me?.id).toBe(bot.userId);

    const channel = client.channels.cache.get(guild.generalId) as TextChannel;
    expect(channel?.isTextBased()).toBe(true);
    const perms = channel.permissionsFor(client.user!);
    expect(perms?.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(channel.viewable).toBe(true);
  });

  it('gets messageCreate for a person’s message, replies, edits and deletes', async () => {
    const sent = await owner.api.ok.post<{ id: string }>(`/channels/${guild.generalId}/messages`, { content: 'hello bot' });
    const incoming = await botSees(sent.id);
    expect(incoming.content).toBe('hello bot');
    expect(incoming.author.id).toBe(owner.id);
    expect(incoming.guildId).toBe(guild.id);
    expect(incoming.member?.id).toBe(owner.id);
    expect(incoming.deletable).toBe(true);

    const reply = await incoming.reply('hi person');
    expect(reply.type).toBe(MessageType.Reply);
    expect(reply.reference?.messageId).toBe(sent.id);
    const referenced = await reply.fetchReference();
    expect(referenced.id).toBe(sent.id);
    const fromServer = await owner.api.ok.get(`/channels/${guild.generalId}/messages/${reply.id}`);
    expect(fromServer.type).toBe(19);
    expect(fromServer.referenced_message?.id).toBe(sent.id);

    // allowed_mentions: a reply pings its author unless told otherwise; parse [] lists nobody.
    expect(reply.mentions.users.has(owner.id)).toBe(true);
    const quiet = await incoming.reply({ content: `quiet <@${owner.id}>`, allowedMentions: { repliedUser: false, parse: [] } });
    expect(quiet.mentions.users.size).toBe(0);
    const some = await quiet.edit({ content: `only <@${owner.id}>`, allowedMentions: { users: [owner.id] } });
    expect([...some.mentions.users.keys()]).toEqual([owner.id]);
    await quiet.delete();

    const edited = await reply.edit('hi person (edited)');
    expect(edited.content).toBe('hi person (edited)');
    expect(edited.editedTimestamp).not.toBeNull();

    await reply.delete();
    await expect(owner.api.ok.get(`/channels/${guild.generalId}/messages/${reply.id}`)).rejects.toMatchObject({ status: 404 });

    // The person edits and deletes theirs: messageUpdate (old and new) and messageDelete.
    const updated = waitForEvent(client, Events.MessageUpdate, 5000);
    await owner.api.ok.patch(`/channels/${guild.generalId}/messages/${sent.id}`, { content: 'hello bot, again' });
    const [oldMessage, newMessage] = (await updated) as [Message, Message];
    expect(oldMessage.content).toBe('hello bot');
    expect(newMessage.content).toBe('hello bot, again');
    const deleted = waitForEvent(client, Events.MessageDelete, 5000);
    await owner.api.ok.delete(`/channels/${guild.generalId}/messages/${sent.id}`);
    const [gone] = (await deleted) as [Message];
    expect(gone.id).toBe(sent.id);
  });

  it('fetches history with limit and before', async () => {
    const channel = client.channels.cache.get(guild.generalId) as TextChannel;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await channel.send(`history ${i}`)).id);
    const latest = await channel.messages.fetch({ limit: 2, cache: false });
    expect([...latest.keys()]).toEqual([ids[3], ids[2]]);
    const older = await channel.messages.fetch({ limit: 2, before: ids[2], cache: false });
    expect([...older.keys()]).toEqual([ids[1], ids[0]]);
    const one = await channel.messages.fetch({ message: ids[1]!, force: true });
    expect(one.content).toBe('history 1');
  });

  it('sends an embed, pins and unpins it; people see the card, the pin notice and the pins list', async () => {
    const channel = client.channels.cache.get(guild.generalId) as TextChannel;
    const embed = new EmbedBuilder()
      .setTitle('Deploy finished')
      .setURL('https://example.test/deploys/7')
      .setDescription('**7** services rolled out')
      .setColor(0x5865f2)
      .addFields({ name: 'Region', value: 'eu-west', inline: true }, { name: 'Took', value: '93 s', inline: true })
      .setFooter({ text: 'deploybot' })
      .setTimestamp(new Date('2026-12-01T12:00:00Z'));
    const sent = await channel.send({ embeds: [embed] });
    const seenByOwner = await owner.api.ok.get<{ embeds: any[] }>(`/channels/${guild.generalId}/messages/${sent.id}`);
    expect(seenByOwner.embeds).toEqual([
      {
        type: 'rich',
        title: 'Deploy finished',
        url: 'https://example.test/deploys/7',
        description: '**7** services rolled out',
        color: 0x5865f2,
        fields: [
          { name: 'Region', value: 'eu-west', inline: true },
          { name: 'Took', value: '93 s', inline: true },
        ],
        footer: { text: 'deploybot' },
        timestamp: '2026-12-01T12:00:00.000Z',
      },
    ]);
    expect(sent.embeds[0]!.title).toBe('Deploy finished');
    await sent.pin();
    const pinned = await channel.messages.fetchPinned();
    expect([...pinned.keys()]).toContain(sent.id);
    const notice = await eventually(async () => {
      const list = await owner.api.ok.get<{ type: number; message_reference?: { message_id: string } }[]>(`/channels/${guild.generalId}/messages?limit=5`);
      return list.find((m) => m.type === 6 && m.message_reference?.message_id === sent.id);
    }, 'the pin notice');
    expect(notice).toBeDefined();
    expect((await channel.messages.fetch({ message: sent.id, force: true })).pinned).toBe(true);
    await sent.unpin();
    expect([...(await channel.messages.fetchPinned()).keys()]).not.toContain(sent.id);
  });

  it('sends typing, which a person’s gateway session sees', async () => {
    const intents = GatewayIntents.Guilds | GatewayIntents.GuildMessages | GatewayIntents.GuildMessageTyping | GatewayIntents.GuildMessageReactions;
    ownerGateway = await GatewayTester.identify(server.gatewayUrl, owner.token, intents, {}, { timeoutMs: 10_000 });
    ownerGateway.keepAlive();
    // Resuming goes to resume_gateway_url: it must be reachable the way the client reached the gateway.
    expect(ownerGateway.ready.resume_gateway_url).toBe(server.gatewayUrl);
    const channel = client.channels.cache.get(guild.generalId) as TextChannel;
    await withTimeout(channel.sendTyping(), 5000, 'sendTyping');
    const typing = await ownerGateway.next((f) => f.t === 'TYPING_START' && f.d.user_id === bot.userId, { what: 'TYPING_START from the bot' });
    expect(typing.d.channel_id).toBe(guild.generalId);
    expect(typing.d.guild_id).toBe(guild.id);
    expect(Number.isInteger(typing.d.timestamp) && typing.d.timestamp < 1e11).toBe(true);
  });

  it('reacts, and people see the reaction', async () => {
    const sent = await owner.api.ok.post<{ id: string }>(`/channels/${guild.generalId}/messages`, { content: 'react to me' });
    const message = await botSees(sent.id);
    const reaction = await message.react('👍');
    expect(reaction.emoji.name).toBe('👍');
    expect(reaction.me).toBe(true);
    const add = await ownerGateway!.next((f) => f.t === 'MESSAGE_REACTION_ADD' && f.d.message_id === sent.id, { what: 'MESSAGE_REACTION_ADD' });
    expect(add.d).toMatchObject({ user_id: bot.userId, channel_id: guild.generalId, guild_id: guild.id, emoji: { id: null, name: '👍' } });
    expect(add.d.member.user.id).toBe(bot.userId);

    // The person adds the same emoji; counts and `me` are per reader.
    await owner.api.ok.put(`/channels/${guild.generalId}/messages/${sent.id}/reactions/${encodeURIComponent('👍')}/@me`);
    const fetched = await message.fetch(true);
    const thumbs = fetched.reactions.cache.get('👍')!;
    expect(thumbs.count).toBe(2);
    expect(thumbs.me).toBe(true);
    expect(new Set((await thumbs.users.fetch()).keys())).toEqual(new Set([owner.id, bot.userId]));
    const asOwner = await owner.api.ok.get(`/channels/${guild.generalId}/messages/${sent.id}`);
    expect(asOwner.reactions).toEqual([{ emoji: { id: null, name: '👍' }, count: 2, count_details: { burst: 0, normal: 2 }, me: true, me_burst: false, burst_colors: [] }]);

    await thumbs.users.remove(client.user!);
    const remove = await ownerGateway!.next((f) => f.t === 'MESSAGE_REACTION_REMOVE' && f.d.message_id === sent.id, { what: 'MESSAGE_REACTION_REMOVE' });
    expect(remove.d.user_id).toBe(bot.userId);
    expect((await message.fetch(true)).reactions.cache.get('👍')?.count).toBe(1);
    // A custom emoji that does not exist: Discord's Unknown Emoji (real ones: emojis.test.ts).
    await expect(message.react('<:nope:123456789012345678>')).rejects.toMatchObject({ code: 10014 });
  });

  it('fetches all guild members over the gateway (op 8)', async () => {
    const g = client.guilds.cache.get(guild.id)!;
    const members = await withTimeout(g.members.fetch({ time: 5000 }), 6000, 'guild.members.fetch()');
    expect(new Set(members.keys())).toEqual(new Set([owner.id, bot.userId]));
    const one = await g.members.fetch({ user: owner.id, force: true });
    expect(one.user.username).toBe(owner.username);
  });

  it('looks things up over REST', async () => {
    const user = await client.users.fetch(owner.id, { force: true });
    expect(user.username).toBe(owner.username);
    expect(user.bot).toBe(false);
    const channel = await client.channels.fetch(guild.generalId, { force: true });
    expect(channel?.id).toBe(guild.generalId);
    const g = await client.guilds.fetch({ guild: guild.id, force: true });
    expect(g.ownerId).toBe(owner.id);
    const roles = await g.roles.fetch();
    expect(roles.get(guild.id)?.name).toBe('@everyone');
    expect(roles.some((r) => r.managed && r.tags?.botId === bot.userId)).toBe(true);
    expect((await g.roles.fetch(guild.id, { force: true }))?.id).toBe(guild.id);
    const app = await client.application!.fetch();
    expect(app.id).toBe(bot.applicationId);
    expect(app.owner?.id).toBe(owner.id);
  });

  it('follows guild and channel changes live', async () => {
    const created = waitForEvent(client, Events.ChannelCreate, 5000);
    const ch = await owner.api.ok.post<{ id: string }>(`/guilds/${guild.id}/channels`, { name: 'bots', type: 0 });
    const [channel] = (await created) as [TextChannel];
    expect(channel.id).toBe(ch.id);
    expect(channel.guild.id).toBe(guild.id);

    const second = await newGuild(owner.api, 'second guild');
    const joined = waitForEvent(client, Events.GuildCreate, 5000);
    await addBot(owner.api, second.id, bot);
    const [g] = (await joined) as [{ id: string; available: boolean; channels: { cache: Map<string, unknown> } }];
    expect(g.id).toBe(second.id);
    expect(g.available).toBe(true);
    expect(g.channels.cache.has(second.generalId)).toBe(true);

    const left = waitForEvent(client, Events.GuildDelete, 5000);
    await owner.api.ok.delete(`/guilds/${second.id}`);
    const [gone] = (await left) as [{ id: string }];
    expect(gone.id).toBe(second.id);
    expect(client.guilds.cache.has(second.id)).toBe(false);
  });

  it('heartbeats without reconnecting', async () => {
    const shard = client.ws.shards.first()!;
    await withTimeout(
      (async () => {
        while (!(shard.ping >= 0)) await new Promise((r) => setTimeout(r, 50));
      })(),
      3000,
      'a heartbeat ack',
    );
    expect(client.ws.ping).toBeGreaterThanOrEqual(0);
    expect(lifecycle).toEqual([]);
  });

  it('resumes after a dropped socket without losing a messageCreate', async () => {
    const send = (content: string) => owner.api.ok.post<{ id: string }>(`/channels/${guild.generalId}/messages`, { content });
    const before = await send('before the drop');
    await botSees(before.id);

    const debug: string[] = [];
    const onDebug = (m: string) => debug.push(m);
    client.on(Events.Debug, onDebug);
    const resumed = waitForEvent(client, Events.ShardResume, 10_000);
    // Cut the bot's connection as a network failure would (no close frame: the client sees 1006), and keep
    // its reconnect waiting until a message was sent in the gap.
    proxy.hold();
    proxy.drop();
    await eventually(() => (proxy.waiting > 0 ? true : undefined), 'the bot reconnecting', 5000);
    const during = await send('while disconnected');
    proxy.release();
    await resumed;
    client.off(Events.Debug, onDebug);
    // discord.js counts what the resume replayed (RESUMED included): the message from the gap came that way.
    const replayed = debug.map((m) => /Resumed and replayed (\d+) events/.exec(m)?.[1]).find(Boolean);
    expect(Number(replayed)).toBe(2);
    const after = await send('after the resume');
    await botSees(during.id);
    await botSees(after.id);
    for (const id of [before.id, during.id, after.id]) expect(seen.get(id)).toBe(1);

    // A server asking to reconnect (op 7, as before a restart): discord.js closes with 4200 and resumes.
    const resumedAgain = waitForEvent(client, Events.ShardResume, 10_000);
    const [conn] = [...server.app.gateway.connections].filter((c) => c.session?.user.id === bot.userId);
    conn!.sendOp(7, null);
    const inGap = await send('around op 7');
    await resumedAgain;
    await botSees(inGap.id);
    expect(seen.get(inGap.id)).toBe(1);
    // Exactly the two forced reconnects, each resumed (never re-identified).
    expect(lifecycle).toEqual([Events.ShardReconnecting, Events.ShardResume, Events.ShardReconnecting, Events.ShardResume]);
    // Every messageCreate so far arrived once.
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });
});
