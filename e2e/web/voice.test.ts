/**
 * Voice in Chromium with fake devices (a beeping microphone, a test-pattern camera): three people click the voice
 * channel and each hears the other two (inbound RTP bytes and audio energy from WebRTC's stats), a mute stops
 * that person's audio for everyone, a camera's frames are decoded by the others, a screen share reaches all, a
 * deafened person receives no audio, speaking shows as a ring, and after a server restart everyone still in the
 * channel reconnects by themselves.
 * Media goes through the server's own SFU over UDP on loopback. Screenshots go to e2e/artifacts/.
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

/** Every RTCPeerConnection the page makes, for its stats (the app keeps its own to itself). */
const RECORD_PEER_CONNECTIONS = () => {
  const Native = window.RTCPeerConnection;
  const list: RTCPeerConnection[] = [];
  (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = list;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      list.push(this);
    }
  } as typeof RTCPeerConnection;
};

interface Rtp {
  mid: string;
  kind: string;
  bytes: number;
  energy: number;
  frames: number;
}

/** Inbound and outbound RTP of the page's latest peer connection. */
async function rtp(page: Page): Promise<{ inbound: Rtp[]; outbound: Rtp[] }> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const pc = pcs[pcs.length - 1];
    const inbound: Rtp[] = [];
    const outbound: Rtp[] = [];
    if (!pc) return { inbound, outbound };
    const stats = await pc.getStats();
    stats.forEach((s: any) => {
      if (s.type === 'inbound-rtp') inbound.push({ mid: s.mid, kind: s.kind, bytes: s.bytesReceived ?? 0, energy: s.totalAudioEnergy ?? 0, frames: s.framesDecoded ?? 0 });
      if (s.type === 'outbound-rtp') outbound.push({ mid: s.mid, kind: s.kind, bytes: s.bytesSent ?? 0, energy: 0, frames: 0 });
    });
    return { inbound, outbound };
  });
}

/** Audio streams whose bytes grew over `ms`. */
async function growingAudio(page: Page, ms = 2500): Promise<Rtp[]> {
  const before = new Map((await rtp(page)).inbound.filter((r) => r.kind === 'audio').map((r) => [r.mid, r.bytes]));
  await page.waitForTimeout(ms);
  return (await rtp(page)).inbound.filter((r) => r.kind === 'audio' && r.bytes > (before.get(r.mid) ?? 0));
}

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T = await fn();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 300));
    last = await fn();
  }
  return last;
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

