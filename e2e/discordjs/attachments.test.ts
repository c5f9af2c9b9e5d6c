/** discord.js sends files (a Buffer, a path on disk) with channel.send and edits them; another bot reads message.attachments. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentBuilder, Client, EmbedBuilder, Events, GatewayIntentBits, WebhookClient, type Message, type TextChannel } from 'discord.js';
import { addBot, newBot, newGuild, newUser, startTestServer, testPng, waitForEvent, withTimeout, type TestBot, type TestGuild, type TestServer, type TestUser } from '@concord/server/testing';

let server: TestServer;
let owner: TestUser;
let guild: TestGuild;
let sender: TestBot;
let reader: TestBot;
let senderClient: Client;
let readerClient: Client;
let dir: string;

const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];
// View, send, read history, attach files.
const perms = String(1024 + 2048 + 65536 + 32768 + (1 << 29));

async function login(bot: TestBot): Promise<Client> {
  const client = new Client({ intents, rest: { api: `${server.base}/api`, retries: 0, timeout: 10_000 } });
  const ready = waitForEvent(client, Events.ClientReady, 10_000);
  await withTimeout(client.login(bot.token), 10_000, 'login');
  await ready;
  return client;
}

beforeAll(async () => {
  server = await startTestServer({ privilegedIntents: 'all' });
  owner = await newUser(server.base);
  guild = await newGuild(owner.api, 'files guild');
  sender = await newBot(owner.api, 'Sender');
  reader = await newBot(owner.api, 'Reader');
  await addBot(owner.api, guild.id, sender, perms);
  await addBot(owner.api, guild.id, reader, perms);
  senderClient = await login(sender);
  readerClient = await login(reader);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-djs-files-'));
});

afterAll(async () => {
  await senderClient?.destroy();
  await readerClient?.destroy();
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('discord.js attachments', () => {
  it('channel.send({ files }) with a Buffer and a path; the other bot reads message.attachments and downloads them', async () => {
    const png = testPng(32, 24);
    const report = path.join(dir, 'report.txt');
    fs.writeFileSync(report, 'all green\n');
    const channel = senderClient.channels.cache.get(guild.generalId) as TextChannel;
    const seen = new Promise<Message>((resolve) => readerClient.on(Events.MessageCreate, (m) => m.content === 'two files' && resolve(m)));

    const sent = await channel.send({
      content: 'two files',
      files: [new AttachmentBuilder(png, { name: 'chart.png', description: 'a chart' }), report],
    });
    expect(sent.attachments.size).toBe(2);

    const m = await withTimeout(seen, 5000, 'reader sees the message');
    const [chart, text] = [...m.attachments.values()];
    expect(chart).toMatchObject({ name: 'chart.png', contentType: 'image/png', width: 32, height: 24, size: png.length, description: 'a chart', spoiler: false });
    expect(text).toMatchObject({ name: 'report.txt', contentType: 'text/plain; charset=utf-8', size: 10 });
    expect(Buffer.from(await (await fetch(chart!.url)).arrayBuffer()).equals(png)).toBe(true);
    expect(await (await fetch(text!.proxyURL)).text()).toBe('all green\n');

    // Edit: keep the chart, drop the text file, add a spoiler.
    const edited = await sent.edit({ content: 'edited', attachments: [chart!], files: [new AttachmentBuilder(Buffer.from('boo'), { name: 'twist.txt' }).setSpoiler(true)] });
    expect([...edited.attachments.values()].map((a) => [a.name, a.spoiler])).toEqual([
      ['chart.png', false],
      ['SPOILER_twist.txt', true],
    ]);
    const fetched = await (readerClient.channels.cache.get(guild.generalId) as TextChannel).messages.fetch({ message: sent.id, force: true });
    expect(fetched.attachments.map((a) => a.name)).toEqual(['chart.png', 'SPOILER_twist.txt']);
  });

  it('attachment://name in an embed is the uploaded file, as on Discord', async () => {
    const png = testPng(40, 30, [10, 160, 90]);
    const channel = senderClient.channels.cache.get(guild.generalId) as TextChannel;
    const seen = new Promise<Message>((resolve) => readerClient.on(Events.MessageCreate, (m) => m.content === 'embedded' && resolve(m)));
    const embed = new EmbedBuilder().setTitle('Report').setImage('attachment://graph.png').setThumbnail('attachment://graph.png').setFooter({ text: 'f', iconURL: 'attachment://graph.png' });
    const sent = await channel.send({ content: 'embedded', embeds: [embed], files: [new AttachmentBuilder(png, { name: 'graph.png' })] });
    const file = sent.attachments.first()!;
    expect(sent.embeds[0]!.image).toMatchObject({ url: file.url, proxyURL: file.proxyURL, width: 40, height: 30 });
    const m = await withTimeout(seen, 5000, 'reader sees the embed');
    const [e] = m.embeds;
    expect(e!.image?.url).toBe(m.attachments.first()!.url);
    expect(e!.thumbnail?.url).toBe(m.attachments.first()!.url);
    expect(e!.footer?.iconURL).toBe(m.attachments.first()!.url);
    expect(Buffer.from(await (await fetch(e!.image!.url)).arrayBuffer()).equals(png)).toBe(true);
    // Read back later, it still names the file (with a fresh signature).
    const fetched = await channel.messages.fetch({ message: sent.id, force: true });
    expect(fetched.embeds[0]!.image?.url).toBe(fetched.attachments.first()!.url);
    // A name the message has no file for stays as written.
    const stray = await channel.send({ embeds: [new EmbedBuilder().setImage('attachment://missing.png')] });
    expect(stray.embeds[0]!.image?.url).toBe('attachment://missing.png');
  });

  it('a WebhookClient sends a file; the bot sees it on the webhook\'s message', async () => {
    const channel = senderClient.channels.cache.get(guild.generalId) as TextChannel;
    const hook = await channel.createWebhook({ name: 'Uploader' });
    const wc = new WebhookClient({ id: hook.id, token: hook.token! }, { rest: { api: `${server.base}/api`, retries: 0, timeout: 10_000 } });
    const seen = new Promise<Message>((resolve) => readerClient.on(Events.MessageCreate, (m) => m.webhookId === hook.id && resolve(m)));
    const sent = await wc.send({ content: 'build log', files: [new AttachmentBuilder(Buffer.from('ok\n'), { name: 'build.log' })] });
    expect(sent.attachments[0]).toMatchObject({ filename: 'build.log', size: 3 });
    const m = await withTimeout(seen, 5000, 'reader sees the webhook message');
    expect(m.attachments.first()).toMatchObject({ name: 'build.log', contentType: 'text/plain; charset=utf-8' });
    wc.destroy();
  });
});
