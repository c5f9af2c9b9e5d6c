/**
 * discord.js slash commands against Concord: the bot registers a command, a person runs it (as the web client
 * does, `POST /interactions`), the bot gets `interactionCreate`, replies ephemerally with a button, and
 * handles the click with `update`; then a deferred reply with a follow-up, and a modal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActionRowBuilder,
  ApplicationCommandPermissionType,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  ModalBuilder,
  SlashCommandBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type ModalSubmitInteraction,
} from 'discord.js';
import { GatewayTester, addBot, newBot, newGuild, newUser, startTestServer, waitForEvent, withTimeout, type TestBot, type TestGuild, type TestServer, type TestUser } from '@concord/server/testing';

let server: TestServer;
let owner: TestUser;
let guild: TestGuild;
let bot: TestBot;
let client: Client;
let person: GatewayTester;

beforeAll(async () => {
  server = await startTestServer();
  owner = await newUser(server.base);
  guild = await newGuild(owner.api, 'slash guild');
  bot = await newBot(owner.api, 'Slash Bot');
  await addBot(owner.api, guild.id, bot);
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: `${server.base}/api`, retries: 0, timeout: 5000 } });
  const ready = waitForEvent(client, Events.ClientReady, 10_000);
  await withTimeout(client.login(bot.token), 10_000, 'login');
  await ready;
  person = await GatewayTester.identify(server.gatewayUrl, owner.token);
});

afterAll(async () => {
  person?.terminate();
  await client?.destroy();
  await server?.close();
});

/** The next interaction the bot sees that `pick` accepts. */
function nextInteraction<T extends Interaction>(pick: (i: Interaction) => i is T, timeoutMs = 5000): Promise<T> {
  return withTimeout(
    new Promise<T>((resolve) => {
      const on = (i: Interaction) => {
        if (!pick(i)) return;
        client.off(Events.InteractionCreate, on);
        resolve(i);
      };
      client.on(Events.InteractionCreate, on);
    }),
    timeoutMs,
    'interactionCreate',
  );
}

async function run(commandId: string, name: string, options: unknown[] = []): Promise<void> {
  await owner.api.ok.post('/interactions', { type: 2, application_id: bot.applicationId, guild_id: guild.id, channel_id: guild.generalId, data: { id: commandId, name, type: 1, options } });
}

