/**
 * Messages as people expect them, in Chromium with two people: markdown and mentions render for the reader,
 * reactions are added and removed live on both screens, a reply shows its quote and jumps to it, Up-arrow
 * edits, a pin posts its notice and shows in the pins popout, and at 390x844 the chat keeps its width.
 * Screenshots at 1280 and 390 px, light and dark, go to e2e/artifacts/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { join, newGuild, newUser, type TestGuild, type TestUser } from '@concord/server/testing';
import { ensureWebBuild, launchBrowser, newPerson, screenshotPath, startServer, type Person, type ServerProcess, send, openAs, messageRow } from './harness.js';

const row = (page: Page, text: string) => messageRow(page, text);

describe('messages in Chromium: markdown, reactions, replies, pins, phone layout', () => {
  let server: ServerProcess;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let a: TestUser;
  let b: TestUser;
  let guild: TestGuild;
  let url = '';

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer();
    browser = await launchBrowser();
    a = await newUser(server.url, 'alice');
    b = await newUser(server.url, 'bob');
    guild = await newGuild(a.api, 'Markdown Club');
    await join(a.api, b.api, guild.generalId);
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
    await browser?.close();
    await server?.dispose();
  });

  it('formatted text and a mention render for the other person; the mentioned row is highlighted', async () => {
    await send(alice.page, `**bold** _slanted_ \`a *star*\` ~~gone~~ ||secret|| <@${b.id}> see https://example.com/docs`);
    await send(alice.page, '```js\nconst answer = 42; // **not bold**\n```\n> quoted <script>alert(1)</script>');
    const r = row(bob.page, 'slanted');
    await r.waitFor();
    const content = r.getByTestId('message-content');
    await expect(content.locator('strong').textContent()).resolves.toBe('bold');
    await expect(content.locator('em').first().textContent()).resolves.toBe('slanted');
    await expect(content.locator('code').textContent()).resolves.toBe('a *star*');
    await expect(content.locator('s').textContent()).resolves.toBe('gone');
    await expect(content.locator('.md-spoiler:not(.shown)').count()).resolves.toBe(1);
    await content.locator('.md-spoiler').click();
    await content.locator('.md-spoiler.shown').waitFor();
    await expect(content.getByTestId('mention').textContent()).resolves.toBe(`@${b.username}`);
    const link = content.locator('a.md-link');
    await expect(link.getAttribute('target')).resolves.toBe('_blank');
    await expect(link.getAttribute('rel')).resolves.toContain('noopener');
    await expect(r.getAttribute('data-mentioned')).resolves.toBe('true');
    await expect(row(alice.page, 'slanted').getAttribute('data-mentioned')).resolves.toBeNull();
    const block = row(bob.page, 'const answer');
    await block.locator('pre.md-codeblock .hl-keyword', { hasText: 'const' }).waitFor();
    await expect(block.locator('blockquote').textContent()).resolves.toBe('quoted <script>alert(1)</script>');
    await expect(bob.page.locator('.content script').count()).resolves.toBe(0);
    await bob.page.screenshot({ path: screenshotPath('messages-1280-light.png') });
  });

  it('reactions: added from the hover bar, toggled by clicking, live on both screens', async () => {
    const target = row(bob.page, 'slanted');
    await target.hover();
    await target.getByRole('button', { name: 'Add reaction' }).click();
    await bob.page.getByRole('searchbox', { name: 'Search emoji' }).fill('thumbsup');
    await bob.page.getByRole('searchbox', { name: 'Search emoji' }).press('Enter');
    const chipOnAlice = row(alice.page, 'slanted').locator('[data-testid=reaction][data-emoji="👍"]');
    const chipOnBob = target.locator('[data-testid=reaction][data-emoji="👍"]');
    await chipOnAlice.locator('.reaction-count', { hasText: '1' }).waitFor();
    await expect(chipOnBob.getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(chipOnAlice.getAttribute('aria-pressed')).resolves.toBe('false');
    // Alice joins in; Bob sees 2.
    await chipOnAlice.click();
    await chipOnBob.locator('.reaction-count', { hasText: '2' }).waitFor();
    await chipOnAlice.and(alice.page.locator('[aria-pressed=true]')).waitFor();
    // Bob takes his back; then Alice: the chip is gone for both.
    await chipOnBob.click();
    await chipOnAlice.locator('.reaction-count', { hasText: '1' }).waitFor();
    await chipOnAlice.click();
    await chipOnBob.waitFor({ state: 'detached' });
    await chipOnAlice.waitFor({ state: 'detached' });
  });

  it('reply: the quote bar, the replied-to line on the other screen, and a click jumps to the original', async () => {
    const original = row(bob.page, 'slanted');
    await original.hover();
    await original.getByRole('button', { name: 'Reply' }).click();
    await bob.page.getByTestId('reply-bar').filter({ hasText: `Replying to ${a.username}` }).waitFor();
    await send(bob.page, 'this is my reply');
    await expect(bob.page.getByTestId('reply-bar').count()).resolves.toBe(0);
    const reply = row(alice.page, 'this is my reply');
    const line = reply.getByTestId('reply-line');
    await line.filter({ hasText: `@${a.username}` }).filter({ hasText: 'bold slanted' }).waitFor();
    // The reply pings alice, so her copy is highlighted.
    await reply.and(alice.page.locator('[data-mentioned=true]')).waitFor();
    await alice.page.screenshot({ path: screenshotPath('messages-reply-1280.png') });

    // Push the original out of view, then jump back to it.
    const tall = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    await b.api.ok.post(`/channels/${guild.generalId}/messages`, { content: `filler one\n${tall}` });
    await b.api.ok.post(`/channels/${guild.generalId}/messages`, { content: `filler two\n${tall}` });
    await row(alice.page, 'filler two').waitFor();
    const scroller = alice.page.getByTestId('message-scroller');
    await alice.page.waitForFunction(() => {
      const el = document.querySelector('[data-testid=message-scroller]')!;
      return el.scrollHeight - el.scrollTop - el.clientHeight < 100;
    });
    const originalOnAlice = alice.page.locator('[data-testid=message]', { hasText: 'slanted' }).first();
    await expect(originalOnAlice.isVisible().then(async (v) => v && (await inView(scroller, originalOnAlice)))).resolves.toBe(false);
    await line.click();
    await alice.page.locator('[data-testid=message].flash', { hasText: 'slanted' }).waitFor();
    await alice.page.waitForFunction(() => {
      const el = document.querySelector('[data-testid=message].flash');
      const box = document.querySelector('[data-testid=message-scroller]')!.getBoundingClientRect();
      const r = el?.getBoundingClientRect();
      return Boolean(r && r.top >= box.top - 1 && r.bottom <= box.bottom + 1);
    });
  });

  it('Up-arrow in an empty composer edits the last message; Enter saves and the other side sees it', async () => {
    await send(alice.page, 'typo here');
    await row(alice.page, 'typo here').and(alice.page.locator('[data-status=sent]')).waitFor();
    const box = alice.page.locator('textarea[name=message]');
    await box.focus();
    await box.press('ArrowUp');
    const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
    await expect.poll(() => editor.inputValue(), { timeout: 5000 }).toBe('typo here');
    await editor.fill('typo fixed');
    await editor.press('Enter');
    await row(bob.page, 'typo fixed').locator('.edited').waitFor();
  });

  it('pin: the notice for both, and the pins popout lists it', async () => {
    const target = row(alice.page, 'typo fixed');
    await target.hover();
    await target.getByRole('button', { name: 'Pin message' }).click();
    await bob.page.locator('[data-testid=message][data-type="6"]', { hasText: `${a.username} pinned a message` }).waitFor();
    await bob.page.getByRole('button', { name: 'Pinned messages' }).click();
    await bob.page.getByTestId('pins-popout').getByTestId('pinned-message').filter({ hasText: 'typo fixed' }).waitFor();
    await bob.page.screenshot({ path: screenshotPath('messages-pins-1280.png') });
    await bob.page.keyboard.press('Escape');
  });

  it('a webhook\'s embed renders as a card: colour bar, linked title, markdown description, inline fields, footer', async () => {
    const hook = await a.api.ok.post<{ id: string; token: string }>(`/channels/${guild.generalId}/webhooks`, { name: 'CI' });
    await a.api.ok.post(`/webhooks/${hook.id}/${hook.token}`, {
      embeds: [
        {
          title: 'Build #42 passed',
          url: 'https://ci.example.test/builds/42',
          description: 'All **128** tests green on `main`.',
          color: 0x23a55a,
          author: { name: 'Concord CI' },
          fields: [
            { name: 'Duration', value: '4m 12s', inline: true },
            { name: 'Commit', value: '`9daa155`', inline: true },
            { name: 'Notes', value: 'javascript: links stay text', inline: false },
          ],
          footer: { text: 'ci.example.test' },
          timestamp: new Date().toISOString(),
        },
      ],
    });
    const card = bob.page.getByTestId('embed').filter({ hasText: 'Build #42 passed' });
    await card.waitFor();
    const title = card.locator('.embed-title a');
    expect(await title.getAttribute('href')).toBe('https://ci.example.test/builds/42');
    expect(await title.getAttribute('rel')).toContain('noopener');
    expect(await card.locator('.embed-description strong').textContent()).toBe('128');
    expect(await card.locator('.embed-field-row').count()).toBe(2);
    expect(await card.evaluate((el) => getComputedStyle(el).borderLeftColor)).toBe('rgb(35, 165, 90)');
    await card.scrollIntoViewIfNeeded();
    await bob.page.screenshot({ path: screenshotPath('messages-embed-1280.png') });
  });

  it('@ autocomplete: typing @ and part of a name offers the member; Enter writes the mention', async () => {
    const box = alice.page.locator('textarea[name=message]');
    await box.fill('');
    await box.pressSequentially(`hey @${b.username.slice(0, 4)}`);
    await alice.page.getByTestId('suggestions').getByRole('option', { name: new RegExp(b.username) }).waitFor();
    await box.press('Enter');
    await expect(box.inputValue()).resolves.toBe(`hey <@${b.id}> `);
    await box.press('Enter');
    await row(bob.page, 'hey').getByTestId('mention').filter({ hasText: `@${b.username}` }).waitFor();
  });

  it('at 390x844 the chat takes the width: composer and text at least 250 px; drawers slide in from each side', async () => {
    const p = bob.page;
    await p.setViewportSize({ width: 390, height: 844 });
    const composer = await p.locator('.composer').boundingBox();
    const text = await row(p, 'typo fixed').getByTestId('message-content').boundingBox();
    expect(composer!.width).toBeGreaterThanOrEqual(250);
    expect(text!.width).toBeGreaterThanOrEqual(250);
    expect(composer!.y + composer!.height).toBeLessThanOrEqual(844);
    await p.screenshot({ path: screenshotPath('messages-390-light.png') });

    await p.getByRole('button', { name: 'Open channels' }).click();
    const list = p.getByRole('complementary', { name: 'Channels' });
    await p.waitForFunction(() => document.querySelector('.sidebar')!.getBoundingClientRect().left >= 0);
    await p.screenshot({ path: screenshotPath('messages-390-drawer-left.png') });
    await list.getByRole('link', { name: 'general', exact: true }).click();
    await p.waitForFunction(() => document.querySelector('.sidebar')!.getBoundingClientRect().right <= 0);

    await p.getByRole('button', { name: 'Show members' }).click();
    await p.waitForFunction(() => document.querySelector('.members')!.getBoundingClientRect().right <= window.innerWidth + 1 && document.querySelector('.members')!.getBoundingClientRect().left < window.innerWidth - 100);
    await p.getByTestId('member-list').getByText(a.username).waitFor();
    await p.screenshot({ path: screenshotPath('messages-390-drawer-right.png') });
    await p.locator('.drawer-backdrop').click({ position: { x: 20, y: 400 } });
    await p.waitForFunction(() => document.querySelector('.members')!.getBoundingClientRect().left >= window.innerWidth - 1);

    await p.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await p.screenshot({ path: screenshotPath('messages-390-dark.png') });
    await alice.page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await alice.page.screenshot({ path: screenshotPath('messages-1280-dark.png') });
    expect([...alice.errors, ...bob.errors].filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });

  it('slowmode: after a send the composer counts down, and a draft survives a reload', async () => {
    await a.api.ok.patch(`/channels/${guild.generalId}`, { rate_limit_per_user: 60 });
    const p = bob.page;
    await p.setViewportSize({ width: 1280, height: 800 });
    await p.getByTestId('slowmode').filter({ hasText: 'one message every 60 s' }).waitFor();
    await send(p, 'slow and steady');
    await p.getByTestId('slowmode').filter({ hasText: /you can send again in \d+ s/ }).waitFor();
    await p.locator('textarea[name=message]').fill('a draft to keep');
    // Held back until the cooldown ends.
    await expect(p.getByRole('button', { name: 'Send message' }).isDisabled()).resolves.toBe(true);
    await p.reload();
    await expect(p.locator('textarea[name=message]').inputValue()).resolves.toBe('a draft to keep');
    // The owner is exempt.
    await expect(alice.page.getByTestId('slowmode').count()).resolves.toBe(0);
  });

  it('an unknown server address says so and offers home; home is the conversations list and the friends page', async () => {
    await alice.page.goto('/channels/999999/123');
    await alice.page.getByRole('heading', { name: 'Server not found' }).waitFor();
    await alice.page.getByRole('link', { name: 'Go home' }).click();
    await alice.page.getByText(`Welcome, ${a.username}`).waitFor();
    // As on Discord: the DM list on the left, the friends page taking the rest of the window.
    await alice.page.getByRole('complementary', { name: 'Direct messages' }).waitFor();
    const home = await alice.page.locator('main.friends').boundingBox();
    expect(home!.width).toBeGreaterThan(900);
    await alice.page.screenshot({ path: screenshotPath('messages-home-1280.png') });
  });
});

async function inView(scroller: Locator, el: Locator): Promise<boolean> {
  const s = await scroller.boundingBox();
  const r = await el.boundingBox();
  return Boolean(s && r && r.y >= s.y && r.y + r.height <= s.y + s.height);
}
