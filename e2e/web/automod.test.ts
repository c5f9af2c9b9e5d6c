/**
 * AutoMod in Chromium: the owner makes a keyword rule in Server settings > AutoMod; a member's message with the
 * keyword is refused with a visible error and never reaches the channel; the audit log shows the rule and the block.
 * Screenshots of the AutoMod and Audit Log views (1280 px and 390 px, light and dark) go to e2e/artifacts/.
 */
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuild, launchBrowser, newPerson, screenshotPath, startServer, type Person, type ServerProcess } from './harness.js';

const PASSWORD = 'correct horse battery';

async function register(page: Page, name: string) {
  await page.fill('input[name=email]', `${name}@example.test`);
  await page.fill('input[name=username]', name);
  await page.fill('input[name=password]', PASSWORD);
  await page.getByRole('button', { name: 'Register' }).click();
}

async function shoot(page: Page, name: string) {
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      // The phone layout's drawers slide (0.2 s) when the width changes: shoot once they have settled.
      await page.waitForTimeout(300);
      await page.screenshot({ path: screenshotPath(`${name}-${width}-${theme}.png`) });
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('AutoMod in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let owner: Person;
  let member: Person;
  const tag = String(process.pid % 100000);
  const names = { owner: `owner${tag}`, member: `member${tag}` };

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer();
    browser = await launchBrowser();
    owner = await newPerson(browser, server.url);
    member = await newPerson(browser, server.url);
  }, 240_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    for (const [who, person] of [['owner', owner], ['member', member]] as const) {
      await person?.page.screenshot({ path: screenshotPath(`failed-automod-${who}.png`) }).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it("an owner's keyword rule refuses a member's message, visibly", async () => {
    const a = owner.page;
    await a.goto('/register');
    await register(a, names.owner);
    await a.getByRole('button', { name: 'Create a server' }).click();
    await a.fill('input[name=guild-name]', 'Guarded');
    await a.getByRole('button', { name: 'Create', exact: true }).click();
    await a.locator('.channel-header', { hasText: 'general' }).waitFor();
    await a.getByRole('button', { name: 'Invite people' }).click();
    await a.waitForFunction(() => (document.querySelector('input[name=invite-link]') as HTMLInputElement | null)?.value.includes('/invite/'));
    const inviteUrl = await a.locator('input[name=invite-link]').inputValue();
    await a.getByRole('button', { name: 'Done' }).click();

    const b = member.page;
    await b.goto(inviteUrl);
    await b.getByRole('button', { name: 'Register to join' }).click();
    await register(b, names.member);
    await b.getByRole('button', { name: 'Accept invite' }).click();
    await b.locator('.channel-header', { hasText: 'general' }).waitFor();

    await a.getByRole('button', { name: 'Server settings' }).click();
    await a.getByRole('button', { name: 'AutoMod', exact: true }).click();
    await a.getByRole('button', { name: 'Create keyword rule' }).click();
    const form = a.getByRole('form', { name: 'New keyword rule' });
    await form.locator('input[name=rule-name]').fill('No pineapple');
    await form.locator('textarea[name=keywords]').fill('pineapple*, anchovies');
    await form.getByLabel('Message shown to the author').fill('Pizza opinions are not welcome here.');
    await form.getByLabel('Send an alert to a channel').check();
    await form.getByRole('button', { name: 'Save rule' }).click();
    await a.getByRole('list', { name: 'AutoMod rules' }).getByText('No pineapple').waitFor();
    await shoot(a, 'settings-automod');

    const box = b.locator('textarea[name=message]');
    await box.fill('I love Pineapples on pizza');
    await box.press('Enter');
    await b.getByRole('alert').filter({ hasText: 'AutoMod blocked this message: Pizza opinions are not welcome here' }).first().waitFor();
    await b.screenshot({ path: screenshotPath('automod-blocked.png') });
    // A harmless message still goes through.
    await box.fill('plain margherita');
    await box.press('Enter');
    await a.getByRole('button', { name: 'Close settings' }).click();
    await a.locator('.message', { hasText: 'plain margherita' }).first().waitFor();
    // The alert reached #general (the first text channel) for the owner, as AutoMod's own notice, not as the message.
    await a.locator('.automod-alert', { hasText: 'I love Pineapples on pizza' }).waitFor();
    await a.locator('.automod-alert', { hasText: 'No pineapple' }).waitFor();
    await a.screenshot({ path: screenshotPath('automod-alert.png') });

    await a.getByRole('button', { name: 'Server settings' }).click();
    await a.getByRole('button', { name: 'Audit Log', exact: true }).click();
    const log = a.getByRole('list', { name: 'Audit log entries' });
    await log.getByText('created an AutoMod rule').waitFor();
    await log.getByText('had a message blocked by AutoMod').waitFor();
    await a.getByLabel('Filter by action').selectOption({ label: 'Created an AutoMod rule' });
    await log.getByText('had a message blocked by AutoMod').waitFor({ state: 'detached' });
    await a.getByLabel('Filter by action').selectOption({ label: 'All actions' });
    await log.getByText('had a message blocked by AutoMod').waitFor();
    await shoot(a, 'settings-audit-log');
  }, 120_000);
});