describe('discord.js slash commands', () => {
  it('registers a command, replies ephemerally with a button, and updates the message on the click', async () => {
    const registered = await client.application!.commands.create(
      new SlashCommandBuilder().setName('vote').setDescription('Start a vote').addStringOption((o) => o.setName('topic').setDescription('What about').setRequired(true)),
      guild.id,
    );
    expect(registered.name).toBe('vote');
    expect((await client.application!.commands.fetch({ guildId: guild.id })).map((c) => c.name)).toEqual(['vote']);

    const invoked = nextInteraction((i): i is ChatInputCommandInteraction => i.isChatInputCommand());
    await run(registered.id, 'vote', [{ name: 'topic', type: 3, value: 'lunch' }]);
    const cmd = await invoked;
    expect(cmd.commandName).toBe('vote');
    expect(cmd.options.getString('topic')).toBe('lunch');
    expect(cmd.user.id).toBe(owner.id);
    expect(cmd.guildId).toBe(guild.id);
    expect(cmd.channelId).toBe(guild.generalId);
    expect(cmd.memberPermissions?.has('SendMessages')).toBe(true);

    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('yes').setLabel('Yes').setStyle(ButtonStyle.Success));
    await cmd.reply({ content: 'Vote on lunch?', components: [row], flags: MessageFlags.Ephemeral });
    const shown = await person.next((f) => f.t === 'MESSAGE_CREATE' && f.d.content === 'Vote on lunch?');
    expect(shown.d.flags).toBe(64);
    expect(shown.d.components[0].components[0]).toMatchObject({ type: 2, custom_id: 'yes', label: 'Yes', style: 3 });
    const reply = await cmd.fetchReply();
    expect(reply.id).toBe(shown.d.id);

    const clicked = nextInteraction((i): i is ButtonInteraction => i.isButton());
    await owner.api.ok.post('/interactions', {
      type: 3,
      application_id: bot.applicationId,
      guild_id: guild.id,
      channel_id: guild.generalId,
      message_id: shown.d.id,
      message_flags: 64,
      data: { component_type: 2, custom_id: 'yes' },
    });
    const button = await clicked;
    expect(button.customId).toBe('yes');
    expect(button.message.id).toBe(shown.d.id);
    await button.update({ content: 'Voted yes', components: [] });
    const updated = await person.next((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === shown.d.id);
    expect(updated.d).toMatchObject({ content: 'Voted yes', components: [], flags: 64 });
  });

  it('defers, edits the reply, follows up, and shows a modal whose submit it reads', async () => {
    const slow = await client.application!.commands.create({ name: 'report', description: 'Build a report' }, guild.id);
    let invoked = nextInteraction((i): i is ChatInputCommandInteraction => i.isChatInputCommand() && i.commandName === 'report');
    await run(slow.id, 'report');
    const cmd = await invoked;
    await cmd.deferReply();
    const thinking = await person.next((f) => f.t === 'MESSAGE_CREATE' && f.d.flags === 128);
    await cmd.editReply('Report ready');
    await person.next((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === thinking.d.id && f.d.content === 'Report ready');
    const follow = await cmd.followUp({ content: 'One more thing' });
    expect(follow.content).toBe('One more thing');
    expect(follow.id).not.toBe(thinking.d.id);

    const ask = await client.application!.commands.create({ name: 'feedback', description: 'Tell us' }, guild.id);
    invoked = nextInteraction((i): i is ChatInputCommandInteraction => i.isChatInputCommand() && i.commandName === 'feedback');
    await run(ask.id, 'feedback');
    const fb = await invoked;
    await fb.showModal(
      new ModalBuilder()
        .setCustomId('fb')
        .setTitle('Feedback')
        .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(new TextInputBuilder().setCustomId('text').setLabel('Thoughts').setStyle(TextInputStyle.Paragraph))),
    );
    const modal = await person.next((f) => f.t === 'INTERACTION_MODAL_CREATE');
    const submitted = nextInteraction((i): i is ModalSubmitInteraction => i.isModalSubmit());
    await owner.api.ok.post('/interactions', {
      type: 5,
      application_id: bot.applicationId,
      channel_id: guild.generalId,
      data: { id: modal.d.id, custom_id: 'fb', components: [{ type: 1, components: [{ type: 4, custom_id: 'text', value: 'Lovely' }] }] },
    });
    const submit = await submitted;
    expect(submit.fields.getTextInputValue('text')).toBe('Lovely');
    await submit.reply({ content: 'Thanks', flags: MessageFlags.Ephemeral });
    await person.next((f) => f.t === 'MESSAGE_CREATE' && f.d.content === 'Thanks' && f.d.flags === 64);
  });

  it('reads and sets per-guild command permissions (a person\'s token), and hears applicationCommandPermissionsUpdate', async () => {
    const cmd = await client.application!.commands.create({ name: 'ban-hammer', description: 'Moderators only' }, guild.id);
    await expect(client.application!.commands.permissions.fetch({ guild: guild.id, command: cmd.id })).rejects.toMatchObject({ code: 10066 });
    const heard = waitForEvent(client, Events.ApplicationCommandPermissionsUpdate, 5000);
    const everyone = guild.id;
    const set = await client.application!.commands.permissions.set({
      guild: guild.id,
      command: cmd.id,
      token: owner.token,
      permissions: [{ id: everyone, type: ApplicationCommandPermissionType.Role, permission: false }],
    });
    expect(set).toEqual([{ id: everyone, type: 1, permission: false }]);
    const [update] = (await heard) as [{ applicationId: string; guildId: string; id: string; permissions: unknown[] }];
    expect(update).toMatchObject({ applicationId: bot.applicationId, guildId: guild.id, id: cmd.id, permissions: [{ id: everyone, type: 1, permission: false }] });
    expect(await client.application!.commands.permissions.has({ guild: guild.id, command: cmd.id, permissionId: everyone })).toBe(true);
    // add() merges into what is set; the application-wide entry is named by the bot's id, as discord.js names it.
    await client.application!.commands.permissions.add({ guild: guild.id, command: cmd.id, token: owner.token, permissions: [{ id: owner.id, type: ApplicationCommandPermissionType.User, permission: true }] });
    const all = await client.application!.commands.permissions.fetch({ guild: guild.id });
    expect(all.get(cmd.id)).toEqual(expect.arrayContaining([{ id: everyone, type: 1, permission: false }, { id: owner.id, type: 2, permission: true }]));
    await client.application!.commands.permissions.add({ guild: guild.id, command: client.user!.id, token: owner.token, permissions: [{ id: owner.id, type: ApplicationCommandPermissionType.User, permission: true }] });
    expect(await client.application!.commands.permissions.fetch({ guild: guild.id, command: bot.applicationId })).toEqual([{ id: owner.id, type: 2, permission: true }]);
    // The owner is allowed by name: the command still runs for them.
    const invoked = nextInteraction((i): i is ChatInputCommandInteraction => i.isChatInputCommand() && i.commandName === 'ban-hammer');
    await run(cmd.id, 'ban-hammer');
    await (await invoked).reply({ content: 'Hammer ready', flags: MessageFlags.Ephemeral });
  });

  it('replies and follows up with files (multipart callback and follow-up)', async () => {
    const cmd = await client.application!.commands.create({ name: 'export', description: 'Export a report' }, guild.id);
    const invoked = nextInteraction((i): i is ChatInputCommandInteraction => i.isChatInputCommand() && i.commandName === 'export');
    await run(cmd.id, 'export');
    const i = await invoked;
    await i.reply({ content: 'Your report', files: [new AttachmentBuilder(Buffer.from('a,b\n1,2\n'), { name: 'report.csv' })] });
    const shown = await person.next((f) => f.t === 'MESSAGE_CREATE' && f.d.content === 'Your report');
    expect(shown.d.attachments).toEqual([expect.objectContaining({ filename: 'report.csv', size: 8 })]);
    const more = await i.followUp({ content: 'And the raw data', files: [new AttachmentBuilder(Buffer.from('raw'), { name: 'raw.txt' })] });
    expect(more.attachments.first()?.name).toBe('raw.txt');
    expect(await (await fetch(more.attachments.first()!.url)).text()).toBe('raw');
  });
});
