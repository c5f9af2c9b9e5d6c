/**
 * Threads, forums and search in Chromium with two people: a thread started from a message opens in the side
 * panel and a reply there reaches the other person live (who opens it from the chip under the message); a forum
 * post made with a tag shows as a card for the other; a search with Discord's filters finds a message and jumps
 * to it in history; a followed thread shows under its parent with its mention, and its member list joins and leaves. Screenshots at 1280 and 390 px, light and dark, go to e2e/artifacts/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Channel, ForumTag } from '@concord/protocol';
import { join, newGuild, newUser, type TestGuild, type TestUser } from '@concord/server/testing';
import { ensureWebBuild, launchBrowser, newPerson, screenshotPath, startServer, type Person, type ServerProcess, openAs, messageRow } from './harness.js';

const row = (page: Page, scope: string, text: string) => messageRow(page, text, scope);

async function shots(page: Page, name: string) {
  // Drawers slide for 0.2 s after a resize.
  await page.waitForTimeout(350);
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    await page.screenshot({ path: screenshotPath(`${name}-${theme}.png`) });
  }
  await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
}

describe('threads, forums and search in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let a: TestUser;
  let b: TestUser;
  let guild: TestGuild;
  let forum: Channel & { available_tags: ForumTag[] };
  let url = '';

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer();
    browser = await launchBrowser();
    a = await newUser(server.url, 'alice');
    b = await newUser(server.url, 'bob');
    guild = await newGuild(a.api, 'Thread Club');
    await join(a.api, b.api, guild.generalId);
    forum = await a.api.ok.post(`/guilds/${guild.id}/channels`, {
      name: 'help',
      type: 15,
      topic: 'Ask anything',
      available_tags: [{ name: 'question', emoji_name: '❓' }, { name: 'bug' }, { name: 'solved', moderated: true }],
    });
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

  it('starts a thread from a message; a reply in the panel reaches the other person live', async () => {
    await a.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'Should we ship the release on Friday?' });
    const starter = row(alice.page, '.channel-view', 'ship the release');
    await starter.hover();
    await starter.getByRole('button', { name: 'Create thread' }).click();
    const panel = alice.page.getByTestId('thread-panel');
    await panel.getByLabel('Thread name').fill('Release plan');
    await panel.getByRole('button', { name: 'Create Thread' }).click();
    const box = panel.locator('textarea[name=message]');
    await box.waitFor();
    await expect(panel.getByTestId('thread-starter').textContent()).resolves.toContain('ship the release');
    await box.fill('I think Thursday is safer');
    await box.press('Enter');
    await row(alice.page, '[data-testid=thread-panel]', 'Thursday is safer').waitFor();

    // Bob opens it from the chip under the starter message and answers.
    const chip = row(bob.page, '.channel-view', 'ship the release').getByTestId('thread-chip');
    await chip.waitFor();
    await expect(chip.textContent()).resolves.toContain('Release plan');
    await chip.click();
    const bobPanel = bob.page.getByTestId('thread-panel');
    await row(bob.page, '[data-testid=thread-panel]', 'Thursday is safer').waitFor();
    await bobPanel.locator('textarea[name=message]').fill('Thursday works for me');
    await bobPanel.locator('textarea[name=message]').press('Enter');
    await row(alice.page, '[data-testid=thread-panel]', 'Thursday works for me').waitFor({ timeout: 15_000 });
    await alice.page.waitForFunction(() => document.querySelector('[data-testid=thread-chip]')?.textContent?.includes('2 Messages'), null, { timeout: 15_000 });

    // The channel's threads list has it.
    await bob.page.getByRole('button', { name: 'Threads' }).click();
    await expect(bob.page.getByTestId('threads-popout').getByTestId('thread-item').first().textContent()).resolves.toContain('Release plan');
    await bob.page.keyboard.press('Escape');

    await shots(alice.page, 'threads-panel-1280');
    await alice.page.setViewportSize({ width: 390, height: 844 });
    const box390 = await alice.page.getByTestId('thread-panel').boundingBox();
    expect(box390?.width).toBeGreaterThanOrEqual(380);
    await shots(alice.page, 'threads-panel-390');
    await alice.page.getByTestId('thread-panel').getByRole('button', { name: 'Close' }).click();
    await alice.page.setViewportSize({ width: 1280, height: 800 });
  });

  it('a followed thread shows under its parent with its mention; opening reads it; its member list has Join and Leave', async () => {
    const starter = await a.api.ok.post<{ id: string }>(`/channels/${guild.generalId}/messages`, { content: 'Launch day is coming' });
    const thread = await a.api.ok.post<Channel>(`/channels/${guild.generalId}/messages/${starter.id}/threads`, { name: 'Launch checklist' });
    await b.api.ok.post(`/channels/${thread.id}/messages`, { content: `<@${a.id}> can you check the banner?` });
    // Alice created it, so she follows it: it is under #general, unread, with one mention.
    const link = alice.page.getByTestId('thread-link').filter({ hasText: 'Launch checklist' });
    await link.waitFor();
    await expect(link.getByTestId('thread-badge').textContent()).resolves.toBe('1');
    await expect(link.getAttribute('data-unread')).resolves.toBe('true');
    await shots(alice.page, 'followed-thread-1280');

    // Opening it reads it: the badge and the bold go.
    await link.click();
    const panel = alice.page.getByTestId('thread-panel');
    await row(alice.page, '[data-testid=thread-panel]', 'check the banner').waitFor();
    await link.getByTestId('thread-badge').waitFor({ state: 'detached', timeout: 10_000 });
    await alice.page.waitForFunction(() => {
      const l = [...document.querySelectorAll('[data-testid=thread-link]')].find((e) => e.textContent?.includes('Launch checklist'));
      return l && !l.hasAttribute('data-unread') && l.getAttribute('aria-current') === 'page';
    }, null, { timeout: 10_000 });

    // The member list: both of them, online; Leave unfollows (the thread leaves the sidebar), Join follows again.
    await panel.getByTestId('thread-members-toggle').click();
    const list = panel.getByTestId('thread-member-list');
    await alice.page.waitForFunction(
      (names) => {
        const t = document.querySelector('[data-testid=thread-member-list]')?.textContent ?? '';
        return names.every((n) => t.includes(n));
      },
      [a.username, b.username],
      { timeout: 10_000 },
    );
    await expect(list.locator('.member').count()).resolves.toBe(2);
    await shots(alice.page, 'thread-members-1280');
    await alice.page.setViewportSize({ width: 390, height: 844 });
    // The panel covers the screen on a phone; its member list shows there (the server's list is a drawer).
    await list.locator('.member').first().waitFor();
    await shots(alice.page, 'thread-members-390');
    await alice.page.setViewportSize({ width: 1280, height: 800 });
    await panel.getByRole('button', { name: 'Leave Thread' }).click();
    await link.waitFor({ state: 'detached', timeout: 10_000 });
    await alice.page.waitForFunction(() => document.querySelectorAll('[data-testid=thread-member-list] .member').length === 1, null, { timeout: 10_000 });
    await panel.getByRole('button', { name: 'Join Thread' }).click();
    await link.waitFor({ timeout: 10_000 });
    await alice.page.waitForFunction(() => document.querySelectorAll('[data-testid=thread-member-list] .member').length === 2, null, { timeout: 10_000 });
    await panel.getByRole('button', { name: 'Close' }).click();
  });

  it('makes a forum post with a tag; the other person sees its card with the tag', async () => {
    const forumUrl = `/channels/${guild.id}/${forum.id}`;
    await alice.page.goto(forumUrl);
    await alice.page.getByRole('button', { name: 'New Post' }).click();
    await alice.page.getByLabel('Post title').fill('How do I reset my password?');
    await alice.page.getByLabel('Post message').fill('The link in the mail has expired.');
    await alice.page.getByRole('group', { name: 'Tags' }).getByRole('button', { name: /question/ }).click();
    await alice.page.getByRole('button', { name: 'Post', exact: true }).click();
    const panel = alice.page.getByTestId('thread-panel');
    await row(alice.page, '[data-testid=thread-panel]', 'link in the mail').waitFor();
    await panel.locator('textarea[name=message]').waitFor();

    await bob.page.goto(forumUrl);
    const card = bob.page.getByTestId('post-card').filter({ hasText: 'reset my password' });
    await card.waitFor();
    await expect(card.locator('.tag').textContent()).resolves.toContain('question');
    await bob.page.waitForFunction(() => document.querySelector('[data-testid=post-card]')?.textContent?.includes('link in the mail'), null, { timeout: 10_000 });
    // Filtering by another tag hides it; the post opens in the panel.
    await bob.page.getByRole('group', { name: 'Filter by tag' }).getByRole('button', { name: 'bug' }).click();
    await card.waitFor({ state: 'detached' });
    await bob.page.getByRole('group', { name: 'Filter by tag' }).getByRole('button', { name: 'bug' }).click();
    await card.click();
    await row(bob.page, '[data-testid=thread-panel]', 'link in the mail').waitFor();

    await shots(bob.page, 'forum-1280');
    await bob.page.getByTestId('thread-panel').getByRole('button', { name: 'Close' }).click();
    await bob.page.setViewportSize({ width: 390, height: 844 });
    await shots(bob.page, 'forum-390');
    await bob.page.setViewportSize({ width: 1280, height: 800 });
  });

  it('searches from:bob has:link and jumps to the message in history', async () => {
    await b.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'the changelog is at https://example.com/changes' });
    await a.api.ok.post(`/channels/${guild.generalId}/messages`, { content: 'changelog without a link' });
    // Enough newer messages that the result is out of view at the bottom.
    for (let i = 0; i < 40; i++) await a.api.ok.post(`/channels/${guild.generalId}/messages`, { content: `filler ${i}` });
    await alice.page.goto(url);
    await row(alice.page, '.channel-view', 'filler 39').waitFor();

    const search = alice.page.getByTestId('search-input');
    await search.click();
    await search.pressSequentially('changelog from:');
    await alice.page.getByRole('listbox', { name: 'Search options' }).getByRole('button', { name: b.username }).click();
    await search.pressSequentially('has:link');
    await search.press('Enter');
    const results = alice.page.getByTestId('search-result');
    await results.first().waitFor();
    await expect(results.count()).resolves.toBe(1);
    await expect(results.first().locator('mark').textContent()).resolves.toBe('changelog');
    await expect(alice.page.locator('.side-panel .panel-header h2').textContent()).resolves.toBe('1 Result');
    await shots(alice.page, 'search-1280');

    await results.first().click();
    const target = row(alice.page, '.channel-view', 'changes');
    await target.waitFor();
    await alice.page.waitForFunction(() => {
      const el = [...document.querySelectorAll('.channel-view [data-testid=message]')].find((e) => e.textContent?.includes('example.com/changes'));
      const scroller = document.querySelector('.channel-view [data-testid=message-scroller]');
      if (!el || !scroller) return false;
      const r = el.getBoundingClientRect();
      const s = scroller.getBoundingClientRect();
      return r.top >= s.top && r.bottom <= s.bottom;
    }, null, { timeout: 10_000 });

    // A bad filter says what is wrong instead of searching.
    await search.fill('from:nobody-here');
    await search.press('Enter');
    await alice.page.locator('.search-results .form-error').waitFor();

    await alice.page.setViewportSize({ width: 390, height: 844 });
    await search.fill('changelog');
    await search.press('Enter');
    await results.first().waitFor();
    await shots(alice.page, 'search-390');
    await alice.page.setViewportSize({ width: 1280, height: 800 });
  });
});
