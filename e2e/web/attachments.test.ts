/**
 * Files in Chromium with two people: Alice drops an image on the channel and attaches a file with the button
 * (each with its own progress, one removed before sending), Bob sees the image inline at its reserved size,
 * opens it in the lightbox, and gets the other file as a card. Screenshots at 1280 and 390 px, light and dark.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { join, newGuild, newUser, testPng, type TestGuild, type TestUser } from '@concord/server/testing';
import { ensureWebBuild, launchBrowser, messageRow, newPerson, screenshotPath, startServer, type Person, type ServerProcess, openAs } from './harness.js';

describe('attachments in Chromium', () => {
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
    guild = await newGuild(a.api, 'Photo Club');
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
      await person?.page.screenshot({ path: screenshotPath(`failed-attachments-${who}.png`) }).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('a dropped image and a chosen file upload with progress; the other person sees the image inline and the file as a card', async () => {
    const p = alice.page;
    const png = testPng(640, 360, [240, 120, 40]);
    // Drag and drop, as the browser delivers it: dragenter shows the overlay, drop hands over the files.
    await p.evaluate((bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'sunset.png', { type: 'image/png' }));
      const main = document.querySelector('main.channel-view')!;
      main.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
      main.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      main.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, [...png]);
    await p.getByTestId('file-input').setInputFiles([
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('meeting at noon\n') },
      { name: 'oops.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(2048, 1) },
    ]);
    const tray = p.getByTestId('upload-tray');
    await expect(tray.getByTestId('upload').count()).resolves.toBe(3);
    // Alt text, sent as the attachment's description.
    await p.getByLabel('Description of sunset.png').fill('a sunset over the sea');
    await tray.locator('progress').first().waitFor({ state: 'attached' });
    await p.getByRole('button', { name: 'Remove oops.bin' }).click();
    await tray.locator('[data-testid=upload][data-status=done]').nth(1).waitFor();
    await expect(tray.getByTestId('upload').count()).resolves.toBe(2);
    await p.screenshot({ path: screenshotPath('attachments-1280-tray-light.png') });

    await p.locator('textarea[name=message]').fill('the view from here');
    await p.locator('textarea[name=message]').press('Enter');
    await tray.waitFor({ state: 'detached' });

    const msg = bob.page.locator('[data-testid=message]', { hasText: 'the view from here' });
    const img = msg.getByTestId('attachment-image');
    await img.waitFor();
    await expect(img.getAttribute('alt')).resolves.toBe('a sunset over the sea');
    // Its ThumbHash fills the box while it loads.
    await expect(msg.locator('.attachment-image[data-placeholder]').evaluate((el) => getComputedStyle(el).backgroundImage)).resolves.toMatch(/^url\("data:image\/png;base64,/);
    // The box is reserved before the bytes arrive: 640x360 fitted in 400x300.
    await expect(img.getAttribute('width')).resolves.toBe('400');
    await expect(img.getAttribute('height')).resolves.toBe('225');
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), { timeout: 10_000 }).toBe(true);
    const card = msg.getByTestId('attachment-file');
    await expect(card.textContent()).resolves.toContain('notes.txt');
    await expect(card.locator('a[download]').first().getAttribute('href')).resolves.toMatch(/^\/attachments\//);

    await bob.page.screenshot({ path: screenshotPath('attachments-1280-light.png') });
    await img.click();
    const box = bob.page.getByTestId('lightbox');
    await box.waitFor();
    await expect.poll(() => box.locator('img').evaluate((el: HTMLImageElement) => el.naturalWidth), { timeout: 10_000 }).toBe(640);
    await bob.page.screenshot({ path: screenshotPath('attachments-1280-lightbox.png') });
    await bob.page.keyboard.press('Escape');
    await box.waitFor({ state: 'detached' });

    await bob.page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await bob.page.screenshot({ path: screenshotPath('attachments-1280-dark.png') });
    await bob.page.setViewportSize({ width: 390, height: 844 });
    await img.scrollIntoViewIfNeeded();
    // On a phone the image shrinks to the width, keeping its ratio.
    const shown = await img.boundingBox();
    expect(shown!.width).toBeLessThanOrEqual(390);
    expect(Math.abs(shown!.width / shown!.height - 640 / 360)).toBeLessThan(0.05);
    await bob.page.screenshot({ path: screenshotPath('attachments-390-dark.png') });
    await bob.page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await bob.page.screenshot({ path: screenshotPath('attachments-390-light.png') });
    expect(alice.errors.filter((e) => !e.includes('favicon'))).toEqual([]);
    expect(bob.errors.filter((e) => !e.includes('favicon'))).toEqual([]);
  });

  it('an avatar chosen in the profile dialog (cropped preview) shows in the other person\'s member list and messages', async () => {
    const p = alice.page;
    await p.getByRole('button', { name: 'Change avatar' }).click();
    await p.getByTestId('avatar-input').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: testPng(300, 200, [30, 160, 90]) });
    await p.getByTestId('avatar-preview').locator('img').waitFor();
    await p.screenshot({ path: screenshotPath('attachments-1280-avatar-dialog.png') });
    await p.getByRole('button', { name: 'Save avatar' }).click();
    await p.getByTestId('avatar-preview').waitFor({ state: 'detached' });
    const inList = bob.page.locator('aside.members').getByTestId('avatar-image').first();
    await inList.waitFor();
    await expect.poll(() => inList.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 10_000 }).toBe(64);
    await expect(inList.getAttribute('src')).resolves.toMatch(new RegExp(`^/avatars/${a.id}/[0-9a-f]{32}\\.webp\\?size=64$`));
    await bob.page.screenshot({ path: screenshotPath('attachments-390-avatar.png') });
    await bob.page.setViewportSize({ width: 1280, height: 800 });
    await bob.page.screenshot({ path: screenshotPath('attachments-1280-avatar.png') });
  });

  it('a message with a file sent while offline waits in the outbox (IndexedDB), survives a reload and is sent once on return', async () => {
    const url = `/channels/${guild.id}/${guild.generalId}`;
    // Offline: the server is gone, so the file's upload fails at once.
    await server.stop();
    const p = alice.page;
    await p.getByTestId('file-input').setInputFiles([{ name: 'offline.png', mimeType: 'image/png', buffer: testPng(120, 80, [20, 90, 200]) }]);
    await p.locator('[data-testid=upload][data-status=failed]').waitFor();
    await p.locator('textarea[name=message]').fill('written on the train');
    await p.locator('textarea[name=message]').press('Enter');
    const echo = messageRow(p, 'written on the train');
    await echo.getByTestId('pending-files').getByText('offline.png').waitFor();
    await p.screenshot({ path: screenshotPath('attachments-1280-outbox-offline.png') });
    // The entry and the file's bytes are in IndexedDB before the page goes.
    const stored = () =>
      alice.page.evaluate(
        () =>
          new Promise<{ content: string; files: { name: string; size: number }[] }[]>((resolve, reject) => {
            const open = indexedDB.open('concord');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const all = open.result.transaction('outbox').objectStore('outbox').getAll();
              all.onsuccess = () => resolve((all.result as { content: string; files?: { name: string; blob: Blob }[] }[]).map((e) => ({ content: e.content, files: (e.files ?? []).map((f) => ({ name: f.name, size: f.blob.size })) })));
            };
          }),
      );
    await expect.poll(stored, { timeout: 10_000 }).toContainEqual({ content: 'written on the train', files: [{ name: 'offline.png', size: testPng(120, 80, [20, 90, 200]).length }] });

    // The reload: this page goes while still offline; a new one opens once the server is back.
    await p.close();
    await server.restart();
    alice.page = await alice.context.newPage();
    await alice.page.goto(url);
    await alice.page.locator('textarea[name=message]').waitFor();

    const got = messageRow(bob.page, 'written on the train');
    const img = got.getByTestId('attachment-image');
    await img.waitFor({ timeout: 30_000 });
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 10_000 }).toBe(120);
    await messageRow(alice.page, 'written on the train').getByTestId('attachment-image').waitFor();
    await expect(messageRow(alice.page, 'written on the train').getByTestId('pending-files').count()).resolves.toBe(0);
    await expect.poll(stored, { timeout: 10_000 }).toEqual([]);
    // Stored once, with its one file.
    const history = await a.api.ok.get<{ content: string; attachments: unknown[] }[]>(`/channels/${guild.generalId}/messages?limit=20`);
    const sent = history.filter((m) => m.content === 'written on the train');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.attachments).toHaveLength(1);
    await alice.page.screenshot({ path: screenshotPath('attachments-1280-outbox-sent.png') });
  });

  it('a server icon chosen in server settings (cropped preview) shows in the other person\'s server rail', async () => {
    const p = alice.page;
    await p.getByRole('button', { name: 'Server settings' }).click();
    await p.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Overview' }).click();
    await p.getByTestId('guild-icon-input').setInputFiles({ name: 'club.png', mimeType: 'image/png', buffer: testPng(400, 300, [200, 40, 160]) });
    await p.getByTestId('guild-icon-preview').getByRole('img', { name: 'New server icon' }).waitFor();
    await p.screenshot({ path: screenshotPath('attachments-1280-guild-icon-settings.png') });
    await p.getByRole('button', { name: 'Save icon' }).click();
    await p.getByTestId('guild-icon-preview').getByRole('img', { name: 'Server icon' }).waitFor();
    await p.getByRole('button', { name: 'Close settings' }).click();
    const rail = bob.page.getByRole('button', { name: 'Photo Club' }).locator('img');
    await rail.waitFor();
    await expect(rail.getAttribute('src')).resolves.toMatch(new RegExp(`^/icons/${guild.id}/[0-9a-f]{32}\\.webp\\?size=96$`));
    await expect.poll(() => rail.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 10_000 }).toBe(96);
    await bob.page.screenshot({ path: screenshotPath('attachments-1280-guild-icon.png') });
  });
});
