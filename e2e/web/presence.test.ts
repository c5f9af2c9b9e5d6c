/**
 * Presence in Chromium: a bot's game and a person's custom status show under their names in the member list,
 * and a person whose device vanishes goes offline there after the grace period; a newcomer's join notice reads as
 * a welcome line. Screenshots light and dark.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { addBot, GatewayTester, join, newBot, newGuild, newUser, type TestGuild, type TestUser } from '@concord/server/testing';
import { ensureWebBuild, launchBrowser, newPerson, openAs, screenshotPath, startServer, type Person, type ServerProcess } from './harness.js';

describe('presence in the member list', () => {
  let server: ServerProcess;
  let browser: Browser;
  let alice: Person;
  let a: TestUser;
  let b: TestUser;
  let guild: TestGuild;
  const sockets: GatewayTester[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer();
    browser = await launchBrowser();
    a = await newUser(server.url, 'alice');
    b = await newUser(server.url, 'bob');
    guild = await newGuild(a.api, 'Game Night', { joinNotices: true });
    await join(a.api, b.api, guild.generalId);
    const bot = await newBot(a.api, 'Chessbot');
    await addBot(a.api, guild.id, bot);
    const gateway = `${server.url.replace(/^http/, 'ws')}/gateway`;
    sockets.push(await GatewayTester.identify(gateway, bot.token, 1, { presence: { status: 'online', since: null, afk: false, activities: [{ name: 'Chess', type: 0 }] } }));
    alice = await newPerson(browser, server.url);
    await openAs(alice, a, `/channels/${guild.id}/${guild.generalId}`);
    // Bob connects (a raw session, so the test can make his device vanish) with a custom status.
    const custom = { name: 'Custom Status', type: 4, state: 'Out for lunch', emoji: { name: '🍜' } };
    sockets.push(await GatewayTester.identify(gateway, b.token, 1, { presence: { status: 'idle', since: null, afk: true, activities: [custom] } }));
  }, 240_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await browser?.close();
    await server?.dispose();
  });

  it('shows a game and a custom status under the names, then a vanished device as offline', async () => {
    const list = alice.page.getByTestId('member-list');
    await list.locator('.member', { hasText: 'Chessbot' }).getByTestId('member-activity').filter({ hasText: 'Playing Chess' }).waitFor();
    const bob = list.locator('.member', { hasText: b.username });
    await bob.getByTestId('member-activity').filter({ hasText: '🍜 Out for lunch' }).waitFor();
    await bob.locator('[data-status=idle]').or(list.locator(`.member.status-idle`, { hasText: b.username })).first().waitFor();
    for (const theme of ['light', 'dark']) {
      await alice.page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
      await alice.page.screenshot({ path: screenshotPath(`presence-members-1280-${theme}.png`) });
    }
    sockets[1]!.terminate();
    await alice.page.getByTestId('member-list-offline').locator('.member', { hasText: b.username }).waitFor({ timeout: 20_000 });
  });

  it('a newcomer joining shows as a welcome line in the system channel, live', async () => {
    const carol = await newUser(server.url, 'carol');
    await join(a.api, carol.api, guild.generalId);
    const line = alice.page.locator('[data-testid=message][data-type="7"]', { hasText: carol.username });
    await line.waitFor();
    // Earlier joins (bob, the bot) are in the history too.
    await alice.page.locator('[data-testid=message][data-type="7"]', { hasText: b.username }).waitFor();
    await alice.page.screenshot({ path: screenshotPath('join-notice-1280-dark.png') });
    await alice.page.setViewportSize({ width: 390, height: 844 });
    await alice.page.reload();
    await alice.page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await line.waitFor();
    await alice.page.screenshot({ path: screenshotPath('join-notice-390-light.png') });
  });

  it('a person picks Do Not Disturb and a custom status in the user panel; others see both, and it survives a reload', async () => {
    const d = await newUser(server.url, 'dave');
    await join(a.api, d.api, guild.generalId);
    const dave = await newPerson(browser, server.url);
    await openAs(dave, d, `/channels/${guild.id}/${guild.generalId}`);
    const row = alice.page.getByTestId('member-list').locator('.member', { hasText: d.username });
    await row.locator('[data-status=online]').or(alice.page.getByTestId('member-list').locator('.member.status-online', { hasText: d.username })).first().waitFor();

    await dave.page.getByRole('button', { name: /Set status/ }).click();
    await dave.page.getByRole('menuitemradio', { name: /Do Not Disturb/ }).click();
    await dave.page.getByRole('button', { name: /Set status/ }).click();
    await dave.page.getByRole('menuitem', { name: 'Set a custom status' }).click();
    await dave.page.getByLabel("What's happening?").fill('Deep in a code review');
    await dave.page.getByLabel('Clear after').selectOption({ label: '1 hour' });
    await dave.page.getByRole('button', { name: 'Save' }).click();
    await dave.page.getByTestId('my-custom-status').filter({ hasText: 'Deep in a code review' }).waitFor();
    expect(await dave.page.getByTestId('my-status').getAttribute('data-status')).toBe('dnd');

    await alice.page.getByTestId('member-list').locator('.member.status-dnd', { hasText: d.username }).waitFor();
    await row.getByTestId('member-activity').filter({ hasText: 'Deep in a code review' }).waitFor();
    await dave.page.getByRole('button', { name: /Set status/ }).click();
    await dave.page.screenshot({ path: screenshotPath('presence-status-menu-1280-light.png') });
    await dave.page.keyboard.press('Escape');

    // The choice is the browser's: a reload identifies with it again.
    await dave.page.reload();
    await dave.page.locator('textarea[name=message]').waitFor();
    expect(await dave.page.getByTestId('my-status').getAttribute('data-status')).toBe('dnd');
    await alice.page.getByTestId('member-list').locator('.member.status-dnd', { hasText: d.username }).waitFor();
    await dave.context.close();
  });
});
