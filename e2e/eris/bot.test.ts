/**
 * An unmodified Eris bot (npm `eris`, plain JavaScript) against Concord: login and caches, messages with embeds,
 * replies, edits, reactions, pins, history, deletes, channels, a slash command answered ephemerally with a button
 * whose click updates the message, and a resume after a dropped connection.
 *
 * Eris speaks HTTPS only; its REST `domain` (sent as the Host, from which Concord builds the gateway URL) takes
 * the server's address, and its `agent`, where a bot chooses how it connects, hands it a plain connection to the
 * test server (what a TLS-terminating proxy in front of Concord would do).
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Eris from 'eris';
import {
  AppFlags,
  GatewayTester,
  addBot,
  eventually,
  newBot,
  newGuild,
  newUser,
  startTestServer,
  withTimeout,
  type TestBot,
  type TestGuild,
  type TestServer,
  type TestUser,
} from '@concord/server/testing';

/** An agent Eris's `https.request` accepts, connecting in the clear to the test server's port. */
class PlainAgent extends http.Agent {
  constructor(private readonly port: number) {
    super({ keepAlive: true });
    (this as unknown as { protocol: string }).protocol = 'https:';
  }
  override createConnection(): net.Socket {
    return net.connect(this.port, '127.0.0.1');
  }
}

let server: TestServer;
let owner: TestUser;
let guild: TestGuild;
let bot: TestBot;
let client: Eris.Client;
let person: GatewayTester;
const errorsSeen: (number | string)[] = [];

function once<T>(event: string, pick: (...args: any[]) => T | undefined, timeoutMs = 5000): Promise<T> {
  return withTimeout(
    new Promise<T>((resolve) => {
      const on = (...args: any[]) => {
        const v = pick(...args);
        if (v === undefined) return;
        client.off(event, on);
        resolve(v);
      };
      client.on(event, on);
    }),
    timeoutMs,
    event,
  );
}

beforeAll(async () => {
  server = await startTestServer();
  owner = await newUser(server.base);
  guild = await newGuild(owner.api, 'eris guild');
  bot = await newBot(owner.api, 'Eris Bot', AppFlags.GatewayMessageContent);
  // View, send, read history, manage messages and channels, add reactions.
  await addBot(owner.api, guild.id, bot, String(1024 + 2048 + 65536 + 8192 + 16 + 64));
  const port = Number(new URL(server.base).port);
  client = new Eris.Client(`Bot ${bot.token}`, {
    intents: ['guilds', 'guildMessages', 'guildMessageReactions', 'messageContent'],
    rest: { domain: `127.0.0.1:${port}`, baseURL: '/api/v10', agent: new PlainAgent(port) as unknown as import('node:https').Agent },
    restMode: true,
    autoreconnect: true,
  });
  // A dropped socket is reported as an error event before Eris reconnects; unheard, it would throw.
  client.on('error', (err: Error & { code?: number }) => errorsSeen.push(err.code ?? err.message));
  const ready = once('ready', () => true, 10_000);
  await client.connect();
  await ready;
  person = await GatewayTester.identify(server.gatewayUrl, owner.token);
});

afterAll(async () => {
  person?.terminate();
  client?.disconnect({ reconnect: false });
  await server?.close();
});

