/**
 * Server settings in Chromium: the owner makes a Moderator role that can kick, gives it to Bob, and Bob kicks Carol
 * from the member list's context menu; Carol's client loses the server at once. Screenshots of the settings views
 * (1280 px and 390 px, light and dark) go to e2e/artifacts/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuild, launchBrowser, newPerson, screenshotPath, startServer, type Person, type ServerProcess } from './harness.js';

const PASSWORD = 'correct horse battery';

async function register(page: Page, name: string) {
  await page.fill('input[name=email]', `${name}@example.test`);
  await page.fill('input[name=username]', name);
  await page.fill('input[name=password]', PASSWORD);
  await page.getByRole('button', { name: 'Register' }).click();
}

async function joinThrough(page: Page, inviteUrl: string, name: string) {
  await page.goto(inviteUrl);
  await page.getByRole('button', { name: 'Register to join' }).click();
  await register(page, name);
  await page.getByRole('button', { name: 'Accept invite' }).click();
  await page.locator('.channel-header', { hasText: 'general' }).waitFor();
}

async function shoot(page: Page, name: string) {
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      await page.screenshot({ path: screenshotPath(`${name}-${width}-${theme}.png`) });
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('server settings in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  const tag = String(process.pid % 100000);
  const names = { alice: `alice${tag}`, bob: `bob${tag}`, carol: `carol${tag}` };

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer();
    browser = await launchBrowser();
    alice = await newPerson(browser, server.url);
    bob = await newPerson(browser, server.url);
    carol = await newPerson(browser, server.url);
  }, 240_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    for (const [who, person] of [['alice', alice], ['bob', bob], ['carol', carol]] as const) {
      await person?.page.screenshot({ path: screenshotPath(`failed-moderation-${who}.png`) }).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('the owner makes a Moderator role and gives it to Bob, who kicks Carol', async () => {
    const a = alice.page;
    await a.goto('/register');
    await register(a, names.alice);
    await a.getByRole('button', { name: 'Create a server' }).click();
    await a.fill('input[name=guild-name]', 'Moderated');
    await a.getByRole('button', { name: 'Create', exact: true }).click();
    await a.locator('.channel-header', { hasText: 'general' }).waitFor();
    await a.getByRole('button', { name: 'Invite people' }).click();
    await a.waitForFunction(() => (document.querySelector('input[name=invite-link]') as HTMLInputElement | null)?.value.includes('/invite/'));
    const inviteUrl = await a.locator('input[name=invite-link]').inputValue();
    await a.getByRole('button', { name: 'Done' }).click();
    await joinThrough(bob.page, inviteUrl, names.bob);
    await joinThrough(carol.page, inviteUrl, names.carol);
    await a.getByTestId('member-list').getByText(names.carol).waitFor();

    // Bob has no moderation powers yet: his context menu on Carol offers what anyone may (her profile, a DM), no roles
    // and no moderation.
    const b = bob.page;
    await b.locator('.members .member', { hasText: names.carol }).click({ button: 'right' });
    await b.getByRole('menu').getByRole('menuitem', { name: 'Profile' }).waitFor();
    expect(await b.getByRole('menu').getByRole('button', { name: new RegExp(`(Kick|Ban|Timeout) ${names.carol}`) }).count()).toBe(0);
    expect(await b.getByRole('menu').getByText('Roles', { exact: true }).count()).toBe(0);
    await b.keyboard.press('Escape');

    await a.getByRole('button', { name: 'Server settings' }).click();
    await a.getByRole('button', { name: 'Roles', exact: true }).click();
    await a.getByRole('button', { name: 'Create Role' }).click();
    const editor = a.getByLabel('Edit role new role');
    await editor.waitFor();
    await a.fill('input[name=role-name]', 'Moderator');
    await a.fill('input[name=role-color]', '#e67e22');
    await a.getByRole('button', { name: 'Save' }).click();
    await a.getByRole('list', { name: 'Roles' }).getByText('Moderator').waitFor();
    await a.getByRole('switch', { name: 'Kick Members' }).click();
    await a.locator('[role=switch][aria-label="Kick Members"][aria-checked=true]').waitFor();
    await shoot(a, 'settings-roles');

    await a.getByRole('button', { name: 'Members', exact: true }).click();
    await a.getByLabel(`Add a role to ${names.bob}`).selectOption({ label: 'Moderator' });
    await a.locator('.settings-member', { hasText: names.bob }).locator('.role-pill', { hasText: 'Moderator' }).waitFor();
    await shoot(a, 'settings-members');
    await a.getByRole('button', { name: 'Close settings' }).click();

    // Bob's client learns of the role live; his name takes its colour, and the menu now has Kick.
    await b.locator('.members .member-name[style*="rgb(230, 126, 34)"]', { hasText: names.bob }).waitFor();
    b.on('dialog', (d) => void d.accept());
    await b.locator('.members .member', { hasText: names.carol }).click({ button: 'right' });
    await b.getByRole('menu').getByRole('button', { name: `Kick ${names.carol}` }).waitFor();
    await b.screenshot({ path: screenshotPath('member-menu.png') });
    await b.getByRole('menu').getByRole('button', { name: `Kick ${names.carol}` }).click();
    // The confirmation asks for a reason, which the audit log keeps.
    const confirm = b.getByRole('dialog', { name: `Kick ${names.carol} from the server` });
    await confirm.getByLabel('Reason').fill('spamming');
    await b.screenshot({ path: screenshotPath('kick-dialog.png') });
    await confirm.getByRole('button', { name: 'Kick', exact: true }).click();

    await a.locator('.members .member', { hasText: names.carol }).waitFor({ state: 'detached' });
    await carol.page.locator('.channel-header', { hasText: 'general' }).waitFor({ state: 'detached' });
  }, 120_000);
});
