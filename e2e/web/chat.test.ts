/**
 * The web client in a real Chromium against a real server process: two people register, one creates a guild and
 * an invite, the other joins; they chat both ways; typing shows and clears; history survives a reload and pages
 * in as you scroll up; a server restart while they type and send loses and duplicates nothing; a send that is
 * never acknowledged turns into a failed message whose Retry delivers it once.
 * Screenshots of the main views go to e2e/artifacts/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { RestClient } from '@concord/client';
import { ensureWebBuild, launchBrowser, newPerson, screenshotPath, startServer, type Person, type ServerProcess, send } from './harness.js';

const PASSWORD = 'correct horse battery';
const RECONNECT_MS = 60_000;

/** Chromium logs failed connections as console errors; they are expected only while the server is down. */
const NETWORK_NOISE = /WebSocket connection to|ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|Failed to load resource|net::ERR_/;

function messages(page: Page, text: string) {
  return page.locator('[data-testid=message-content]', { hasText: text });
}

/** Waits until exactly `n` rendered messages contain `text` (fails rather than hangs). */
async function expectCount(page: Page, text: string, n: number, timeout = 20_000) {
  await page.waitForFunction(
    ([t, count]) => [...document.querySelectorAll('[data-testid=message-content]')].filter((e) => e.textContent?.includes(t as string)).length === count,
    [text, n] as const,
    { timeout },
  );
}

async function register(page: Page, name: string) {
  await page.fill('input[name=email]', `${name}@example.test`);
  await page.fill('input[name=username]', name);
  await page.fill('input[name=password]', PASSWORD);
  await page.getByRole('button', { name: 'Register' }).click();
}

