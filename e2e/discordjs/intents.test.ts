/** Privileged and invalid intents: refused with Discord's close codes, as discord.js expects them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Events, GatewayIntentBits, type Message, type TextChannel } from 'discord.js';
import {
  GatewayTester,
  addBot,
  newBot,
  newGuild,
  newUser,
  startTestServer,
  waitForEvent,
  type TestBot,
  type TestGuild,
  type TestServer,
  type TestUser,
} from '@concord/server/testing';

/** Connects, sends Identify, and resolves with the close code the server answers (rejects on READY or a timeout). */
async function identifyCloseCode(url: string, token: string, intents: number): Promise<number> {
  const t = await GatewayTester.connect(url);
  try {
    t.send({ op: 2, d: { token, intents, properties: { os: 'linux', browser: 'concord-e2e', device: 'concord-e2e' } } });
    return await t.waitUntil(
      () => {
        if (t.ready) throw new Error('got READY, expected the server to close');
        return t.closeCode;
      },
      { what: 'close code' },
    );
  } finally {
    await t.closeAndWait(1000);
  }
}

let server: TestServer;
/** A bot whose application was not granted MESSAGE_CONTENT (flags 0). */
let bot: TestBot;
let owner: TestUser;
let guild: TestGuild;

beforeAll(async () => {
  server = await startTestServer();
  owner = await newUser(server.base);
  guild = await newGuild(owner.api);
  bot = await newBot(owner.api, 'Plain Bot', 0);
  await addBot(owner.api, guild.id, bot);
});

afterAll(async () => {
  await server?.close();
});

describe('intents', () => {
  it('refuses MESSAGE_CONTENT to a discord.js bot without the grant (4014, not retried)', async () => {
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      rest: { api: `${server.base}/api`, version: '10', retries: 0, timeout: 5000 },
    });
    try {
      const disconnected = waitForEvent(client, Events.ShardDisconnect, 10_000);
      const login = client.login(bot.token);
      const rejected = expect(login).rejects.toThrow(/disallowed intents/i);
      const [event] = (await disconnected) as [{ code: number }];
      expect(event.code).toBe(4014);
      await rejected;
      expect(client.isReady()).toBe(false);
    } finally {
      await client.destroy();
    }
  });

  it('refuses MESSAGE_CONTENT to a raw client too; without it, content is hidden unless the bot is mentioned', async () => {
    expect(await identifyCloseCode(server.gatewayUrl, bot.token, GatewayIntentBits.Guilds | GatewayIntentBits.MessageContent)).toBe(4014);
    const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: `${server.base}/api`, version: '10' } });
    try {
      const ready = waitForEvent(client, Events.ClientReady, 10_000);
      await client.login(bot.token);
      await ready;
      expect(client.guilds.cache.size).toBe(1);

      const next = () => waitForEvent(client, Events.MessageCreate, 5000).then(([m]) => m as Message);
      let incoming = next();
      await owner.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'secret' });
      const hidden = await incoming;
      expect(hidden.content).toBe('');
      expect(hidden.partial).toBe(false);
      incoming = next();
      await owner.api.ok.post(`/channels/${guild.generalId}/messages`, { content: `<@${bot.userId}> you may read this` });
      const mention = await incoming;
      expect(mention.content).toBe(`<@${bot.userId}> you may read this`);
      expect(mention.mentions.users.has(bot.userId)).toBe(true);
      // REST reads are redacted the same way.
      const channel = client.channels.cache.get(guild.generalId) as TextChannel;
      const history = await channel.messages.fetch({ limit: 2, cache: false });
      expect(history.map((m) => m.content)).toEqual([`<@${bot.userId}> you may read this`, '']);
    } finally {
      await client.destroy();
    }
  });

  it('closes with 4013 for intent bits that do not exist', async () => {
    expect(await identifyCloseCode(server.gatewayUrl, bot.token, 1 << 30)).toBe(4013);
  });
});
