/** discord.js manages custom guild emoji (guild.emojis.create/edit/delete), sees guildEmoji* events and reacts with one. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Events, GatewayIntentBits, type GuildEmoji, type TextChannel } from 'discord.js';
import { Permissions } from '@concord/protocol';
import { addBot, newBot, newGuild, newUser, startTestServer, testPng, waitForEvent, withTimeout, type TestBot, type TestGuild, type TestServer, type TestUser } from '@concord/server/testing';

let server: TestServer;
let owner: TestUser;
let guild: TestGuild;
let bot: TestBot;
let client: Client;

// View, send, read history, add reactions, create expressions.
const perms = String(1024n + 2048n + 65536n + 64n + Permissions.CREATE_GUILD_EXPRESSIONS);

beforeAll(async () => {
  server = await startTestServer();
  owner = await newUser(server.base);
  guild = await newGuild(owner.api, 'emoji guild');
  bot = await newBot(owner.api, 'Emoji Bot');
  await addBot(owner.api, guild.id, bot, perms);
  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildExpressions, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions],
    rest: { api: `${server.base}/api`, retries: 0, timeout: 10_000 },
  });
  const ready = waitForEvent(client, Events.ClientReady, 10_000);
  await withTimeout(client.login(bot.token), 10_000, 'login');
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await server?.close();
});

describe('discord.js custom emoji', () => {
  it('guild.emojis.create with a Buffer, edit, react and delete; the cache follows GUILD_EMOJIS_UPDATE', async () => {
    const g = client.guilds.cache.get(guild.id)!;
    const created = waitForEvent(client, Events.GuildEmojiCreate, 5000) as Promise<[GuildEmoji]>;
    const emoji = await g.emojis.create({ attachment: testPng(48, 48), name: 'concord' });
    expect(emoji.name).toBe('concord');
    expect(emoji.animated).toBe(false);
    expect(emoji.imageURL()).toMatch(new RegExp(`/emojis/${emoji.id}\\.(png|webp)`));
    const [seen] = await created;
    expect(seen.id).toBe(emoji.id);
    expect(g.emojis.cache.get(emoji.id)?.name).toBe('concord');
    expect((await g.emojis.fetch(emoji.id, { force: true })).author?.id).toBe(bot.userId);

    // Its image at Discord's CDN path, on this server.
    const png = await fetch(`${server.base}/emojis/${emoji.id}.png`);
    expect(png.headers.get('content-type')).toBe('image/png');

    const updated = waitForEvent(client, Events.GuildEmojiUpdate, 5000) as Promise<[GuildEmoji, GuildEmoji]>;
    await emoji.edit({ name: 'renamed' });
    const [, after] = await updated;
    expect(after.name).toBe('renamed');

    const channel = client.channels.cache.get(guild.generalId) as TextChannel;
    const message = await channel.send(`look <:renamed:${emoji.id}>`);
    const reaction = await message.react(emoji);
    expect(reaction.emoji.id).toBe(emoji.id);
    const fetched = await message.fetch(true);
    expect(fetched.reactions.cache.get(emoji.id)?.count).toBe(1);

    const deleted = waitForEvent(client, Events.GuildEmojiDelete, 5000) as Promise<[GuildEmoji]>;
    await g.emojis.cache.get(emoji.id)!.delete();
    expect((await deleted)[0].id).toBe(emoji.id);
    expect(g.emojis.cache.has(emoji.id)).toBe(false);
  });
});
