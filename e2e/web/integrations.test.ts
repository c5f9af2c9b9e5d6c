/**
 * Server settings > Integrations in Chromium: the owner makes a webhook, copies its URL (which posts a message
 * shown with the BOT tag), renames it, gives it an avatar, moves it, and deletes it.
 * Screenshots at 1280 and 390 px, light and dark, go to e2e/artifacts/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newGuild, newUser, testPng, type TestGuild, type TestUser } from '@concord/server/testing';
import { ensureWebBuild, launchBrowser, messageRow, newPerson, openAs, screenshotPath, startServer, type Person, type ServerProcess } from './harness.js';

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
  await page.evaluate(() => delete document.documentElement.dataset.theme);
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('integrations in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let owner: Person;
  let a: TestUser;
  let guild: TestGuild;

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer();
    browser = await launchBrowser();
    a = await newUser(server.url, 'hookmaster');
    guild = await newGuild(a.api, 'Hooked');
    await a.api.ok.post(`/guilds/${guild.id}/channels`, { name: 'builds', type: 0 });
    owner = await newPerson(browser, server.url);
    await owner.context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => undefined);
    await openAs(owner, a, `/channels/${guild.id}/${guild.generalId}`);
  }, 240_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await owner?.page.screenshot({ path: screenshotPath('failed-integrations.png') }).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('a webhook is made, its URL posts, and it is renamed, pictured, moved and deleted', async () => {
    const page = owner.page;
    await page.getByRole('button', { name: 'Server settings' }).click();
    await page.getByRole('button', { name: 'Integrations' }).click();
    await page.getByText('No webhooks yet.').waitFor();
    await page.getByRole('button', { name: 'New Webhook' }).click();
    const editor = page.getByRole('form', { name: 'Edit Captain Hook' });
    await editor.waitFor();
    const url = await editor.locator('input[name=webhook-url]').inputValue();
    expect(url).toMatch(/\/api\/webhooks\/\d+\/[\w-]{68}$/);
    await editor.getByRole('button', { name: 'Copy Webhook URL' }).click();
    await editor.getByRole('button', { name: 'Copied!' }).waitFor();
    await shoot(page, 'integrations-webhook');

    // The URL is all a service needs.
    const posted = await fetch(`${url}?wait=true`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'Deploy finished' }) });
    expect(posted.status).toBe(200);

    await editor.locator('input[name=webhook-name]').fill('Deployer');
    await editor.locator('input[type=file]').setInputFiles({ name: 'face.png', mimeType: 'image/png', buffer: testPng(64, 64) });
    await editor.getByText('Image chosen').waitFor();
    const builds = await editor.locator('select[name=webhook-channel] option', { hasText: 'builds' }).getAttribute('value');
    await editor.locator('select[name=webhook-channel]').selectOption(builds!);
    await editor.getByRole('button', { name: 'Save Changes' }).click();
    const head = page.locator('.webhook-head', { hasText: 'Deployer' });
    await head.getByText('#builds').waitFor();
    await head.locator('img.avatar').waitFor();
    const [hook] = await a.api.ok.get<{ name: string; channel_id: string; avatar: string | null }[]>(`/guilds/${guild.id}/webhooks`);
    expect(hook).toMatchObject({ name: 'Deployer', channel_id: builds, avatar: expect.stringMatching(/^[0-9a-f]{32}$/) });
    await shoot(page, 'integrations-edited');

    await page.getByRole('form', { name: 'Edit Deployer' }).getByRole('button', { name: 'Delete Webhook' }).click();
    await page.getByText('No webhooks yet.').waitFor();
    expect(await a.api.ok.get(`/guilds/${guild.id}/webhooks`)).toEqual([]);

    // Its message stays, marked as a bot's.
    await page.getByRole('button', { name: 'Close settings' }).click();
    const row = messageRow(page, 'Deploy finished');
    await row.waitFor();
    await expect(row.locator('.badge').textContent()).resolves.toBe('BOT');
    expect(owner.errors).toEqual([]);
  });
});