describe('web client in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  const tag = String(process.pid % 100000);
  const names = { alice: `alice${tag}`, bob: `bob${tag}` };
  let inviteUrl = '';

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer();
    browser = await launchBrowser();
    alice = await newPerson(browser, server.url);
    bob = await newPerson(browser, server.url);
  }, 240_000);

  // A failing step leaves pictures of both screens behind.
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

  it('registers two people; one creates a guild and an invite, the other joins through the link', async () => {
    const a = alice.page;
    await a.goto('/register');
    await register(a, names.alice);
    await a.getByText(`Welcome, ${names.alice}`).waitFor();

    await a.getByRole('button', { name: 'Create a server' }).click();
    await a.fill('input[name=guild-name]', 'Test Guild');
    await a.getByRole('button', { name: 'Create', exact: true }).click();
    await a.locator('.channel-header', { hasText: 'general' }).waitFor();

    await a.getByRole('button', { name: 'Invite people' }).click();
    const link = a.locator('input[name=invite-link]');
    await a.waitForFunction(() => (document.querySelector('input[name=invite-link]') as HTMLInputElement | null)?.value.includes('/invite/'));
    inviteUrl = await link.inputValue();
    expect(inviteUrl).toMatch(new RegExp(`^${server.url}/invite/\\w+$`));
    await a.getByRole('button', { name: 'Done' }).click();

    const b = bob.page;
    await b.goto(inviteUrl);
    await b.getByTestId('invite-guild-name').filter({ hasText: 'Test Guild' }).waitFor();
    await b.screenshot({ path: screenshotPath('invite.png') });
    await b.getByRole('button', { name: 'Register to join' }).click();
    await register(b, names.bob);
    await b.getByRole('button', { name: 'Accept invite' }).click();
    await b.locator('.channel-header', { hasText: 'general' }).waitFor();

    // Alice's member list learns about Bob from GUILD_MEMBER_ADD, and both show each other online.
    await a.getByTestId('member-list').getByText(names.bob).waitFor();
    await b.getByTestId('member-list').getByText(names.alice).waitFor();
    await a.locator('[data-testid="member-list"] .member[data-status="online"]', { hasText: names.bob }).waitFor();
    await b.locator('[data-testid="member-list"] .member[data-status="online"]', { hasText: names.alice }).waitFor();
  }, 90_000);

  it('chats both ways in real time, with typing that shows and clears, and edits', async () => {
    const a = alice.page;
    const b = bob.page;
    // Bob starts typing: Alice sees it.
    await b.locator('textarea[name=message]').fill('hello from bob');
    await a.getByTestId('typing').filter({ hasText: `${names.bob} is typing` }).waitFor();
    await b.locator('textarea[name=message]').press('Enter');
    await messages(a, 'hello from bob').waitFor();
    // His message ends his typing indicator without waiting for it to expire.
    await a.getByTestId('typing').filter({ hasText: /^$/ }).waitFor();

    await send(a, 'hi bob, alice here');
    await messages(b, 'hi bob, alice here').waitFor();
    await a.locator('[data-testid=message][data-status=sent]', { hasText: 'hi bob, alice here' }).waitFor();

    // Shift+Enter makes a new line instead of sending.
    const box = a.locator('textarea[name=message]');
    await box.fill('line one');
    await box.press('Shift+Enter');
    await box.pressSequentially('line two');
    expect(await box.inputValue()).toBe('line one\nline two');
    await box.press('Enter');
    await messages(b, 'line two').waitFor();

    // Alice edits her message; Bob sees the new text marked (edited).
    const mine = a.locator('[data-testid=message]', { hasText: 'hi bob, alice here' });
    await mine.hover();
    await mine.getByRole('button', { name: 'Edit message' }).click();
    const editor = a.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('hi bob, alice here (fixed)');
    await editor.press('Enter');
    await b.locator('[data-testid=message-content]', { hasText: 'alice here (fixed)' }).filter({ hasText: '(edited)' }).waitFor();

    // And deletes one; it disappears for Bob too.
    await send(a, 'a message to delete');
    await messages(b, 'a message to delete').waitFor();
    const doomed = a.locator('[data-testid=message][data-status=sent]', { hasText: 'a message to delete' });
    await doomed.hover();
    await doomed.getByRole('button', { name: 'Delete message' }).click();
    await doomed.getByRole('button', { name: 'Delete', exact: true }).click();
    await expectCount(b, 'a message to delete', 0);
    await expectCount(a, 'a message to delete', 0);

    await expectCount(a, 'hello from bob', 1);
    await expectCount(b, 'hi bob, alice here', 1);
    await a.screenshot({ path: screenshotPath('chat-light.png') });
    await a.getByRole('button', { name: 'Switch to dark theme' }).click();
    await a.screenshot({ path: screenshotPath('chat-dark.png') });
  }, 90_000);

  it('keeps history across a reload', async () => {
    const b = bob.page;
    await b.reload();
    await messages(b, 'hello from bob').waitFor();
    await messages(b, 'alice here (fixed)').waitFor();
    await expectCount(b, 'hello from bob', 1);
  }, 60_000);

  it('loads older pages while scrolling up', async () => {
    const a = alice.page;
    const b = bob.page;
    const token = (who: Page) => who.evaluate(() => localStorage.getItem('concord.token'));
    const restA = new RestClient({ baseUrl: server.url, token: await token(a) });
    const restB = new RestClient({ baseUrl: server.url, token: await token(b) });
    const guildId = new URL(a.url()).pathname.split('/')[2]!;
    const channel = await restA.createChannel(guildId, { name: 'history' });
    // 120 messages, alternating authors (each has their own rate-limit bucket).
    for (let i = 1; i <= 120; i += 2) {
      await restA.sendMessage(channel.id, { content: `seed ${String(i).padStart(3, '0')}` });
      await restB.sendMessage(channel.id, { content: `seed ${String(i + 1).padStart(3, '0')}` });
    }

    await b.getByRole('link', { name: 'history' }).click();
    await messages(b, 'seed 120').waitFor();
    const scroller = b.getByTestId('message-scroller');
    // Keep scrolling to the top until the first message and the channel's start are rendered.
    for (let i = 0; i < 20 && !(await b.getByText('This is the start of the #history channel.').isVisible()); i++) {
      await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
      await b.waitForTimeout(250);
    }
    await messages(b, 'seed 001').waitFor();
    await b.getByText('This is the start of the #history channel.').waitFor();
    await expectCount(b, 'seed 001', 1);
    await b.screenshot({ path: screenshotPath('history-top.png') });

    // Scrolled away, a new message does not move the view: a "New messages" button takes Bob down to it.
    await a.getByRole('link', { name: 'history' }).click();
    await send(a, 'live after history');
    await b.getByRole('button', { name: /New messages/ }).click();
    await messages(b, 'live after history').waitFor();
    const atBottom = () =>
      b.waitForFunction(() => {
        const el = document.querySelector('[data-testid=message-scroller]')!;
        return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      });
    await atBottom();
    // At the bottom, the next one keeps the view pinned there.
    await send(a, 'pinned to the bottom');
    await messages(b, 'pinned to the bottom').waitFor();
    await atBottom();
  }, 120_000);

  it('loses and duplicates nothing when the server restarts while they type and send', async () => {
    const a = alice.page;
    const b = bob.page;
    await a.getByRole('link', { name: 'general', exact: true }).click();
    await b.getByRole('link', { name: 'general', exact: true }).click();
    await messages(a, 'hello from bob').waitFor();
    await messages(b, 'hello from bob').waitFor();

    // One message right before the stop: it may be acknowledged or still in flight; either way it must land once.
    await send(a, 'just before the restart');
    await server.stop();
    await a.getByTestId('connection-banner').waitFor();
    await b.getByTestId('connection-banner').waitFor();

    // While the server is down both keep typing and sending: the messages wait in the outbox.
    await send(a, 'sent while down 1');
    await send(a, 'sent while down 2');
    await send(b, 'bob while down');
    await a.locator('[data-testid=message][data-status=queued]', { hasText: 'sent while down 2' }).waitFor();
    await b.locator('textarea[name=message]').fill('bob still typing');
    await a.screenshot({ path: screenshotPath('offline.png') });

    await server.restart();
    await a.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: RECONNECT_MS });
    await b.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: RECONNECT_MS });
    await b.locator('textarea[name=message]').press('Enter');

    const all = ['just before the restart', 'sent while down 1', 'sent while down 2', 'bob while down', 'bob still typing', 'hello from bob'];
    for (const page of [a, b]) {
      for (const text of all) await expectCount(page, text, 1, RECONNECT_MS);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=message]:not([data-status=sent])').length === 0, undefined, {
        timeout: RECONNECT_MS,
      });
    }
    // Order is kept: Alice's two offline messages appear in the order she sent them.
    const texts = await b.locator('[data-testid=message-content]').allTextContents();
    expect(texts.findIndex((t) => t.includes('sent while down 1'))).toBeLessThan(texts.findIndex((t) => t.includes('sent while down 2')));

    // The server's own record agrees: every message stored exactly once.
    const rest = new RestClient({ baseUrl: server.url, token: await a.evaluate(() => localStorage.getItem('concord.token')) });
    const channelId = new URL(a.url()).pathname.split('/')[3]!;
    const stored = (await rest.listMessages(channelId, { limit: 100 })).map((m) => m.content);
    for (const text of all) expect(stored.filter((c) => c === text)).toHaveLength(1);
    await b.screenshot({ path: screenshotPath('after-restart.png') });
  }, 180_000);

  it('marks a send the server never answered as failed, and Retry delivers it once with the same nonce', async () => {
    const a = alice.page;
    const b = bob.page;
    // Alice's gateway traffic now passes through a proxy that can swallow her op 100 sends, as a network that
    // loses them would. The server, the socket and everything else stay real.
    let swallowSends = true;
    await alice.context.routeWebSocket(/\/gateway/, (ws) => {
      const upstream = ws.connectToServer();
      ws.onMessage((frame) => {
        if (swallowSends && typeof frame === 'string' && frame.includes('"op":100')) return;
        upstream.send(frame);
      });
    });
    await a.reload();
    await messages(a, 'hello from bob').waitFor();

    await send(a, 'this one gets lost');
    const failed = a.locator('[data-testid=message][data-status=failed]', { hasText: 'this one gets lost' });
    await failed.waitFor({ timeout: 30_000 });
    await expectCount(b, 'this one gets lost', 0);
    const nonce = await failed.getAttribute('data-nonce');

    swallowSends = false;
    await failed.getByRole('button', { name: 'Retry' }).click();
    await a.locator(`[data-testid=message][data-status=sent][data-nonce="${nonce}"]`).waitFor();
    await expectCount(b, 'this one gets lost', 1);
    await expectCount(a, 'this one gets lost', 1);
  }, 90_000);

  it('shows a refused send as failed with a short notice (403), and nothing reaches the others', async () => {
    const a = alice.page;
    const b = bob.page;
    const [, , guildId, channelId] = new URL(a.url()).pathname.split('/');
    const owner = new RestClient({ baseUrl: server.url, token: await a.evaluate(() => localStorage.getItem('concord.token')) });
    // Alice, the owner, takes SEND_MESSAGES (1 << 11) away from @everyone in this channel.
    await owner.modifyChannel(channelId!, { permission_overwrites: [{ id: guildId!, type: 0, allow: '0', deny: String(1 << 11) }] });
    await send(b, 'not allowed here');
    await b.locator('[data-testid=message][data-status=failed]', { hasText: 'not allowed here' }).waitFor();
    await b.getByTestId('notice').filter({ hasText: /permission/i }).waitFor();
    await b.screenshot({ path: screenshotPath('refused-send.png') });
    await owner.modifyChannel(channelId!, { permission_overwrites: [] });
    await expectCount(a, 'not allowed here', 0);
  }, 60_000);

  it('logged no console errors beyond the expected connection failures while the server was down', () => {
    for (const person of [alice, bob]) expect(person.errors.filter((e) => !NETWORK_NOISE.test(e))).toEqual([]);
  });
});
