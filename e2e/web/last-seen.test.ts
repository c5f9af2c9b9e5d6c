/**
 * Last seen in Chromium: a DM header says "Online" while the other person is, "Last seen today at HH:MM" once they
 * leave (live, and again after a reload, from the user fetch), the user popout says it too, and the header says
 * nothing once this person turns "Show my last seen" off in Privacy & Safety (who hides theirs sees no one's).
 * Screenshots at 1280 and 390 px, light and dark.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { GatewayTester, join, newGuild, newUser, type TestUser } from '@concord/server/testing';
import { ensureWebBuild, launchBrowser, messageRow, newPerson, openAs, screenshotPath, startServer, type Person, type ServerProcess } from './harness.js';

describe('last seen in a DM', () => {
  let server: ServerProcess;
  let browser: Browser;
  let alice: Person;
  let a: TestUser;
  let b: TestUser;
  let dmPath: string;
  let dmId: string;
  let gateway: string;

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer({ PRESENCE_GRACE_MS: '200' });
    browser = await launchBrowser();
    a = await newUser(server.url, 'alice');
    b = await newUser(server.url, 'bob');
    const guild = await newGuild(a.api, 'Book Club');
    await join(a.api, b.api, guild.generalId);
    const dm = await a.api.ok.post<{ id: string }>('/users/@me/channels', { recipient_id: b.id });
    dmId = dm.id;
    dmPath = `/channels/@me/${dm.id}`;
    gateway = `${server.url.replace(/^http/, 'ws')}/gateway`;
    alice = await newPerson(browser, server.url);
    await openAs(alice, a, dmPath);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  const header = (page: Page) => page.locator('header.channel-header');
  const line = (page: Page) => header(page).getByTestId('dm-presence');

  it('shows Online, then when bob was last seen, live and after a reload', async () => {
    const page = alice.page;
    const bob = await GatewayTester.identify(gateway, b.token);
    await line(page).filter({ hasText: /^Online$/ }).waitFor();
    bob.close(1000);
    await line(page).filter({ hasText: /^Last seen today at \d\d:\d\d$/ }).waitFor();
    // Each width is a fresh load, which also shows the time fetched with the user rather than the live update.
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      await page.reload();
      await line(page).filter({ hasText: /^Last seen today at \d\d:\d\d$/ }).waitFor();
      for (const theme of ['light', 'dark']) {
        await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
        await page.screenshot({ path: screenshotPath(`last-seen-dm-${width}-${theme}.png`) });
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('the user popout shows it under the offline status', async () => {
    const page = alice.page;
    // Sent over REST: bob stays offline.
    await b.api.ok.post(`/channels/${dmId}/messages`, { content: 'see you tomorrow' });
    await page.goto(dmPath);
    await messageRow(page, 'see you tomorrow').getByTestId('author').click();
    const popout = page.getByTestId('user-popout');
    await popout.getByTestId('popout-status').filter({ hasText: 'Offline' }).waitFor();
    await popout.getByTestId('popout-last-seen').filter({ hasText: /^Last seen today at \d\d:\d\d$/ }).waitFor();
    await page.screenshot({ path: screenshotPath('last-seen-popout-1280.png') });
    await page.keyboard.press('Escape');
  });

  it('"Show my last seen" off hides everyone\'s from alice; on again shows it', async () => {
    const page = alice.page;
    const setShown = async (on: boolean) => {
      await page.goto('/channels/@me');
      await page.locator('main.friends').waitFor();
      await page.getByRole('button', { name: 'Privacy & Safety' }).click();
      const box = page.getByRole('checkbox', { name: /Show my last seen/ });
      await box.and(page.locator(':enabled')).waitFor();
      expect(await box.isChecked()).toBe(!on);
      const saved = page.waitForResponse((r) => r.url().endsWith('/users/@me/x-last-seen-settings') && r.request().method() === 'PATCH');
      await box.setChecked(on);
      expect((await saved).status()).toBe(200);
      if (!on) await page.screenshot({ path: screenshotPath('last-seen-privacy-1280.png') });
      await page.getByRole('button', { name: 'Done' }).click();
      const fetched = page.waitForResponse((r) => r.url().endsWith(`/users/${b.id}`));
      await page.goto(dmPath);
      await page.locator('textarea[name=message]').waitFor();
      return fetched;
    };
    const fetched = await setShown(false);
    expect(await a.api.ok.get('/users/@me/x-last-seen-settings')).toEqual({ show_last_seen: false });
    // The header asked the server again and got nothing to show.
    expect(((await fetched.json()) as { last_seen: unknown }).last_seen).toBeNull();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await line(page).count()).toBe(0);
    await setShown(true);
    await line(page).filter({ hasText: /^Last seen today at \d\d:\d\d$/ }).waitFor();
  });
});
