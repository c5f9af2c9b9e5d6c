/**
 * The admin CLI beside a running server: accounts created, reset and disabled take effect at once; a backup
 * taken under load restores to a database holding every message acknowledged before the backup began.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../src/admin.js';
import { Api, newGuild, newUser, startTestServer, uniq, type TestServer } from '../src/testing.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const env = (srv: TestServer) => ({ DATA_DIR: srv.app.config.dataDir, ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' });

function cli(args: string[], extraEnv: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/admin.ts', ...args], {
      cwd: root,
      env: { ...process.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv?.close();
});

const login = (login: string, password: string) => new Api(srv.base).post('/auth/login', { login, password });

describe('accounts', () => {
  it('create-user, reset-password and disable-user take effect on the running server', async () => {
    const username = uniq('admin');
    const email = `${username}@example.test`;
    expect(await runAdmin(['create-user', '--email', email, '--username', username, '--password', 'first password'], env(srv))).toEqual([
      expect.stringMatching(new RegExp(`^created ${username} \\(\\d+\\)$`)),
    ]);
    const first = await login(email, 'first password');
    expect(first.status).toBe(200);

    await runAdmin(['reset-password', '--user', username, '--password', 'second password'], env(srv));
    expect((await login(email, 'first password')).status).toBe(400);
    // Every session was signed out.
    expect((await new Api(srv.base, first.body.token).get('/users/@me')).status).toBe(401);
    const second = await login(email, 'second password');
    expect(second.status).toBe(200);

    await runAdmin(['disable-user', '--user', email], env(srv));
    expect((await login(email, 'second password')).status).toBe(400);
    expect((await new Api(srv.base, second.body.token).get('/users/@me')).status).toBe(401);
    // reset-password enables it again.
    await runAdmin(['reset-password', '--user', email, '--password', 'third password'], env(srv));
    expect((await login(email, 'third password')).status).toBe(200);
  });

  it('refuses bad input with a clear message and lists guilds', async () => {
    await expect(runAdmin(['create-user', '--email', 'x@example.test'], env(srv))).rejects.toThrow(/--username is required/);
    await expect(runAdmin(['disable-user', '--user', 'nobody_here'], env(srv))).rejects.toThrow(/No account nobody_here/);
    await expect(runAdmin(['explode'], env(srv))).rejects.toThrow(/Unknown command explode/);
    const owner = await newUser(srv.base);
    const g = await newGuild(owner.api, 'Listed Guild');
    const lines = await runAdmin(['list-guilds'], env(srv));
    expect(lines[0]).toBe('id\towner_id\tmembers\tname');
    expect(lines).toContain(`${g.guild.id}\t${owner.id}\t1\tListed Guild`);
  });
});

describe('backup and restore', () => {
  it('npm run admin -- backup, under load, restores every message acknowledged before it began', async () => {
    const owner = await newUser(srv.base);
    const g = await newGuild(owner.api);
    const acked: string[] = [];
    let sending = true;
    const sender = (async () => {
      for (let i = 0; sending; i++) {
        const r = await owner.api.post(`/channels/${g.generalId}/messages`, { content: `load ${i}` });
        if (r.status === 200) acked.push(r.body.id);
      }
    })();
    while (acked.length < 20) await new Promise((r) => setTimeout(r, 20));
    const before = [...acked];
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'concord-backup-')), 'backup.db');
    const result = await cli(['backup', '--out', out], env(srv));
    sending = false;
    await sender;
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain(`backup written to ${out}`);

    // Restore: the backup file becomes concord.db of a fresh data directory.
    const restoredDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-restore-'));
    fs.copyFileSync(out, path.join(restoredDir, 'concord.db'));
    const restored = await startTestServer({ dataDir: restoredDir });
    try {
      const again = await new Api(restored.base).post('/auth/login', { login: owner.email, password: owner.password });
      expect(again.status).toBe(200);
      const api = new Api(restored.base, again.body.token);
      const ids = new Set<string>();
      for (let before: string | undefined; ; ) {
        const page = await api.ok.get<{ id: string }[]>(`/channels/${g.generalId}/messages?limit=100${before ? `&before=${before}` : ''}`);
        for (const m of page) ids.add(m.id);
        if (page.length < 100) break;
        before = page[page.length - 1]!.id;
      }
      expect(before.filter((id) => !ids.has(id))).toEqual([]);
    } finally {
      await restored.close();
    }
  }, 90_000);

  it('--help answers the usage', async () => {
    const r = await cli(['--help'], {});
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: npm run admin -- <command>');
  }, 60_000);
});
