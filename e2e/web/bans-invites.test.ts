/**
 * Server settings > Overview, Members, Bans and Invites in Chromium: the owner bans Carol from her row's "..." menu,
 * finds the ban by searching, reads its reason and revokes it; the Invites tab lists the links with inviter, uses and
 * expiry, and revoking one makes it unusable; Overview saves the name and verification level; Bob leaves; the owner
 * deletes the server after typing its name. Screenshots (1280 px and 390 px, light and dark) go to e2e/artifacts/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { join, newGuild, newUser, type TestGuild, type TestUser } from '@concord/server/testing';
import { ensureWebBuild, launchBrowser, newPerson, openAs, screenshotPath, startServer, type Person, type ServerProcess } from './harness.js';

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

/** Opens Server settings on `tab` (the layer stays open between tests; a test run alone opens it). */
async function settingsTab(page: Page, tab: string) {
  if ((await page.getByRole('dialog', { name: 'Server settings' }).count()) === 0) await page.getByRole('button', { name: 'Server settings' }).click();
  await page.getByRole('button', { name: tab, exact: true }).click();
}

describe('bans and invites in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let alice: Person;
  let bobPerson: Person;
  let a: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let guild: TestGuild;
  let code: string;

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer();
    browser = await launchBrowser();
    a = await newUser(server.url, 'alice');
    bob = await newUser(server.url, 'bob');
    carol = await newUser(server.url, 'carol');
    guild = await newGuild(a.api, 'Moderated');
    await join(a.api, bob.api, guild.generalId);
    await join(a.api, carol.api, guild.generalId);
    // A link with a limit and an expiry, used once, beside the unlimited ones `join` made.
    code = (await a.api.ok.post<{ code: string }>(`/channels/${guild.generalId}/invites`, { max_age: 86_400, max_uses: 10 })).code;
    const dave = await newUser(server.url, 'dave');
    expect((await dave.api.post(`/invites/${code}`)).status).toBe(200);
    alice = await newPerson(browser, server.url);
    await openAs(alice, a, `/channels/${guild.id}/${guild.generalId}`);
    bobPerson = await newPerson(browser, server.url);
    await openAs(bobPerson, bob, `/channels/${guild.id}/${guild.generalId}`);
  }, 240_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await alice?.page.screenshot({ path: screenshotPath('failed-bans-invites-alice.png') }).catch(() => undefined);
    await bobPerson?.page.screenshot({ path: screenshotPath('failed-bans-invites-bob.png') }).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it("bans from a member row's menu, then finds, reads and revokes the ban", async () => {
    const p = alice.page;
    await settingsTab(p, 'Members');
    // One "..." per row, the same size on every row; the owner's own row has nothing to offer.
    const rows = p.locator('.settings-member');
    await rows.filter({ hasText: carol.username }).waitFor();
    const sizes = await p.locator('.settings-member .row-more, .settings-member .row-more-spacer').evaluateAll((els) => els.map((e) => `${e.getBoundingClientRect().width}x${e.getBoundingClientRect().height}`));
    expect(sizes.length).toBe(await rows.count());
    expect(new Set(sizes).size).toBe(1);
    await expect.poll(() => rows.filter({ hasText: a.username }).locator('.row-more').count()).toBe(0);
    await p.getByRole('button', { name: `More actions for ${carol.username}` }).click();
    const menu = p.getByRole('menu', { name: `Actions for ${carol.username}` });
    await menu.getByRole('button', { name: `Ban ${carol.username}` }).waitFor();
    await shoot(p, 'settings-members-menu');
    await menu.getByRole('button', { name: `Ban ${carol.username}` }).click();
    const confirm = p.getByRole('dialog', { name: `Ban ${carol.username}` });
    await confirm.getByLabel('Reason').fill('raiding the server');
    await confirm.getByRole('button', { name: 'Ban', exact: true }).click();
    await rows.filter({ hasText: carol.username }).waitFor({ state: 'detached' });

    await p.getByRole('button', { name: 'Bans', exact: true }).click();
    const list = p.getByRole('list', { name: 'Banned users' });
    await list.getByRole('button', { name: `Ban of ${carol.username}` }).waitFor();
    await p.getByText('1 Ban', { exact: true }).waitFor();
    await shoot(p, 'settings-bans');
    // Search by name and by id; a search that matches nobody says so.
    await p.getByLabel('Search bans').fill('nobody-here');
    await p.getByText('No bans match that search.').waitFor();
    await p.getByLabel('Search bans').fill(carol.id);
    await list.getByRole('button', { name: `Ban of ${carol.username}` }).waitFor();
    await p.getByLabel('Search bans').fill(carol.username.slice(0, 4).toUpperCase());
    await list.getByRole('button', { name: `Ban of ${carol.username}` }).click();
    const card = p.getByRole('dialog', { name: `Ban of ${carol.username}` });
    await card.getByText('raiding the server').waitFor();
    await shoot(p, 'settings-ban-card');
    await card.getByRole('button', { name: 'Revoke Ban' }).click();
    await card.waitFor({ state: 'detached' });
    await p.getByText('0 Bans', { exact: true }).waitFor();
    expect((await a.api.get(`/guilds/${guild.id}/bans/${carol.id}`)).status).toBe(404);
    // Unbanned, Carol can come back through an invite.
    expect((await carol.api.post(`/invites/${code}`)).status).toBe(200);
  }, 120_000);

  it('lists invites with inviter, uses and expiry, and revokes one', async () => {
    const p = alice.page;
    await settingsTab(p, 'Invites');
    const table = p.getByRole('table', { name: 'Active invites' });
    const row = table.locator(`tr[data-code="${code}"]`);
    await row.waitFor();
    // Dave and then Carol used it: 2 of 10; it expires in a day (shown as d:hh:mm, counting down).
    await expect.poll(() => row.locator('.invite-uses').textContent()).toBe('2/10');
    expect(await row.locator('.invite-inviter').textContent()).toContain(a.username);
    expect(await row.locator('.invite-expires').textContent()).toMatch(/^(0:23:5\d|1:00:00)$|^23:5\d:\d\d$/);
    expect(await table.locator('tbody tr').count()).toBe(3);
    await row.hover();
    await shoot(p, 'settings-invites');
    await row.getByRole('button', { name: `Revoke invite ${code}` }).click();
    await row.waitFor({ state: 'detached' });
    expect(await table.locator('tbody tr').count()).toBe(2);
    expect((await bob.api.get(`/invites/${code}`)).status).toBe(404);
  }, 60_000);

  it('a timed-out or AutoMod-quarantined member sees why they cannot send, and the notice goes when it ends', async () => {
    const b = bobPerson.page;
    const notice = b.locator('.restricted-notice');
    await a.api.ok.patch(`/guilds/${guild.id}/members/${bob.id}`, { communication_disabled_until: new Date(Date.now() + 3_600_000).toISOString() });
    await notice.getByText(/You are timed out until/).waitFor();
    await b.screenshot({ path: screenshotPath('timed-out-notice-1280.png') });
    await a.api.ok.patch(`/guilds/${guild.id}/members/${bob.id}`, { communication_disabled_until: null });
    await notice.waitFor({ state: 'detached' });
    const rule = await a.api.ok.post<{ id: string }>(`/guilds/${guild.id}/auto-moderation/rules`, { name: 'Names', event_type: 2, trigger_type: 6, trigger_metadata: { keyword_filter: ['scam*'] }, actions: [{ type: 4 }], enabled: true });
    await bob.api.ok.patch(`/guilds/${guild.id}/members/@me`, { nick: 'scammer' });
    await notice.getByText(/blocked in this server by AutoMod/).waitFor();
    await bob.api.ok.patch(`/guilds/${guild.id}/members/@me`, { nick: 'bob' });
    await notice.waitFor({ state: 'detached' });
    await a.api.ok.delete(`/guilds/${guild.id}/auto-moderation/rules/${rule.id}`);
  }, 60_000);

  it('a hoisted role lists its online members under its name in the member list, live', async () => {
    const p = alice.page;
    const role = await a.api.ok.post<{ id: string }>(`/guilds/${guild.id}/roles`, { name: 'Helpers' });
    await a.api.ok.put(`/guilds/${guild.id}/members/${bob.id}/roles/${role.id}`);
    await settingsTab(p, 'Roles');
    await p.getByRole('list', { name: 'Roles' }).getByText('Helpers').click();
    await p.getByRole('switch', { name: 'Display role members separately' }).click();
    await p.locator('[role=switch][aria-label="Display role members separately"][aria-checked=true]').waitFor();
    await p.getByRole('button', { name: 'Close settings' }).click();
    // Bob goes by the nickname he took in the test before.
    const group = p.getByTestId(`member-list-role-${role.id}`);
    await group.getByText('bob', { exact: true }).waitFor();
    await p.locator('.members h3', { hasText: 'Helpers — 1' }).waitFor();
    expect(await p.getByTestId('member-list').getByText('bob', { exact: true }).count()).toBe(0);
    await p.screenshot({ path: screenshotPath('member-list-hoisted-1280.png') });
  }, 60_000);

  it('overview saves the name and verification level; a member leaves; the owner deletes the server after typing its name', async () => {
    const p = alice.page;
    await settingsTab(p, 'Overview');
    await p.locator('input[name=server-name]').fill('Moderated Club');
    await p.getByRole('radio', { name: /^Medium/ }).check();
    await p.getByRole('region', { name: 'Unsaved changes' }).waitFor();
    await shoot(p, 'settings-overview');
    await p.getByRole('button', { name: 'Save Changes' }).click();
    await p.getByRole('region', { name: 'Unsaved changes' }).waitFor({ state: 'detached' });
    const saved = await a.api.ok.get<{ name: string; verification_level: number }>(`/guilds/${guild.id}`);
    expect(saved).toMatchObject({ name: 'Moderated Club', verification_level: 2 });
    // Everyone's client learns the new name live.
    await bobPerson.page.locator('.sidebar-header h2', { hasText: 'Moderated Club' }).waitFor();

    // Bob leaves, after confirming; his client loses the server, Alice's member list loses him.
    const b = bobPerson.page;
    await b.getByRole('button', { name: 'Leave server' }).click();
    const leave = b.getByRole('dialog', { name: "Leave 'Moderated Club'" });
    await leave.getByRole('button', { name: 'Leave Server' }).click();
    await b.locator('.sidebar-header h2', { hasText: 'Moderated Club' }).waitFor({ state: 'detached' });
    expect((await a.api.get(`/guilds/${guild.id}/members/${bob.id}`)).status).toBe(404);

    // The owner has no "Leave server"; deleting asks for the exact name first.
    expect(await p.getByRole('button', { name: 'Leave server' }).count()).toBe(0);
    await p.getByRole('button', { name: 'Delete Server' }).click();
    const confirm = p.getByRole('dialog', { name: "Delete 'Moderated Club'" });
    const submit = confirm.getByRole('button', { name: 'Delete Server' });
    expect(await submit.isDisabled()).toBe(true);
    await confirm.locator('input[name=confirm-server-name]').fill('Moderated Club');
    await p.screenshot({ path: screenshotPath('settings-delete-server-1280.png') });
    await submit.click();
    await p.getByRole('dialog', { name: 'Server settings' }).waitFor({ state: 'detached' });
    expect((await a.api.get(`/guilds/${guild.id}`)).status).toBe(404);
  }, 90_000);
});
