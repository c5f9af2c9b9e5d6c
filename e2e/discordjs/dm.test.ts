/**
 * discord.js and DMs: a bot `user.send()`s a DM (POST /users/@me/channels, then the message) and hears the
 * person's reply through messageCreate, with the DirectMessages intent and Partials.Channel as discord.js needs
 * for DM channels it may not have cached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelType, Client, Events, GatewayIntentBits, Partials, type Message } from 'discord.js';
import { addBot, newBot, newGuild, newUser, startTestServer, waitForEvent, type TestServer, type TestUser, type TestBot } from '@concord/server/testing';

let server: TestServer;
let person: TestUser;
let bot: TestBot;
let client: Client;

beforeAll(async () => {
  server = await startTestServer();
  person = await newUser(server.base, 'person');
  const guild = await newGuild(person.api, 'dm guild');
  bot = await newBot(person.api, 'DM Bot');
  await addBot(person.api, guild.id, bot);
});

afterAll(async () => {
  await client?.destroy();
  await server?.close();
});

describe('discord.js DMs', () => {
  it('a bot sends a DM and receives the reply', async () => {
    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages],
      partials: [Partials.Channel],
      rest: { api: `${server.base}/api`, version: '10', retries: 0, timeout: 5000 },
    });
    const ready = waitForEvent(client, Events.ClientReady, 10_000);
    await client.login(bot.token);
    await ready;

    const user = await client.users.fetch(person.id);
    const sent = await user.send('hello from discord.js');
    expect(sent.channel.type).toBe(ChannelType.DM);
    expect(sent.content).toBe('hello from discord.js');

    const history = await person.api.ok.get<{ content: string; author: { id: string } }[]>(`/channels/${sent.channelId}/messages`);
    expect(history.map((m) => [m.author.id, m.content])).toEqual([[bot.userId, 'hello from discord.js']]);

    const reply = new Promise<Message>((resolve) => {
      client.on(Events.MessageCreate, (m) => {
        if (m.author.id === person.id) resolve(m);
      });
    });
    await person.api.ok.post(`/channels/${sent.channelId}/messages`, { content: 'hi bot' });
    const got = await reply;
    expect(got.content).toBe('hi bot');
    expect(got.channel.type).toBe(ChannelType.DM);
    expect(got.channelId).toBe(sent.channelId);
    expect(got.guildId).toBeNull();
  });
});
