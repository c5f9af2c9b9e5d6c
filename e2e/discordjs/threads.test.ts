/** An unmodified discord.js v14 bot uses threads: starts one from a message, posts in it, archives it, lists them; makes a forum post with tags. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ChannelType, Client, Events, GatewayIntentBits, ThreadAutoArchiveDuration, type AnyThreadChannel, type TextChannel } from 'discord.js';
import { AppFlags, addBot, eventually, newBot, newGuild, newUser, startTestServer, waitForEvent, withTimeout, type TestBot, type TestGuild, type TestServer, type TestUser } from '@concord/server/testing';

let server: TestServer;
let owner: TestUser;
let guild: TestGuild;
let bot: TestBot;
let client: Client;

// VIEW_CHANNEL, SEND_MESSAGES, READ_MESSAGE_HISTORY, MANAGE_THREADS, CREATE_PUBLIC_THREADS, SEND_MESSAGES_IN_THREADS.
const PERMISSIONS = String((1n << 10n) | (1n << 11n) | (1n << 16n) | (1n << 34n) | (1n << 35n) | (1n << 38n));

beforeAll(async () => {
  server = await startTestServer();
  owner = await newUser(server.base);
  guild = await newGuild(owner.api, 'discord.js threads');
  bot = await newBot(owner.api, 'Thread Bot', AppFlags.GatewayMessageContent);
  await addBot(owner.api, guild.id, bot, PERMISSIONS);
  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
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

it('starts a thread from a message, posts in it, archives it and fetches active and archived threads', async () => {
  const channel = (await client.channels.fetch(guild.generalId)) as TextChannel;
  const starter = await channel.send('let us talk about it');
  const created = waitForEvent(client, Events.ThreadCreate, 5000);
  const thread = await starter.startThread({ name: 'about it', autoArchiveDuration: ThreadAutoArchiveDuration.OneHour });
  expect(thread.id).toBe(starter.id);
  expect(thread.type).toBe(ChannelType.PublicThread);
  expect(thread.parentId).toBe(guild.generalId);
  expect(thread.ownerId).toBe(bot.userId);
  expect(thread.autoArchiveDuration).toBe(60);
  const [fromGateway] = (await created) as [AnyThreadChannel, boolean];
  expect(fromGateway.id).toBe(thread.id);
  // discord.js finds a starter's thread by id in the channel's thread cache.
  expect(starter.thread?.id).toBe(thread.id);

  const inThread = await thread.send('inside the thread');
  expect(inThread.channelId).toBe(thread.id);
  const history = await owner.api.ok.get<{ content: string }[]>(`/channels/${thread.id}/messages`);
  expect(history.map((m) => m.content)).toEqual(['inside the thread']);
  const fetchedStarter = await channel.messages.fetch({ message: starter.id, force: true });
  expect(fetchedStarter.hasThread).toBe(true);

  const active = await channel.guild.channels.fetchActiveThreads();
  expect(active.threads.has(thread.id)).toBe(true);

  const updated = waitForEvent(client, Events.ThreadUpdate, 5000);
  await thread.setArchived(true);
  const [, after] = (await updated) as [AnyThreadChannel, AnyThreadChannel];
  expect(after.archived).toBe(true);
  const archived = await channel.threads.fetchArchived({ type: 'public' });
  expect([...archived.threads.keys()]).toContain(thread.id);

  // A standalone public thread, joined by the person through REST, and deleted by the bot.
  const standalone = await channel.threads.create({ name: 'standalone', type: ChannelType.PublicThread });
  expect(standalone.type).toBe(ChannelType.PublicThread);
  await owner.api.ok.put(`/channels/${standalone.id}/thread-members/@me`);
  const members = await standalone.members.fetch();
  expect([...members.keys()].sort()).toEqual([bot.userId, owner.id].sort());
  await standalone.delete();
  await eventually(() => !client.channels.cache.has(standalone.id) || undefined, 'thread gone from the cache');
});

it('searches, through its REST client, for what it posted', async () => {
  const channel = (await client.channels.fetch(guild.generalId)) as TextChannel;
  const posted = await channel.send('the aardvark report is ready');
  const found = (await client.rest.get(`/guilds/${guild.id}/messages/search`, { query: new URLSearchParams({ content: 'aardvark', author_id: bot.userId }) })) as {
    total_results: number;
    messages: { id: string; content: string }[][];
  };
  expect(found.total_results).toBe(1);
  expect(found.messages[0]![0]).toMatchObject({ id: posted.id, content: 'the aardvark report is ready' });
});

it('creates a forum post with tags; reads the forum and the post as discord.js models them', async () => {
  const forumRaw = await owner.api.ok.post<{ id: string; available_tags: { id: string; name: string }[] }>(`/guilds/${guild.id}/channels`, {
    name: 'support',
    type: 15,
    available_tags: [{ name: 'question' }, { name: 'bug', emoji_name: '🐛' }],
    default_reaction_emoji: { emoji_name: '👍' },
    flags: 1 << 4,
  });
  const forum = await eventually(async () => {
    const c = await client.channels.fetch(forumRaw.id, { force: true });
    return c?.type === ChannelType.GuildForum ? c : undefined;
  }, 'the forum in discord.js');
  expect(forum.availableTags.map((t) => t.name)).toEqual(['question', 'bug']);
  expect(forum.defaultReactionEmoji?.name).toBe('👍');
  const bug = forum.availableTags.find((t) => t.name === 'bug')!;
  // REQUIRE_TAG: a post without a tag is refused with Discord's error.
  await expect(forum.threads.create({ name: 'untagged', message: { content: 'x' } })).rejects.toMatchObject({ code: 40067 });
  const post = await forum.threads.create({ name: 'It crashes on start', message: { content: 'Stack trace attached' }, appliedTags: [bug.id] });
  expect(post.type).toBe(ChannelType.PublicThread);
  expect(post.parentId).toBe(forum.id);
  expect(post.appliedTags).toEqual([bug.id]);
  const first = await post.fetchStarterMessage();
  expect(first?.content).toBe('Stack trace attached');
  const reply = await post.send('a reply');
  expect(reply.channelId).toBe(post.id);
  await post.setAppliedTags([forum.availableTags[0]!.id, bug.id]);
  expect((await owner.api.ok.get<{ applied_tags: string[] }>(`/channels/${post.id}`)).applied_tags).toHaveLength(2);
});
