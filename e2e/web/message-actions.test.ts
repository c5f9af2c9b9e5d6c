/**
 * What one does with a message beyond reading it, in Chromium: who reacted (the chip's tooltip), the message menu
 * (right-click and "More") with Copy Message Link, opening such a link (loaded around the message when it is not
 * in the list), the user popout and the member menu, and a phone's on-screen keyboard not covering the composer.
 * Screenshots at 1280 and 390 px, light and dark, go to e2e/artifacts/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { join, newGuild, newUser, type TestGuild, type TestUser } from '@concord/server/testing';
import { ensureWebBuild, launchBrowser, messageRow, newPerson, openAs, screenshotPath, send, startServer, type Person, type ServerProcess } from './harness.js';

/** The current view in both themes. */
async function shots(page: Page, name: string): Promise<void> {
  const width = page.viewportSize()?.width ?? 1280;
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    await page.screenshot({ path: screenshotPath(`actions-${name}-${width}-${theme}.png`) });
  }
  await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
}

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

describe('message actions in Chromium: who reacted, message links, popouts, menus, the phone keyboard', () => {
  let server: ServerProcess;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let a: TestUser;
  let b: TestUser;
  let others: TestUser[];
  let guild: TestGuild;
  let url = '';
  let roleId = '';
  let reactedId = '';

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer();
    browser = await launchBrowser();
    a = await newUser(server.url, 'alice');
    b = await newUser(server.url, 'bob');
    others = [];
    for (const name of ['carol', 'dave', 'erin']) others.push(await newUser(server.url, name));
    guild = await newGuild(a.api, 'Action Club');
    for (const u of [b, ...others]) await join(a.api, u.api, guild.generalId);
    const role = await a.api.ok.post<{ id: string }>(`/guilds/${guild.id}/roles`, { name: 'Moderators', color: 0xe67e22 });
    roleId = role.id;
    await a.api.ok.put(`/guilds/${guild.id}/members/${a.id}/roles/${roleId}`);
    url = `/channels/${guild.id}/${guild.generalId}`;
    alice = await newPerson(browser, server.url);
    bob = await newPerson(browser, server.url);
    for (const p of [alice, bob]) await p.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
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

  it('who reacted: hovering a chip names the first three and counts the rest, and follows new reactions', async () => {
    const msg = await a.api.ok.post<{ id: string }>(`/channels/${guild.generalId}/messages`, { content: 'react to this one' });
    reactedId = msg.id;
    const route = (e: string) => `/channels/${guild.generalId}/messages/${msg.id}/reactions/${encodeURIComponent(e)}/@me`;
    for (const u of [a, b, others[0]!, others[1]!]) await u.api.ok.put(route('👍'));
    await a.api.ok.put(route('👀'));
    const chip = messageRow(bob.page, 'react to this one').locator('[data-testid=reaction][data-emoji="👍"]');
    await chip.locator('.reaction-count', { hasText: '4' }).waitFor();
    await chip.hover();
    const tip = bob.page.getByTestId('reaction-tooltip');
    await tip.filter({ hasText: `${a.username}, ${b.username}, ${others[0]!.username} and 1 other reacted with :thumbsup:` }).waitFor();
    await shots(bob.page, 'who-reacted');

    const eyes = messageRow(bob.page, 'react to this one').locator('[data-testid=reaction][data-emoji="👀"]');
    await eyes.hover();
    await tip.filter({ hasText: `${a.username} reacted with :eyes:` }).waitFor();

    // A fifth person: the count moves live, and the next hover asks again.
    await others[2]!.api.ok.put(route('👍'));
    await chip.locator('.reaction-count', { hasText: '5' }).waitFor();
    await chip.hover();
    await tip.filter({ hasText: 'and 2 others reacted with :thumbsup:' }).waitFor();
    await bob.page.mouse.move(5, 5);
    await tip.waitFor({ state: 'detached' });
  });

  it('the message menu: right-click offers what the reader may do; "More" opens the same menu', async () => {
    await send(alice.page, 'menu me');
    const onBob = messageRow(bob.page, 'menu me');
    await onBob.click({ button: 'right' });
    const menu = bob.page.getByRole('menu', { name: 'Message actions' });
    await menu.waitFor();
    const labels = await menu.getByRole('menuitem').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['Add Reaction', 'Reply', 'Copy Text', 'Copy Message Link', 'Copy Message ID']));
    // Not his message, and no Manage Messages: no edit, pin or delete.
    expect(labels.some((l) => /Edit|Pin|Delete/.test(l))).toBe(false);
    await shots(bob.page, 'message-menu');
    await menu.getByRole('menuitem', { name: 'Copy Text' }).click();
    await expect.poll(() => clipboard(bob.page)).toBe('menu me');
    await onBob.click({ button: 'right' });
    await menu.getByRole('menuitem', { name: 'Reply' }).click();
    await bob.page.getByTestId('reply-bar').filter({ hasText: `Replying to ${a.username}` }).waitFor();
    await bob.page.keyboard.press('Escape');

    // The author (and owner) sees edit, pin and delete, from the hover bar's "More".
    const onAlice = messageRow(alice.page, 'menu me');
    await onAlice.hover();
    await onAlice.getByRole('button', { name: 'More' }).click();
    const own = alice.page.getByRole('menu', { name: 'Message actions' });
    const mine = await own.getByRole('menuitem').allTextContents();
    expect(mine).toEqual(expect.arrayContaining(['Edit Message', 'Pin Message']));
    expect(mine.some((l) => l.startsWith('Delete Message'))).toBe(true);
    await own.getByRole('menuitem', { name: 'Edit Message' }).click();
    await alice.page.getByRole('textbox', { name: 'Edit message' }).waitFor();
    await alice.page.keyboard.press('Escape');
  });

  it('Copy Message Link, then opening it: the channel loads around the message, scrolls to it and flashes it', async () => {
    const target = await a.api.ok.post<{ id: string }>(`/channels/${guild.generalId}/messages`, { content: 'the linked message' });
    const onBob = messageRow(bob.page, 'the linked message');
    await onBob.click({ button: 'right' });
    await bob.page.getByRole('menuitem', { name: 'Copy Message Link' }).click();
    const link = `${server.url}/channels/${guild.id}/${guild.generalId}/${target.id}`;
    await expect.poll(() => clipboard(bob.page)).toBe(link);

    // More than a page after it, so a fresh load of the channel does not have it.
    for (let i = 0; i < 60; i++) await others[i % 3]!.api.ok.post(`/channels/${guild.generalId}/messages`, { content: `filler ${i}` });
    await send(bob.page, `look at ${link}`);
    await messageRow(alice.page, 'look at').waitFor();

    // Alice opens the channel afresh and clicks the link in bob's message: in place, no new tab.
    await alice.page.goto(url);
    const linkEl = messageRow(alice.page, 'look at').locator('a.md-link');
    await expect(linkEl.getAttribute('target')).resolves.toBeNull();
    // Read as Discord's pill, not the bare address.
    await expect(linkEl.textContent()).resolves.toBe('#general › Message');
    await expect(alice.page.locator('[data-testid=message]', { hasText: 'the linked message' }).count()).resolves.toBe(0);
    await linkEl.click();
    await alice.page.waitForURL(`**/channels/${guild.id}/${guild.generalId}/${target.id}`);
    const flashed = alice.page.locator(`[data-testid=message].flash[data-message-id="${target.id}"]`);
    await flashed.waitFor();
    await inScroller(alice.page, `[data-message-id="${target.id}"]`);
    // Loaded around it: newer history is not all there yet, and the bar says so.
    await alice.page.getByTestId('present-bar').waitFor();
    await shots(alice.page, 'jumped');
    await alice.page.getByRole('button', { name: 'Jump to Present' }).click();
    await messageRow(alice.page, 'look at').waitFor();
    await alice.page.getByTestId('present-bar').waitFor({ state: 'detached' });

    // Opening the address itself does the same.
    await alice.page.goto(link);
    await alice.page.locator(`[data-testid=message].flash[data-message-id="${target.id}"]`).waitFor();
    await inScroller(alice.page, `[data-message-id="${target.id}"]`);
    // Scrolling down reaches the present page by page.
    await expect
      .poll(
        async () => {
          await alice.page.getByTestId('message-scroller').evaluate((el) => (el.scrollTop = el.scrollHeight));
          return alice.page.getByTestId('present-bar').count();
        },
        { timeout: 15_000 },
      )
      .toBe(0);
    await messageRow(alice.page, 'look at').waitFor();
    await alice.page.getByTestId('present-bar').waitFor({ state: 'detached' });
    await alice.page.goto(url);
    await alice.page.locator('textarea[name=message]').waitFor();
  });

  it('user popout from a name and from the member list: name, username, status, roles, and Message opens the DM', async () => {
    await send(alice.page, 'popout source');
    const onBob = messageRow(bob.page, 'popout source');
    await onBob.getByTestId('author').click();
    const popout = bob.page.getByTestId('user-popout');
    await popout.getByRole('heading', { name: a.username }).waitFor();
    await popout.getByTestId('popout-roles').getByText('Moderators').waitFor();
    await popout.getByTestId('popout-status').filter({ hasText: 'Online' }).waitFor();
    await shots(bob.page, 'popout');
    await bob.page.keyboard.press('Escape');
    await popout.waitFor({ state: 'detached' });

    // From the member list, beside it.
    await bob.page.locator('.members .member', { hasText: others[0]!.username }).click();
    await popout.getByRole('heading', { name: others[0]!.username }).waitFor();
    await popout.getByText('No roles').waitFor();
    const box = (await popout.boundingBox())!;
    const list = (await bob.page.getByRole('complementary', { name: 'Members' }).boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(list.x + 1);
    await shots(bob.page, 'popout-member');
    await bob.page.mouse.click(600, 300);
    await popout.waitFor({ state: 'detached' });

    // The member menu: profile and message for everyone (bob moderates nobody).
    await bob.page.getByTestId('member-list').locator('.member', { hasText: a.username }).click({ button: 'right' });
    const menu = bob.page.getByRole('menu', { name: `Actions for ${a.username}` });
    await menu.getByRole('menuitem', { name: 'Profile' }).waitFor();
    await shots(bob.page, 'member-menu');
    await menu.getByRole('menuitem', { name: 'Profile' }).click();
    await popout.getByRole('heading', { name: a.username }).waitFor();
    await popout.getByRole('button', { name: `Message @${a.username}` }).click();
    await bob.page.waitForURL(/\/channels\/@me\/\d+$/);
    await bob.page.locator('textarea[name=message]').waitFor();
    await send(bob.page, 'hi from the popout');
    await messageRow(bob.page, 'hi from the popout').and(bob.page.locator('[data-status=sent]')).waitFor();
    await bob.page.goto(url);
    await bob.page.locator('textarea[name=message]').waitFor();
  });

  it('at 390 px: the popout and menus fit, and the composer stays above the on-screen keyboard', async () => {
    const p = bob.page;
    await p.setViewportSize({ width: 390, height: 844 });
    await messageRow(p, 'popout source').getByTestId('author').click();
    const popout = p.getByTestId('user-popout');
    await popout.waitFor();
    const box = (await popout.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await shots(p, 'popout');
    await p.keyboard.press('Escape');
    await messageRow(p, 'popout source').getByTestId('message-content').click({ button: 'right' });
    const menu = p.getByRole('menu', { name: 'Message actions' });
    const m = (await menu.boundingBox())!;
    expect(m.x + m.width).toBeLessThanOrEqual(390);
    await shots(p, 'message-menu');
    await p.keyboard.press('Escape');

    // A keyboard that resizes the page (Chrome on Android with interactive-widget=resizes-content).
    await p.locator('textarea[name=message]').focus();
    await p.setViewportSize({ width: 390, height: 500 });
    await expect.poll(async () => bottomOf(p, '.composer')).toBeLessThanOrEqual(500);
    await p.setViewportSize({ width: 390, height: 844 });

    // A keyboard that only overlays the page (Safari, older Chrome): the visual viewport shrinks and scrolls.
    const phone = await newPerson(browser, server.url);
    await phone.page.setViewportSize({ width: 390, height: 844 });
    await phone.page.addInitScript(() => {
      const fake = Object.assign(new EventTarget(), { width: 390, height: 844, offsetTop: 0, offsetLeft: 0, pageTop: 0, pageLeft: 0, scale: 1 });
      Object.defineProperty(window, 'visualViewport', { value: fake, configurable: true });
      (window as unknown as { fakeViewport: typeof fake }).fakeViewport = fake;
    });
    await openAs(phone, b, url);
    const keyboard = (height: number, offsetTop: number) =>
      phone.page.evaluate(
        ([h, top]) => {
          const vv = (window as unknown as { fakeViewport: EventTarget & { height: number; offsetTop: number } }).fakeViewport;
          vv.height = h!;
          vv.offsetTop = top!;
          vv.dispatchEvent(new Event('resize'));
        },
        [height, offsetTop],
      );
    await phone.page.locator('textarea[name=message]').focus();
    await keyboard(508, 0);
    await expect.poll(async () => bottomOf(phone.page, '.composer')).toBeLessThanOrEqual(508);
    const composer = (await phone.page.locator('.composer').boundingBox())!;
    expect(composer.width).toBeGreaterThanOrEqual(250);
    const text = (await messageRow(phone.page, 'popout source').getByTestId('message-content').boundingBox())!;
    expect(text.width).toBeGreaterThanOrEqual(250);
    await expect(phone.page.locator('html').getAttribute('data-keyboard')).resolves.toBe('open');
    await shots(phone.page, 'keyboard');
    // The browser scrolled the visual viewport to show the input: the app follows it.
    await keyboard(508, 120);
    await expect.poll(async () => (await phone.page.locator('.shell').boundingBox())!.y).toBe(120);
    await expect.poll(async () => bottomOf(phone.page, '.composer')).toBeLessThanOrEqual(628);
    await keyboard(844, 0);
    await expect.poll(async () => bottomOf(phone.page, '.composer')).toBeGreaterThan(700);
    await expect(phone.page.locator('html').getAttribute('data-keyboard')).resolves.toBe('closed');
    await phone.context.close();

    // A jump's bar, and who reacted by focus (a phone has no hover), at this width too. The reacted message is
    // more than a page back by now, so its link loads around it.
    await p.goto(`/channels/${guild.id}/${guild.generalId}/${reactedId}`);
    await p.locator(`[data-testid=message].flash[data-message-id="${reactedId}"]`).waitFor();
    await p.getByTestId('present-bar').waitFor();
    await shots(p, 'jumped');
    const chip = messageRow(p, 'react to this one').locator('[data-testid=reaction][data-emoji="👍"]');
    await chip.focus();
    await p.getByTestId('reaction-tooltip').filter({ hasText: 'and 2 others' }).waitFor();
    const tip = (await p.getByTestId('reaction-tooltip').boundingBox())!;
    expect(tip.x).toBeGreaterThanOrEqual(0);
    expect(tip.x + tip.width).toBeLessThanOrEqual(390);
    await shots(p, 'who-reacted');

    await p.setViewportSize({ width: 1280, height: 800 });
    await p.goto(url);
    await p.locator('textarea[name=message]').waitFor();
    expect([...alice.errors, ...bob.errors].filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});

async function bottomOf(page: Page, selector: string): Promise<number> {
  const box = await page.locator(selector).boundingBox();
  return box ? box.y + box.height : Number.POSITIVE_INFINITY;
}

/** Waits until the element is inside the message list's visible box. */
async function inScroller(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((sel) => {
    const el = document.querySelector(`[data-testid=message]${sel}`);
    const box = document.querySelector('[data-testid=message-scroller]')!.getBoundingClientRect();
    const r = el?.getBoundingClientRect();
    return Boolean(r && r.top >= box.top - 1 && r.bottom <= box.bottom + 1);
  }, selector);
}