describe('voice in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let people: Person[] = [];
  const tag = String(process.pid % 100000);
  const names = [`alice${tag}`, `bob${tag}`, `carol${tag}`];

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer({ VOICE_ADDRESSES: '127.0.0.1' });
    browser = await launchBrowser({ fakeMedia: true });
    people = await Promise.all(names.map(() => newPerson(browser, server.url)));
    for (const p of people) await p.context.addInitScript(RECORD_PEER_CONNECTIONS);
  }, 240_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    for (const [i, person] of people.entries()) {
      await person.page.screenshot({ path: screenshotPath(`failed-voice-${i}.png`) }).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('three people join, hear each other, a mute silences one, a camera and a screen are seen, deafen stops inbound, a restart reconnects', async () => {
    const [alice, bob, carol] = people.map((p) => p.page) as [Page, Page, Page];
    await alice.goto('/register');
    await register(alice, names[0]!);
    await alice.getByRole('button', { name: 'Create a server' }).click();
    await alice.fill('input[name=guild-name]', 'Voice');
    await alice.getByRole('button', { name: 'Create', exact: true }).click();
    await alice.locator('.channel-header', { hasText: 'general' }).waitFor();
    await alice.getByRole('button', { name: 'Invite people' }).click();
    await alice.waitForFunction(() => (document.querySelector('input[name=invite-link]') as HTMLInputElement | null)?.value.includes('/invite/'));
    const inviteUrl = await alice.locator('input[name=invite-link]').inputValue();
    await alice.getByRole('button', { name: 'Done' }).click();
    await joinThrough(bob, inviteUrl, names[1]!);
    await joinThrough(carol, inviteUrl, names[2]!);

    for (const page of [alice, bob, carol]) {
      await page.locator('a.channel.voice', { hasText: 'General' }).click();
      await page.getByText('Voice Connected').waitFor({ timeout: 20_000 });
    }
    // Everyone sees the three of them under the channel.
    for (const page of [alice, bob, carol]) await until('three in the channel', () => page.locator('.voice-member').count(), (n) => n === 3);

    // Each hears the two others: two inbound audio streams grow, with energy (the fake microphone beeps).
    for (const page of [alice, bob, carol]) {
      const audio = await until('two growing audio streams', () => growingAudio(page, 1500), (list) => list.length === 2);
      await until('audio energy', async () => (await rtp(page)).inbound.filter((r) => r.kind === 'audio' && r.energy > 0).length, (n) => n === 2);
      expect(audio.every((r) => r.bytes > 0)).toBe(true);
    }

    // The beep makes rings: someone else is seen speaking.
    await alice.locator('.voice-member.speaking').first().waitFor({ timeout: 15_000 });
    await shoot(alice, 'voice-channel');

    // Alice mutes: her outbound audio stops, and the others each hear one stream fewer.
    await alice.getByRole('button', { name: 'Mute', exact: true }).click();
    const sent = async () => (await rtp(alice)).outbound.filter((r) => r.kind === 'audio').reduce((n, r) => n + r.bytes, 0);
    await alice.waitForTimeout(500);
    const mutedAt = await sent();
    await alice.waitForTimeout(2000);
    expect(await sent()).toBe(mutedAt);
    for (const page of [bob, carol]) await until('one growing audio stream', () => growingAudio(page, 1500), (list) => list.length === 1);
    await alice.getByRole('button', { name: 'Unmute' }).click();
    await until('two growing again', () => growingAudio(bob, 1500), (list) => list.length === 2);

    // Bob turns his camera on: Alice and Carol decode its frames and show them.
    await bob.getByRole('button', { name: 'Turn on camera' }).click();
    for (const page of [alice, carol]) {
      await until('decoded video frames', async () => (await rtp(page)).inbound.filter((r) => r.kind === 'video').reduce((n, r) => n + r.frames, 0), (n) => n > 10);
      const video = page.getByLabel(`${names[1]}'s camera`);
      await video.waitFor();
      await until('a playing camera', () => video.evaluate((v: HTMLVideoElement) => v.videoWidth), (w) => w > 0);
    }
    await shoot(alice, 'voice-camera');
    // On a phone the channel list (with the voice panel) is a drawer.
    await alice.setViewportSize({ width: 390, height: 800 });
    await alice.getByRole('button', { name: 'Open channels' }).click();
    await alice.screenshot({ path: screenshotPath('voice-panel-390.png') });
    await alice.keyboard.press('Escape');
    await alice.setViewportSize({ width: 1280, height: 800 });

    // Carol shares her screen: it reaches both others.
    await carol.getByRole('button', { name: 'Share your screen' }).click();
    for (const page of [alice, bob]) {
      const screen = page.getByLabel(`${names[2]}'s screen`);
      await screen.waitFor();
      await until('a playing screen', () => screen.evaluate((v: HTMLVideoElement) => v.videoWidth), (w) => w > 0);
    }
    await shoot(bob, 'voice-screen');

    // Carol deafens: nothing reaches her any more (and she is muted too, as on Discord).
    await carol.getByRole('button', { name: 'Deafen', exact: true }).click();
    await until('no growing audio', () => growingAudio(carol, 1500), (list) => list.length === 0);
    await until('carol silent for alice', () => growingAudio(alice, 1500), (list) => list.length === 1);

    // Carol leaves: the others see two in the channel.
    await carol.getByRole('button', { name: 'Disconnect' }).click();
    await until('two in the channel', () => alice.locator('.voice-member').count(), (n) => n === 2);

    // The server restarts: Alice and Bob reconnect by themselves, back in the channel, hearing each other.
    await server.stop();
    await server.restart();
    for (const page of [alice, bob]) {
      await page.getByText('Voice Connected').waitFor({ timeout: 45_000 });
      await until('two in the channel again', () => page.locator('.voice-member').count(), (n) => n === 2, 30_000);
    }
    await until('bob hears alice again', () => growingAudio(bob, 1500), (list) => list.length === 1, 30_000);
    await until('alice hears bob again', () => growingAudio(alice, 1500), (list) => list.length === 1, 30_000);
  }, 240_000);
});
