/**
 * Slash commands in Chromium: a person types `/`, picks a bot's command from the picker, fills its option,
 * gets an ephemeral reply ("Only you can see this") with a button, and clicks it: the bot's update replaces
 * the message. Another member never sees the ephemeral reply. A select menu and a modal reach the bot; a deferred
 * answer shows "thinking" first.
 * The bot is played by this test over its gateway session and the callback routes.
 * Screenshots at 1280 and 390 px, light and dark, go to e2e/artifacts/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Api, GatewayTester, addBot, join, newBot, newGuild, newUser, type TestBot, type TestGuild, type TestUser } from '@concord/server/testing';
import { ensureWebBuild, launchBrowser, newPerson, screenshotPath, startServer, type Person, type ServerProcess, openAs, messageRow } from './harness.js';

const row = (page: Page, text: string) => messageRow(page, text);

describe('slash commands in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let a: TestUser;
  let b: TestUser;
  let guild: TestGuild;
  let bot: TestBot;
  let botGw: GatewayTester;
  let stop = false;
  let url = '';
  const answered: string[] = [];

  /** The bot: answers /vote ephemerally with a button, the button with an update, /slow after thinking. */
  async function serve() {
    const anon = new Api(server.url);
    let seen = 0;
    while (!stop) {
      const f = await botGw.next((x) => x.t === 'INTERACTION_CREATE', { from: seen, timeoutMs: 60_000 }).catch(() => null);
      if (!f) continue;
      seen = botGw.frames.indexOf(f) + 1;
      const i = f.d;
      const cb = (body: unknown) => anon.ok.post(`/interactions/${i.id}/${i.token}/callback`, body);
      if (i.type === 2 && i.data.name === 'vote') {
        const topic = i.data.options?.find((o: { name: string }) => o.name === 'topic')?.value;
        await cb({
          type: 4,
          data: {
            content: `Vote on **${topic}**?`,
            flags: 64,
            components: [{ type: 1, components: [{ type: 2, style: 3, label: 'Yes', custom_id: 'yes' }, { type: 2, style: 4, label: 'No', custom_id: 'no' }, { type: 2, style: 5, label: 'Rules', url: 'https://example.com/rules' }] }],
          },
        });
      } else if (i.type === 3 && i.data.custom_id === 'flavour') {
        await cb({ type: 7, data: { content: `Picked ${i.data.values.join(' and ')}.`, components: [] } });
      } else if (i.type === 3 && i.data.custom_id === 'feedback') {
        await cb({ type: 9, data: { custom_id: 'fb', title: 'Feedback', components: [{ type: 1, components: [{ type: 4, custom_id: 'text', style: 2, label: 'Your thoughts', required: true }] }] } });
      } else if (i.type === 5) {
        await cb({ type: 4, data: { content: `Thanks for: ${i.data.components[0].components[0].value}` } });
      } else if (i.type === 3) {
        await cb({ type: 7, data: { content: `You voted ${i.data.custom_id}.`, components: [] } });
      } else if (i.type === 2 && i.data.name === 'slow') {
        await cb({ type: 5 });
        await new Promise((r) => setTimeout(r, 1500));
        await anon.ok.patch(`/webhooks/${bot.applicationId}/${i.token}/messages/@original`, { content: 'Thought it through.' });
      }
      answered.push(i.id);
    }
  }

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer();
    browser = await launchBrowser();
    a = await newUser(server.url, 'alice');
    b = await newUser(server.url, 'bob');
    guild = await newGuild(a.api, 'Command Club');
    await join(a.api, b.api, guild.generalId);
    bot = await newBot(a.api, 'Poll Bot');
    await addBot(a.api, guild.id, bot);
    const cmds = `/applications/${bot.applicationId}/guilds/${guild.id}/commands`;
    await bot.api.ok.put(cmds, [
      { name: 'vote', description: 'Start a vote', options: [{ type: 3, name: 'topic', description: 'What to vote on', required: true }] },
      { name: 'slow', description: 'Takes a moment' },
      { name: 'purge', description: 'Admins only', default_member_permissions: '8' },
    ]);
    botGw = await GatewayTester.identify(server.url.replace(/^http/, 'ws') + '/gateway', `Bot ${bot.token}`, 1 | 512);
    void serve();
    url = `/channels/${guild.id}/${guild.generalId}`;
    alice = await newPerson(browser, server.url);
    bob = await newPerson(browser, server.url);
    await openAs(alice, a, url);
    await openAs(bob, b, url);
  }, 240_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const slug = ctx.task.name.replace(/\W+/g, '-').slice(0, 40);
    for (const [who, person] of [['alice', alice], ['bob', bob]] as const) {
      await person?.page.screenshot({ path: screenshotPath(`failed-${slug}-${who}.png`) }).catch(() => undefined);
    }
  });

  afterAll(async () => {
    stop = true;
    botGw?.terminate();
    await browser?.close();
    await server?.dispose();
  });

  it('/ opens the picker grouped by app; a command with an option runs; the ephemeral reply has a button that updates it', async () => {
    const page = bob.page;
    const box = page.locator('textarea[name=message]');
    await box.fill('/');
    const picker = page.getByTestId('command-picker');
    await picker.waitFor();
    await expect(picker.getByRole('group', { name: 'Poll Bot' }).isVisible()).resolves.toBe(true);
    // Only what the member may use: /purge needs ADMINISTRATOR.
    await expect(picker.getByRole('option').allTextContents()).resolves.toEqual([expect.stringContaining('/slow'), expect.stringContaining('/vote')]);
    await page.screenshot({ path: screenshotPath('commands-picker-1280-light.png') });
    await box.pressSequentially('vo');
    await expect(picker.getByRole('option').count()).resolves.toBe(1);
    await picker.getByRole('option', { name: /\/vote/ }).click();
    await expect(box.inputValue()).resolves.toBe('/vote topic:');
    const hint = page.getByTestId('command-hint');
    await hint.waitFor();
    await expect(hint.textContent()).resolves.toContain('topic: What to vote on (text)');
    // Enter without the required value says what is missing and sends nothing.
    await box.press('Enter');
    await hint.getByRole('alert').waitFor();
    await box.pressSequentially('lunch');
    await page.screenshot({ path: screenshotPath('commands-hint-1280-light.png') });
    await box.press('Enter');

    const reply = row(page, 'Vote on lunch?');
    await reply.waitFor();
    await expect(box.inputValue()).resolves.toBe('');
    await expect(reply.getByTestId('ephemeral-note').textContent()).resolves.toContain('Only you can see this');
    await expect(reply.getByTestId('interaction-line').textContent()).resolves.toMatch(/used \/vote/);
    await expect(reply.getByTestId('message-content').locator('strong').textContent()).resolves.toBe('lunch');
    await expect(reply.getByTestId('component-button').allTextContents()).resolves.toEqual(['Yes', 'No', 'Rules']);
    await expect(reply.locator('a[data-testid=component-button]').getAttribute('href')).resolves.toBe('https://example.com/rules');

    await page.screenshot({ path: screenshotPath('commands-ephemeral-1280-light.png') });
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await page.screenshot({ path: screenshotPath('commands-ephemeral-1280-dark.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await reply.waitFor();
    // The drawers slide out when the layout changes: let them finish.
    await page.waitForTimeout(600);
    await page.screenshot({ path: screenshotPath('commands-ephemeral-390-dark.png') });
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await page.screenshot({ path: screenshotPath('commands-ephemeral-390-light.png') });
    await page.setViewportSize({ width: 1280, height: 800 });

    await reply.getByRole('button', { name: 'Yes' }).click();
    const updated = row(page, 'You voted yes.');
    await updated.waitFor();
    await expect(updated.getByTestId('component-button').count()).resolves.toBe(0);
    await expect(updated.getByTestId('ephemeral-note').isVisible()).resolves.toBe(true);

    // Alice never saw any of it; a public message after it arrives for her, the ephemeral one does not.
    await a.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'marker after the vote' });
    await row(alice.page, 'marker after the vote').waitFor();
    await expect(row(alice.page, 'lunch').count()).resolves.toBe(0);
    await expect(row(alice.page, 'You voted').count()).resolves.toBe(0);

    // Dismissed, it goes.
    await updated.getByRole('button', { name: 'Dismiss message' }).click();
    await expect(row(page, 'You voted yes.').count()).resolves.toBe(0);
  });

  it("a bot's select menu and a button that opens a modal: picks and the form's answer reach the bot", async () => {
    await bot.api.ok.post(`/channels/${guild.generalId}/messages`, {
      content: 'Ice cream?',
      components: [
        { type: 1, components: [{ type: 3, custom_id: 'flavour', placeholder: 'Pick flavours', min_values: 1, max_values: 2, options: [{ label: 'Vanilla', value: 'vanilla' }, { label: 'Mint', value: 'mint', description: 'fresh' }, { label: 'Plum', value: 'plum' }] }] },
        { type: 1, components: [{ type: 2, style: 1, label: 'Give feedback', custom_id: 'feedback' }] },
      ],
    });
    const page = bob.page;
    const msg = row(page, 'Ice cream?');
    await msg.waitFor();
    await msg.getByTestId('component-select').click();
    await msg.getByRole('option', { name: /Vanilla/ }).click();
    await msg.getByRole('option', { name: /Plum/ }).click();
    await page.screenshot({ path: screenshotPath('commands-select-1280-light.png') });
    await msg.getByRole('button', { name: 'Done' }).click();
    await row(page, 'Picked vanilla and plum.').waitFor();
    // The update is for everyone: Alice sees it too.
    await row(alice.page, 'Picked vanilla and plum.').waitFor();

    await bot.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'Tell us', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Give feedback', custom_id: 'feedback' }] }] });
    await row(page, 'Tell us').getByRole('button', { name: 'Give feedback' }).click();
    const dialog = page.getByRole('dialog', { name: 'Feedback' });
    await dialog.waitFor();
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await page.screenshot({ path: screenshotPath('commands-modal-1280-dark.png') });
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await dialog.getByLabel(/Your thoughts/).fill('More plum, please');
    await dialog.getByRole('button', { name: 'Submit' }).click();
    await row(page, 'Thanks for: More plum, please').waitFor();
    await expect(dialog.count()).resolves.toBe(0);
  });

  it('a deferred answer shows the bot thinking until it edits the reply', async () => {
    const page = alice.page;
    const box = page.locator('textarea[name=message]');
    await box.fill('/sl');
    await page.getByTestId('command-picker').getByRole('option', { name: /\/slow/ }).click();
    await box.press('Enter');
    const thinking = page.getByTestId('thinking');
    await thinking.waitFor();
    await expect(thinking.textContent()).resolves.toContain('Poll Bot is thinking');
    await page.screenshot({ path: screenshotPath('commands-thinking-1280-light.png') });
    await row(page, 'Thought it through.').waitFor();
    await expect(page.getByTestId('thinking').count()).resolves.toBe(0);
    // Not ephemeral: Bob sees the answer too, with who ran it.
    const theirs = row(bob.page, 'Thought it through.');
    await theirs.waitFor();
    await expect(theirs.getByTestId('interaction-line').textContent()).resolves.toMatch(/used \/slow/);
    expect(alice.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