describe('Eris bot', () => {
  it('logs in and caches the guild, its channels and roles', () => {
    const g = client.guilds.get(guild.id);
    expect(g?.name).toBe('eris guild');
    expect(g?.ownerID).toBe(owner.id);
    expect(g?.roles.has(guild.id)).toBe(true);
    const channel = g?.channels.get(guild.generalId);
    expect(channel?.name).toBe('general');
    expect((channel as Eris.TextChannel).permissionsOf(bot.userId).has('sendMessages')).toBe(true);
    expect(client.user.id).toBe(bot.userId);
  });

  it('reads, sends with an embed, replies, edits, reacts, pins, pages history and deletes', async () => {
    const seen = once('messageCreate', (m: Eris.Message) => (m.content === 'hello eris' ? m : undefined));
    const incoming = await owner.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'hello eris' });
    const m = await seen;
    expect(m.id).toBe(incoming.id);
    expect(m.author.id).toBe(owner.id);

    const sent = await client.createMessage(guild.generalId, { content: 'build report', embeds: [{ title: 'Build #7', description: 'passed', color: 0x2ecc71, fields: [{ name: 'branch', value: 'main' }] }] });
    expect(sent.embeds[0]?.title).toBe('Build #7');
    expect(sent.embeds[0]?.fields?.[0]?.value).toBe('main');
    const reply = await client.createMessage(guild.generalId, { content: 'hi there', messageReference: { messageID: incoming.id } });
    expect(reply.type).toBe(19);
    expect(reply.messageReference?.messageID).toBe(incoming.id);
    const edited = await client.editMessage(guild.generalId, reply.id, 'hi there (edited)');
    expect(edited.content).toBe('hi there (edited)');
    expect(edited.editedTimestamp).toBeTruthy();

    await client.addMessageReaction(guild.generalId, incoming.id, '👍');
    const reacted = await client.getMessage(guild.generalId, incoming.id);
    expect(reacted.reactions['👍']).toMatchObject({ count: 1, me: true });
    expect((await client.getMessageReaction(guild.generalId, incoming.id, '👍')).map((u) => u.id)).toEqual([bot.userId]);
    await client.removeMessageReaction(guild.generalId, incoming.id, '👍');

    await client.pinMessage(guild.generalId, sent.id);
    expect((await client.getPins(guild.generalId)).map((p) => p.id)).toEqual([sent.id]);
    await client.unpinMessage(guild.generalId, sent.id);

    const history = await client.getMessages(guild.generalId, { limit: 3, before: reply.id });
    expect(history.map((x) => x.id).slice(0, 2)).toEqual(expect.arrayContaining([sent.id, incoming.id]));
    await client.deleteMessage(guild.generalId, reply.id);
    await expect(client.getMessage(guild.generalId, reply.id)).rejects.toMatchObject({ code: 10008 });
  });

  it('creates and edits a channel; the cache follows the gateway', async () => {
    const created = (await client.createChannel(guild.id, 'eris-bots', 0, { topic: 'made by eris' })) as Eris.TextChannel;
    expect(created.topic).toBe('made by eris');
    await eventually(() => client.getChannel(created.id) ?? undefined, 'channel cached');
    const edited = (await client.editChannel(created.id, { name: 'eris-bots-2', rateLimitPerUser: 5 })) as Eris.TextChannel;
    expect(edited.name).toBe('eris-bots-2');
    expect(edited.rateLimitPerUser).toBe(5);
    await eventually(() => ((client.getChannel(created.id) as Eris.TextChannel).name === 'eris-bots-2' ? true : undefined), 'rename cached');
  });

  it('registers a slash command, answers ephemerally with a button, and updates the message on the click', async () => {
    const cmd = await client.createGuildCommand(guild.id, {
      name: 'vote',
      description: 'Start a vote',
      type: 1,
      options: [{ type: 3, name: 'topic', description: 'What about', required: true }],
    });
    expect((await client.getGuildCommands(guild.id)).map((c) => c.name)).toEqual(['vote']);

    const invoked = once('interactionCreate', (i: Eris.Interaction) => (i instanceof Eris.CommandInteraction ? i : undefined));
    await owner.api.ok.post('/interactions', { type: 2, application_id: bot.applicationId, guild_id: guild.id, channel_id: guild.generalId, data: { id: cmd.id, name: 'vote', type: 1, options: [{ name: 'topic', type: 3, value: 'lunch' }] } });
    const command = await invoked;
    expect(command.data.name).toBe('vote');
    expect(command.data.options?.[0]).toMatchObject({ name: 'topic', value: 'lunch' });
    expect(command.member?.id).toBe(owner.id);
    await command.createMessage({
      content: 'Vote on lunch?',
      flags: 64,
      components: [{ type: 1, components: [{ type: 2, style: 3, label: 'Yes', custom_id: 'yes' }] }],
    });
    const shown = (await person.next((f) => f.t === 'MESSAGE_CREATE' && f.d.content === 'Vote on lunch?')).d;
    expect(shown.flags).toBe(64);

    const clicked = once('interactionCreate', (i: Eris.Interaction) => (i instanceof Eris.ComponentInteraction ? i : undefined));
    await owner.api.ok.post('/interactions', { type: 3, application_id: bot.applicationId, guild_id: guild.id, channel_id: guild.generalId, message_id: shown.id, message_flags: 64, data: { component_type: 2, custom_id: 'yes' } });
    const button = await clicked;
    expect(button.data.custom_id).toBe('yes');
    expect(button.message.id).toBe(shown.id);
    await button.editParent({ content: 'Voted yes', components: [] });
    const updated = await person.next((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === shown.id);
    expect(updated.d).toMatchObject({ content: 'Voted yes', components: [] });
  });

  it('resumes after a dropped connection and gets what was sent meanwhile', async () => {
    const shard = client.shards.get(0)!;
    const resumed = once('shardResume', () => true, 15_000);
    (shard as unknown as { ws: { terminate(): void } }).ws.terminate();
    const gap = await owner.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'while away' });
    const seen = once('messageCreate', (m: Eris.Message) => (m.id === gap.id ? m : undefined), 15_000);
    await resumed;
    await seen;
    expect(errorsSeen).toEqual([1006]);
  });
});
