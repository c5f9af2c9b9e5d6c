/**
 * Home in Chromium against a real server process: two people become friends by username, DM each other and see
 * the receipt ticks go sent -> delivered -> read; unread and mention badges appear on the DM list, the guild rail
 * and the channel list and clear when read; a group DM of three is created, renamed and left.
 * Screenshots of every view go to e2e/artifacts/ (1280 and 390 px, light and dark).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { RestClient } from '@concord/client';
import { ensureWebBuild, launchBrowser, newPerson, screenshotPath, startServer, type Person, type ServerProcess, send } from './harness.js';

const PASSWORD = 'correct horse battery';

interface Who {
  person: Person;
  page: Page;
  id: string;
  username: string;
  rest: RestClient;
}

const receipt = (page: Page, text: string) => page.locator('[data-testid=message]', { hasText: text }).getByTestId('receipt');

async function receiptState(page: Page, text: string, state: string) {
  await page.locator(`[data-testid=message]:has-text("${text}") [data-testid=receipt][data-state=${state}]`).waitFor();
}

describe('home: friends, DMs, receipts and unread in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let alice: Who;
  let bob: Who;
  let carol: Who;
  let generalId = '';
  const tag = String(process.pid % 100000);

  async function person(name: string): Promise<Who> {
    const rest = new RestClient({ baseUrl: server.url });
    const username = `${name}${tag}`;
    const { token, user_id } = await rest.register({ email: `${username}@example.test`, username, password: PASSWORD });
    rest.token = token;
    const p = await newPerson(browser, server.url);
    await p.context.addInitScript((t) => localStorage.setItem('concord.token', t), token);
    return { person: p, page: p.page, id: user_id, username, rest };
  }

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer();
    browser = await launchBrowser();
    alice = await person('alice');
    bob = await person('bob');
    carol = await person('carol');
    // They share a server, so any of them may start a conversation (friends may too).
    const guild = await alice.rest.createGuild({ name: 'Home Test' });
    const channels = await alice.rest.listChannels(guild.id);
    generalId = channels.find((c) => c.type === 0)!.id;
    const invite = await alice.rest.createInvite(generalId, {});
    await bob.rest.acceptInvite(invite.code);
    await carol.rest.acceptInvite(invite.code);
    for (const w of [alice, bob, carol]) await w.page.goto('/channels/@me');
  }, 240_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const slug = ctx.task.name.replace(/\W+/g, '-').slice(0, 40);
    for (const w of [alice, bob, carol]) await w?.page.screenshot({ path: screenshotPath(`failed-home-${slug}-${w.username}.png`) }).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('two people become friends by username', async () => {
    const a = alice.page;
    const b = bob.page;
    await a.getByRole('button', { name: 'Add Friend' }).first().click();
    await a.getByRole('textbox', { name: 'Username' }).fill('nobody-like-that');
    await a.getByRole('button', { name: 'Send Friend Request' }).click();
    await a.getByRole('alert').filter({ hasText: "Hm, didn't work" }).waitFor();
    await a.getByRole('textbox', { name: 'Username' }).fill(bob.username);
    await a.getByRole('button', { name: 'Send Friend Request' }).click();
    await a.getByRole('status').filter({ hasText: `Success! Your friend request to ${bob.username} was sent.` }).waitFor();
    // Bob sees it pending (a badge on Friends) and accepts.
    await b.getByRole('link', { name: /Friends.*1 pending/ }).waitFor();
    await b.getByRole('button', { name: /^Pending/ }).click();
    await b.getByTestId('friend-row').filter({ hasText: 'Incoming Friend Request' }).waitFor();
    await b.getByRole('button', { name: `Accept ${alice.username}` }).click();
    await b.getByRole('button', { name: 'All', exact: true }).click();
    await b.getByTestId('friend-row').filter({ hasText: alice.username }).waitFor();
    await a.getByRole('button', { name: 'All', exact: true }).click();
    await a.getByTestId('friend-row').filter({ hasText: bob.username }).waitFor();
    // Online: both are connected.
    await a.getByRole('button', { name: 'Online', exact: true }).click();
    await a.getByTestId('friend-row').filter({ hasText: 'Online' }).waitFor();
  }, 60_000);

  it('DM each other: ticks go sent -> delivered -> read, with details; badges appear and clear', async () => {
    const a = alice.page;
    const b = bob.page;
    await a.getByRole('button', { name: `Message ${bob.username}` }).click();
    await a.locator('.channel-header', { hasText: bob.username }).waitFor();
    await send(a, 'hello bob, in private');
    // Bob is connected (on the friends page): delivered, not read.
    await receiptState(a, 'hello bob, in private', 'delivered');
    await b.getByTestId('dm-item').filter({ hasText: alice.username }).getByTestId('dm-badge').filter({ hasText: '1' }).waitFor();
    await b.waitForFunction(() => document.title.startsWith('(1) '));
    await send(a, 'a second one');
    await b.getByTestId('dm-badge').filter({ hasText: '2' }).waitFor();
    // Bob opens it: a "new" divider where he stopped; reading clears his badge and turns Alice's ticks.
    await b.getByTestId('dm-item').filter({ hasText: alice.username }).locator('a').click();
    await b.locator('[data-testid=message-content]', { hasText: 'a second one' }).waitFor();
    await b.getByTestId('unread-divider').waitFor();
    await receiptState(a, 'a second one', 'read');
    await receiptState(a, 'hello bob, in private', 'read');
    await expect(b.getByTestId('dm-badge').count()).resolves.toBe(0);
    await b.waitForFunction(() => !document.title.startsWith('('));
    // Details on click.
    await receipt(a, 'a second one').click();
    await a.getByRole('dialog', { name: 'Message info' }).filter({ hasText: /Read \d/ }).waitFor();
    await a.keyboard.press('Escape');
    // Bob answers; his own tick shows, Alice reads it at once (she is looking).
    await send(b, 'hi alice');
    await receiptState(b, 'hi alice', 'read');
    // Escape marks the channel read and drops the divider.
    await b.getByTestId('message-scroller').focus();
    await b.keyboard.press('Escape');
    await expect(b.getByTestId('unread-divider').count()).resolves.toBe(0);
  }, 60_000);

  it('mention badges on a guild channel and the guild icon appear and clear', async () => {
    const a = alice.page;
    const b = bob.page;
    // Bob has read #general once (a read position); then he is home while Alice mentions him.
    await alice.rest.sendMessage(generalId, { content: 'welcome everyone' });
    await b.getByRole('button', { name: 'Home Test' }).click();
    await b.locator('[data-testid=message-content]', { hasText: 'welcome everyone' }).waitFor();
    await b.waitForTimeout(600);
    await b.getByRole('button', { name: 'Direct Messages' }).click();
    await alice.rest.sendMessage(generalId, { content: `look here <@${bob.id}>` });
    await b.getByTestId('guild-badge').filter({ hasText: '1' }).waitFor();
    await b.waitForFunction(() => document.title.startsWith('(1) '));
    await b.screenshot({ path: screenshotPath('home-guild-badge-1280.png') });
    await b.getByRole('button', { name: 'Home Test' }).click();
    await b.locator('[data-testid=message-content]', { hasText: 'look here' }).waitFor();
    await b.getByTestId('guild-badge').waitFor({ state: 'detached' });
    // A second channel: unread is bold in the list while Bob reads #general.
    const other = await alice.rest.createChannel((await alice.rest.myGuilds())[0]!.id, { name: 'random' });
    await alice.rest.sendMessage(other.id, { content: `psst <@${bob.id}>` });
    const link = b.getByTestId('channel-link').filter({ hasText: 'random' });
    await link.and(b.locator('[data-unread]')).waitFor();
    // Never opened, yet the mention shows on the channel and on the guild icon.
    await link.getByTestId('channel-badge').filter({ hasText: '1' }).waitFor();
    await b.getByTestId('guild-badge').filter({ hasText: '1' }).waitFor();
    await b.screenshot({ path: screenshotPath('home-channel-unread-1280.png') });
    await link.click();
    await b.locator('[data-testid=message-content]', { hasText: 'psst' }).waitFor();
    await b.locator('[data-testid=channel-link][data-unread]').waitFor({ state: 'detached' });
    await b.getByTestId('guild-badge').waitFor({ state: 'detached' });
    // Alice's own sends never make her channels unread.
    await expect(a.locator('[data-testid=guild-icon][data-unread]').count()).resolves.toBe(0);
    // Bob blocks Alice: her guild messages are collapsed for him until he asks; then they make up.
    await bob.rest.request('PUT', `/users/@me/relationships/${alice.id}`, { body: { type: 2 } });
    await alice.rest.sendMessage(other.id, { content: 'can you see this' });
    const hidden = b.locator('[data-testid=message][data-blocked]').last();
    await hidden.waitFor();
    await expect(b.locator('[data-testid=message-content]', { hasText: 'can you see this' }).count()).resolves.toBe(0);
    await hidden.getByRole('button', { name: 'Show message' }).click();
    await b.locator('[data-testid=message-content]', { hasText: 'can you see this' }).waitFor();
    await bob.rest.request('DELETE', `/users/@me/relationships/${alice.id}`);
    await bob.rest.request('PUT', `/users/@me/relationships/${alice.id}`, { body: {} });
    await alice.rest.request('PUT', `/users/@me/relationships/${bob.id}`, { body: {} });
  }, 60_000);

  it('a group DM of three: created from the picker, ticks aggregate, renamed, left', async () => {
    const a = alice.page;
    const b = bob.page;
    const c = carol.page;
    for (const p of [b, c]) await p.getByRole('button', { name: 'Direct Messages' }).click();
    await a.getByRole('button', { name: 'Direct Messages' }).click();
    await a.getByRole('button', { name: 'Create DM' }).click();
    const dialog = a.getByRole('dialog', { name: 'Select Friends' });
    await dialog.getByRole('searchbox').fill(tag);
    await dialog.getByRole('checkbox', { name: bob.username }).check();
    await dialog.getByRole('checkbox', { name: carol.username }).check();
    await dialog.getByRole('button', { name: 'Create Group DM' }).click();
    await a.locator('.channel-header', { hasText: `${bob.username}, ${carol.username}` }).waitFor();
    await send(a, 'hello both');
    await receiptState(a, 'hello both', 'delivered');
    // Carol reads: read by 1 of 2 is still "delivered"; then Bob: read.
    await c.getByTestId('dm-item').filter({ hasText: bob.username }).locator('a').click();
    await c.locator('[data-testid=message-content]', { hasText: 'hello both' }).waitFor();
    await a.locator(`[data-testid=message]:has-text("hello both") [data-testid=receipt][title="Delivered to 2 of 2 · Read by 1 of 2"]`).waitFor();
    await b.getByTestId('dm-item').filter({ hasText: carol.username }).locator('a').click();
    await receiptState(a, 'hello both', 'read');
    // Renamed by Alice: everyone's header follows.
    await a.getByRole('button', { name: 'Rename group' }).click();
    await a.getByRole('dialog', { name: 'Rename group' }).getByRole('textbox').fill('The Three');
    await a.getByRole('button', { name: 'Save' }).click();
    for (const p of [a, b, c]) await p.locator('.channel-header', { hasText: 'The Three' }).waitFor();
    await a.screenshot({ path: screenshotPath('home-group-1280.png') });
    // Carol leaves: she is back home, the group is gone from her list, the others see two members.
    await c.getByRole('button', { name: 'Leave group' }).click();
    await c.locator('main.friends').waitFor();
    await expect(c.getByTestId('dm-item').filter({ hasText: 'The Three' }).count()).resolves.toBe(0);
    await b.getByTestId('dm-item').filter({ hasText: 'The Three' }).filter({ hasText: '2 Members' }).waitFor();
    // Alice adds her back: the group is in Carol's list again, with its history.
    await a.getByRole('button', { name: 'Add people' }).click();
    const add = a.getByRole('dialog', { name: 'Add to group' });
    await expect(add.getByRole('checkbox', { name: bob.username }).count()).resolves.toBe(0);
    await add.getByRole('checkbox', { name: carol.username }).check();
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await b.getByTestId('dm-item').filter({ hasText: 'The Three' }).filter({ hasText: '3 Members' }).waitFor();
    await c.getByTestId('dm-item').filter({ hasText: 'The Three' }).locator('a').click();
    await c.locator('[data-testid=message-content]', { hasText: 'hello both' }).waitFor();
    for (const w of [alice, bob, carol]) expect(w.person.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  }, 90_000);

  it("a group DM's member list: the owner removes and adds people up to 10, anyone leaves", async () => {
    const a = alice.page;
    const b = bob.page;
    const c = carol.page;
    const members = (p: Page) => p.getByRole('complementary', { name: 'Members' });
    const rows = (p: Page) => members(p).getByTestId('group-member');
    const count = (p: Page, n: number) => members(p).getByRole('heading', { name: `Members — ${n}` }).waitFor();
    const group = (await a.getByTestId('dm-item').filter({ hasText: 'The Three' }).getAttribute('data-channel-id'))!;
    // All three look at the group; its member list is beside it, the owner crowned.
    await b.getByTestId('dm-item').filter({ hasText: 'The Three' }).locator('a').click();
    for (const p of [a, b, c]) await count(p, 3);
    await rows(b).filter({ hasText: alice.username }).getByRole('img', { name: 'Group owner' }).waitFor();
    await expect(rows(b).filter({ hasText: bob.username }).getByRole('img', { name: 'Group owner' }).count()).resolves.toBe(0);
    // Only the owner may remove someone.
    await expect(members(b).getByRole('button', { name: /^Remove .* from group$/ }).count()).resolves.toBe(0);
    await expect(members(a).getByRole('button', { name: `Remove ${alice.username} from group` }).count()).resolves.toBe(0);
    await a.screenshot({ path: screenshotPath('home-group-members-1280.png') });
    // Alice removes Carol: Carol is taken home and the group leaves her list; Bob sees two.
    await members(a).getByRole('button', { name: `Remove ${carol.username} from group` }).click();
    await c.locator('main.friends').waitFor();
    await expect(c.getByTestId('dm-item').filter({ hasText: 'The Three' }).count()).resolves.toBe(0);
    await count(b, 2);
    await expect(rows(b).filter({ hasText: carol.username }).count()).resolves.toBe(0);
    // Added back from the list's own button.
    await members(a).getByRole('button', { name: 'Add members' }).click();
    const add = a.getByRole('dialog', { name: 'Add to group' });
    await add.getByRole('checkbox', { name: carol.username }).check();
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    for (const p of [a, b]) await count(p, 3);
    await c.getByTestId('dm-item').filter({ hasText: 'The Three' }).waitFor();
    // The header's toggle hides the list on a wide screen and brings it back.
    await a.getByRole('button', { name: 'Hide Member List' }).click();
    await members(a).waitFor({ state: 'hidden' });
    await a.getByRole('button', { name: 'Show Member List' }).click();
    await count(a, 3);
    // Seven more people (they share the server) fill it to Discord's limit of 10: no one more can be added.
    const invite = await alice.rest.createInvite(generalId, {});
    for (let i = 0; i < 7; i++) {
      const rest = new RestClient({ baseUrl: server.url });
      const username = `extra${i}x${tag}`;
      const { token, user_id } = await rest.register({ email: `${username}@example.test`, username, password: PASSWORD });
      rest.token = token;
      await rest.acceptInvite(invite.code);
      await alice.rest.request('PUT', `/channels/${group}/recipients/${user_id}`);
    }
    await count(a, 10);
    await count(b, 10);
    await expect(members(a).getByRole('button', { name: 'Add members' }).isDisabled()).resolves.toBe(true);
    await expect(a.getByRole('button', { name: 'Add people' }).isDisabled()).resolves.toBe(true);
    // An eleventh is refused (400 30004) and nothing changes.
    const rest = new RestClient({ baseUrl: server.url });
    const eleventh = await rest.register({ email: `eleventh${tag}@example.test`, username: `eleventh${tag}`, password: PASSWORD });
    rest.token = eleventh.token;
    await rest.acceptInvite(invite.code);
    const refused = await alice.rest.request('PUT', `/channels/${group}/recipients/${eleventh.user_id}`).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toMatchObject({ status: 400 });
    await count(a, 10);
    await a.screenshot({ path: screenshotPath('home-group-members-full-1280.png') });
    // Bob leaves: home for him, nine for the others, and room for one more.
    await b.locator('.channel-header').getByRole('button', { name: 'Leave group' }).click();
    await b.locator('main.friends').waitFor();
    await count(a, 9);
    await expect(members(a).getByRole('button', { name: 'Add members' }).isDisabled()).resolves.toBe(false);
    await alice.rest.request('PUT', `/channels/${group}/recipients/${bob.id}`);
    await count(a, 10);
    for (const w of [alice, bob, carol]) expect(w.person.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  }, 120_000);

  it('screenshots: every home view at 1280 and 390 px, light and dark', async () => {
    const a = alice.page;
    await a.goto('/channels/@me');
    const dmHref = await a.getByTestId('dm-item').filter({ hasText: bob.username }).locator('a').getAttribute('href');
    const groupHref = await a.getByTestId('dm-item').filter({ hasText: 'The Three' }).locator('a').getAttribute('href');
    const shots: [string, () => Promise<void>][] = [
      ['friends', async () => {
        await a.goto('/channels/@me');
        await a.getByRole('button', { name: 'All', exact: true }).click();
      }],
      ['add-friend', async () => {
        await a.goto('/channels/@me');
        await a.getByRole('button', { name: 'Add Friend' }).first().click();
      }],
      ['dm', async () => {
        await a.goto(dmHref!);
        await a.locator('[data-testid=message-content]', { hasText: 'hi alice' }).waitFor();
      }],
      ['receipt-details', async () => {
        await a.goto(groupHref!);
        await receipt(a, 'hello both').click();
        await a.getByRole('dialog', { name: 'Message info' }).waitFor();
      }],
      ['group-members', async () => {
        await a.goto(groupHref!);
        await a.locator('[data-testid=message-content]', { hasText: 'hello both' }).waitFor();
        const drawer = a.getByRole('button', { name: 'Show members' });
        if (await drawer.isVisible()) {
          await drawer.click();
          await a.waitForTimeout(300);
        }
        await a.getByRole('complementary', { name: 'Members' }).getByRole('heading', { name: /Members — \d+/ }).waitFor();
      }],
      ['privacy', async () => {
        await a.goto('/channels/@me');
        await a.locator('main.friends').waitFor();
        const drawer = a.getByRole('button', { name: 'Open conversations' });
        if (await drawer.isVisible()) {
          await drawer.click();
          await a.waitForTimeout(300);
        }
        await a.getByRole('button', { name: 'Privacy & Safety' }).click();
        await a.getByRole('radio', { name: /Friends and server members/ }).and(a.locator(':checked')).waitFor();
      }],
      ['picker', async () => {
        await a.goto('/channels/@me');
        await a.locator('main.friends').waitFor();
        const drawer = a.getByRole('button', { name: 'Open conversations' });
        if (await drawer.isVisible()) {
          await drawer.click();
          await a.waitForTimeout(300);
        }
        await a.getByRole('button', { name: 'Find or start a conversation' }).click();
        await a.getByRole('dialog', { name: 'Select Friends' }).waitFor();
      }],
    ];
    for (const width of [1280, 390]) {
      await a.setViewportSize({ width, height: width > 800 ? 800 : 844 });
      for (const theme of ['light', 'dark']) {
        await a.evaluate((t) => localStorage.setItem('concord.theme', t), theme);
        for (const [name, show] of shots) {
          await show();
          await a.waitForTimeout(150);
          await a.screenshot({ path: screenshotPath(`home-${name}-${width}-${theme}.png`) });
        }
      }
    }
    // Phone: the conversations drawer.
    await a.goto('/channels/@me');
    await a.getByRole('button', { name: 'Open conversations' }).click();
    await a.waitForTimeout(300);
    await a.screenshot({ path: screenshotPath('home-drawer-390-dark.png') });
  }, 120_000);
});
