/**
 * Custom emoji in Chromium: Alice uploads one in Server settings > Emoji and renames it; Bob finds it in the
 * picker, sends it (rendered as the image, large when alone) and reacts with it; Alice deletes it and it leaves
 * Bob's picker live. Screenshots at 1280 and 390 px, light and dark.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { join, newGuild, newUser, testPng, type TestGuild, type TestUser } from '@concord/server/testing';
import { ensureWebBuild, launchBrowser, messageRow, newPerson, openAs, screenshotPath, startServer, type Person, type ServerProcess } from './harness.js';

async function shoot(p: Page, name: string) {
  for (const theme of ['light', 'dark'] as const) {
    await p.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    for (const width of [1280, 390]) {
      await p.setViewportSize({ width, height: width === 390 ? 844 : 800 });
      await p.screenshot({ path: screenshotPath(`emoji-${name}-${width}-${theme}.png`) });
    }
  }
  await p.evaluate(() => (document.documentElement.dataset.theme = 'light'));
  await p.setViewportSize({ width: 1280, height: 800 });
}

describe('custom emoji in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let a: TestUser;
  let b: TestUser;
  let guild: TestGuild;

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer();
    browser = await launchBrowser();
    a = await newUser(server.url, 'alice');
    b = await newUser(server.url, 'bob');
    guild = await newGuild(a.api, 'Emoji Club');
    await join(a.api, b.api, guild.generalId);
    const url = `/channels/${guild.id}/${guild.generalId}`;
    alice = await newPerson(browser, server.url);
    bob = await newPerson(browser, server.url);
    await openAs(alice, a, url);
    await openAs(bob, b, url);
  }, 240_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    for (const [who, person] of [['alice', alice], ['bob', bob]] as const) {
      await person?.page.screenshot({ path: screenshotPath(`failed-emoji-${who}.png`) }).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('uploaded in settings, picked, sent, reacted with and deleted', async () => {
    const p = alice.page;
    const openEmojiSettings = async () => {
      await p.getByRole('button', { name: 'Server settings' }).click();
      await p.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Emoji' }).click();
    };
    await openEmojiSettings();
    await p.getByTestId('emoji-upload').setInputFiles([{ name: 'party parrot.png', mimeType: 'image/png', buffer: testPng(64, 64, [230, 60, 120]) }]);
    // Named from the file, as Discord does; then renamed in place.
    const row = p.locator('[data-testid=emoji-row][data-name=party_parrot]');
    await row.waitFor();
    await expect(row.locator('.emoji-row-user').textContent()).resolves.toBe(a.username);
    const name = row.getByRole('textbox');
    await name.fill('parrot');
    await name.press('Enter');
    await p.locator('[data-testid=emoji-row][data-name=parrot]').waitFor();
    await shoot(p, 'settings');
    await p.getByRole('button', { name: 'Close settings' }).click();

    // Bob's picker has it live (GUILD_EMOJIS_UPDATE), under the server's name.
    const q = bob.page;
    await q.getByRole('button', { name: 'Insert emoji' }).click();
    const picker = q.getByTestId('emoji-picker');
    await picker.getByRole('option', { name: ':parrot:' }).waitFor();
    await picker.getByRole('searchbox').fill('parr');
    const loaded = () => picker.locator('img').first().evaluate((img: HTMLImageElement) => img.complete || new Promise((r) => (img.onload = r)));
    await loaded();
    for (const theme of ['light', 'dark'] as const) {
      await q.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
      await q.screenshot({ path: screenshotPath(`emoji-picker-1280-${theme}.png`) });
    }
    // On a phone the picker opens over the composer of the channel one is in.
    await q.setViewportSize({ width: 390, height: 844 });
    await q.getByRole('link', { name: 'general', exact: true }).click().catch(() => undefined);
    if (!(await picker.isVisible())) {
      await q.getByRole('button', { name: 'Insert emoji' }).click();
      await picker.getByRole('searchbox').fill('parr');
    }
    await loaded();
    await q.screenshot({ path: screenshotPath('emoji-picker-390-dark.png') });
    await q.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await q.screenshot({ path: screenshotPath('emoji-picker-390-light.png') });
    await q.setViewportSize({ width: 1280, height: 800 });
    await picker.getByRole('searchbox').press('Enter');
    const box = q.locator('textarea[name=message]');
    await expect(box.inputValue()).resolves.toMatch(/^<:parrot:\d+>$/);
    await box.press('Enter');

    // Alice sees the image, large since the message is nothing else.
    const sent = alice.page.locator('[data-testid=message]', { has: alice.page.locator('img[alt=":parrot:"]') }).last();
    const img = sent.getByTestId('custom-emoji');
    await img.waitFor();
    await expect(img.evaluate((el) => (el as HTMLImageElement).naturalWidth > 0 && el.getBoundingClientRect().width)).resolves.toBe(48);
    // Among words it is text-sized.
    await box.fill('hi ');
    await q.getByRole('button', { name: 'Insert emoji' }).click();
    await q.getByTestId('emoji-picker').getByRole('option', { name: ':parrot:' }).click();
    await box.fill(`${await box.inputValue()} there`);
    await box.press('Enter');
    const inline = messageRow(alice.page, 'there').getByTestId('custom-emoji');
    await inline.waitFor();
    expect(await inline.evaluate((el) => el.getBoundingClientRect().width)).toBeLessThan(30);

    // Alice reacts with it from the message's picker; Bob sees the reaction with the image.
    const target = messageRow(alice.page, 'there');
    await target.hover();
    await target.getByRole('button', { name: 'Add reaction' }).click();
    await target.getByTestId('emoji-picker').getByRole('option', { name: ':parrot:' }).click();
    const reaction = messageRow(q, 'there').locator('[data-testid=reaction][data-emoji=":parrot:"]');
    await reaction.waitFor();
    await expect(reaction.locator('img').getAttribute('src')).resolves.toMatch(/^\/emojis\/\d+\.webp\?size=32$/);
    await reaction.click();
    await messageRow(alice.page, 'there').locator('[data-testid=reaction][data-emoji=":parrot:"]', { hasText: '2' }).waitFor();
    await shoot(q, 'message');

    // Deleted: it leaves Bob's picker at once.
    await openEmojiSettings();
    await p.getByRole('button', { name: 'Delete :parrot:' }).click();
    await p.locator('[data-testid=emoji-row]').waitFor({ state: 'detached' });
    await p.getByRole('button', { name: 'Close settings' }).click();
    await q.getByRole('button', { name: 'Insert emoji' }).click();
    await q.getByTestId('emoji-picker').getByRole('option').first().waitFor();
    await expect(q.getByTestId('guild-emoji').count()).resolves.toBe(0);
    expect(alice.errors.filter((e) => !e.includes('favicon'))).toEqual([]);
    expect(bob.errors.filter((e) => !e.includes('favicon'))).toEqual([]);
  });
});
