/** discord.js's WebhookClient (by id and token: its URL parser accepts only discord.com) and a bot managing webhooks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, EmbedBuilder, Events, GatewayIntentBits, WebhookClient, type TextChannel } from 'discord.js';
import { addBot, newBot, newGuild, newUser, startTestServer, waitForEvent, withTimeout, type TestBot, type TestGuild, type TestServer, type TestUser } from '@concord/server/testing';

let server: TestServer;
let owner: TestUser;
let guild: TestGuild;
let bot: TestBot;
let client: Client;

beforeAll(async () => {
  server = await startTestServer();
  owner = await newUser(server.base);
  guild = await newGuild(owner.api, 'webhooks guild');
  bot = await newBot(owner.api, 'Hook Bot');
  // View, send, read history and MANAGE_WEBHOOKS.
  await addBot(owner.api, guild.id, bot, String(1024 + 2048 + 65536 + (1 << 29)));
  client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildWebhooks, GatewayIntentBits.GuildMessages], rest: { api: `${server.base}/api`, retries: 0, timeout: 5000 } });
  const ready = waitForEvent(client, Events.ClientReady, 10_000);
  await withTimeout(client.login(bot.token), 10_000, 'login');
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await server?.close();
});

describe('discord.js webhooks', () => {
  it('a bot creates a webhook (webhooksUpdate), a WebhookClient posts, edits and deletes with it', async () => {
    const channel = client.channels.cache.get(guild.generalId) as TextChannel;
    const updated = waitForEvent(client, Events.WebhooksUpdate, 5000);
    const hook = await channel.createWebhook({ name: 'Builds' });
    await updated;
    expect(hook.token).toMatch(/^[\w-]{68}$/);
    expect((await channel.fetchWebhooks()).map((w) => w.id)).toEqual([hook.id]);

    const wc = new WebhookClient({ id: hook.id, token: hook.token! }, { rest: { api: `${server.base}/api`, retries: 0, timeout: 5000 } });
    const seen = waitForEvent(client, Events.MessageCreate, 5000);
    const sent = await wc.send({ content: 'build passed', username: 'CI', embeds: [new EmbedBuilder().setTitle('#42').setColor(0x00ff00)] });
    expect(sent.webhook_id).toBe(hook.id);
    expect(sent.author.username).toBe('CI');
    const [m] = (await seen) as [{ webhookId: string | null; author: { username: string; bot: boolean } }];
    expect(m.webhookId).toBe(hook.id);
    expect(m.author).toMatchObject({ username: 'CI', bot: true });

    const edited = await wc.editMessage(sent.id, { content: 'build passed (edited)' });
    expect(edited.content).toBe('build passed (edited)');
    expect((await wc.fetchMessage(sent.id)).content).toBe('build passed (edited)');
    await wc.deleteMessage(sent.id);
    const edit = await hook.edit({ name: 'Builds 2' });
    expect(edit.name).toBe('Builds 2');
    await hook.delete();
    expect((await channel.fetchWebhooks()).size).toBe(0);
    wc.destroy();
  });
});
