/**
 * Harness for the browser tests: builds the web app when it is missing or older than its sources, runs the
 * real server as a child process (so it can be stopped and restarted on the same port and data directory),
 * and launches the system Chromium with networking limited to that server.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { freePort } from '@concord/server/testing';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_DIST = path.join(ROOT, 'apps/web/dist');
export const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

/** Rebuilds apps/web/dist when any source it is built from changed after the last build. */
export function ensureWebBuild(): void {
  const index = path.join(WEB_DIST, 'index.html');
  const sources = ['apps/web/src', 'apps/web/index.html', 'apps/web/vite.config.ts', 'packages/client/src', 'packages/protocol/src'];
  const newest = Math.max(...sources.map((s) => newestMtime(path.join(ROOT, s))));
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= newest) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: path.join(ROOT, 'apps/web'),
    // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'inherit',
    timeout: 180_000,
  });
}


export interface ServerProcess {
  url: string;
  port: number;
  dataDir: string;
  /** Graceful stop (SIGTERM: clients get op 7), then waits for the process to exit. */
  stop(): Promise<void>;
  /** Starts again on the same port and data directory. */
  restart(): Promise<void>;
  /** Stops and removes the data directory. */
  dispose(): Promise<void>;
}

/** `env`: extra server settings (e.g. VOICE_ADDRESSES=127.0.0.1 so voice media stays on loopback). */
export async function startServer(env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-web-e2e-'));
  let proc: ChildProcess | null = null;
  let output = '';

  const start = () =>
    new Promise<void>((resolve, reject) => {
      output = '';
      const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
        cwd: ROOT,
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATA_DIR: dataDir,
          WEB_DIR: WEB_DIST,
          RATE_LIMIT_SCALE: '20',
          ARGON2_MEMORY_KIB: '1024',
          ARGON2_TIME_COST: '1',
          LOG_LEVEL: 'warn',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      proc = child;
      const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
      const onData = (b: Buffer) => {
        output += b.toString();
        if (output.includes('Concord listening')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${output}`));
      });
    });

  const stop = async () => {
    const child = proc;
    proc = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  };

  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    stop,
    restart: start,
    async dispose() {
      await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface BrowserOptions {
  /**
   * Fake microphone and camera (a beep and a test pattern), granted without asking, audio that plays without a
   * gesture, and WebRTC host candidates on real addresses: what the voice tests need.
   */
  fakeMedia?: boolean;
}

const FAKE_MEDIA_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--auto-select-desktop-capture-source=Entire screen',
];

export async function launchBrowser(opts: BrowserOptions = {}): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      ...(opts.fakeMedia ? FAKE_MEDIA_ARGS : []),
    ],
  });
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far. */
  errors: string[];
}

/** A browser context that can reach only the test server, with a default wait that fails rather than hangs. */
export async function newPerson(browser: Browser, baseUrl: string): Promise<Person> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(20_000);
  await context.route('**/*', (route) => (route.request().url().startsWith(baseUrl) ? route.continue() : route.abort()));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  return { context, page, errors };
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/** Signs `person` in with a token (as the login page would store it) and opens `path`, waiting for `ready`. */
export async function openAs(person: Person, user: { token: string }, path: string, ready = 'textarea[name=message]'): Promise<void> {
  await person.page.goto('/login');
  await person.page.evaluate((t) => localStorage.setItem('concord.token', t), user.token);
  await person.page.goto(path);
  await person.page.locator(ready).first().waitFor();
}

/** Types `text` in the composer and presses Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const box = page.locator('textarea[name=message]');
  await box.fill(text);
  await box.press('Enter');
}

/** The message row whose text contains `text`, within `scope` (a CSS selector) when given. */
export const messageRow = (page: Page, text: string, scope = ''): Locator =>
  page.locator(`${scope ? `${scope} ` : ''}[data-testid=message]`, { has: page.locator('[data-testid=message-content]', { hasText: text }) });
