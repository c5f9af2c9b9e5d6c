/**
 * The operator's command line: `npm run admin -- <command> [options]`. It opens the same database the server
 * uses (DATA_DIR or DATABASE_URL, as env vars or flags) and may run while the server does: SQLite takes one
 * writer at a time and waits for the other, PostgreSQL is built for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import argon2 from 'argon2';
import { RegisterBody } from '@concord/protocol';
import { allMigrations, createStores, openDb } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createIdSource } from './lib/ids.js';
import { ApiError } from './lib/errors.js';
import { hashOptions, register } from './modules/auth/service.js';
import { migrate } from './store/migrations.js';
import type { Db } from './store/db.js';
import { SqliteDb } from './store/sqlite/driver.js';

const USAGE = `Usage: npm run admin -- <command> [options] [server options such as --data-dir or --database-url]

Commands:
  create-user --email E --username U --password P   a new account (for closed registration)
  reset-password --user U|E --password P             sets the password, signs every session out, re-enables a disabled account
  disable-user --user U|E                            refuses its logins and revokes its tokens (reset-password enables it again)
  list-guilds                                        id, owner, members and name of every guild
  backup --out FILE                                  a consistent copy of the SQLite database, taken while the server runs`;

const COMMAND_FLAGS = new Set(['--email', '--username', '--password', '--user', '--out']);

export class AdminError extends Error {}

/** Splits the command's own flags from the server options (given to loadConfig). */
function parseArgs(argv: string[]): { command: string | undefined; opts: Record<string, string>; rest: string[] } {
  const [command, ...args] = argv;
  const opts: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    if (!COMMAND_FLAGS.has(name)) {
      rest.push(args[i]!);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new AdminError(`Option ${name} needs a value`);
    opts[name.slice(2)] = value;
  }
  return { command, opts, rest };
}

function need(opts: Record<string, string>, name: string): string {
  const v = opts[name];
  if (v === undefined || v === '') throw new AdminError(`--${name} is required\n\n${USAGE}`);
  return v;
}

async function findUser(db: Db, who: string): Promise<{ id: string; username: string }> {
  const key = who.toLowerCase();
  const row = await db.get<{ id: string | number; username: string; bot: number | boolean }>(
    key.includes('@') ? 'SELECT id, username, bot FROM users WHERE email = ?' : 'SELECT id, username, bot FROM users WHERE username = ?',
    [key],
  );
  if (!row) throw new AdminError(`No account ${who}`);
  if (Number(row.bot)) throw new AdminError(`${who} is a bot: manage it through its application`);
  return { id: String(row.id), username: row.username };
}

/** Runs one command; answers the lines to print. Exported for tests, which call it beside a running server. */
export async function runAdmin(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const { command, opts, rest } = parseArgs(argv);
  if (!command || command === 'help' || command === '--help' || command === '-h') return [USAGE];
  const known = ['create-user', 'reset-password', 'disable-user', 'list-guilds', 'backup'];
  if (!known.includes(command)) throw new AdminError(`Unknown command ${command}\n\n${USAGE}`);
  const config: Config = loadConfig(env, rest);
  if (command === 'backup' && config.databaseUrl) {
    throw new AdminError('backup copies the SQLite database; for PostgreSQL use pg_dump (see docs/operations.md)');
  }
  const db = openDb(config);
  try {
    await migrate(db, allMigrations);
    switch (command) {
      case 'create-user': {
        const body = RegisterBody.safeParse({ email: need(opts, 'email'), username: need(opts, 'username'), password: need(opts, 'password') });
        if (!body.success) throw new AdminError(body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
        const stores = createStores(db);
        const ids = createIdSource(config.workerId, config.processId);
        const { user_id } = await register({ ...stores, ids, config }, body.data);
        return [`created ${body.data.username} (${user_id})`];
      }
      case 'reset-password': {
        const user = await findUser(db, need(opts, 'user'));
        const password = need(opts, 'password');
        if (password.length < 8 || password.length > 128) throw new AdminError('--password must be 8 to 128 characters');
        const hash = await argon2.hash(password, hashOptions({ config }));
        await db.tx(async (q) => {
          await q.run('UPDATE users SET password_hash = ? WHERE id = ?', [hash, user.id]);
          await q.run('DELETE FROM tokens WHERE user_id = ?', [user.id]);
        });
        return [`password of ${user.username} reset; every session signed out`];
      }
      case 'disable-user': {
        const user = await findUser(db, need(opts, 'user'));
        await db.tx(async (q) => {
          await q.run('UPDATE users SET password_hash = NULL WHERE id = ?', [user.id]);
          await q.run('DELETE FROM tokens WHERE user_id = ?', [user.id]);
        });
        return [`${user.username} disabled: logins refused, tokens revoked`];
      }
      case 'list-guilds': {
        const rows = await db.all<{ id: string | number; name: string; owner_id: string | number; members: number | string }>(
          'SELECT g.id, g.name, g.owner_id, (SELECT COUNT(*) FROM members m WHERE m.guild_id = g.id) AS members FROM guilds g ORDER BY g.id',
        );
        return ['id\towner_id\tmembers\tname', ...rows.map((r) => `${r.id}\t${r.owner_id}\t${r.members}\t${r.name}`)];
      }
      case 'backup': {
        const out = path.resolve(need(opts, 'out'));
        if (fs.existsSync(out)) throw new AdminError(`${out} exists; choose a new file`);
        fs.mkdirSync(path.dirname(out), { recursive: true });
        // One read transaction: a consistent snapshot of every commit before it began, while writers go on.
        (db as SqliteDb).raw.prepare('VACUUM INTO ?').run(out);
        return [`backup written to ${out} (${fs.statSync(out).size} bytes)`];
      }
    }
    return [];
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  try {
    for (const line of await runAdmin(process.argv.slice(2))) console.info(line);
  } catch (err) {
    if (err instanceof AdminError || err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    if (err instanceof ApiError) {
      console.error(JSON.stringify(err.toBody()));
      process.exit(1);
    }
    throw err;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
