/**
 * An unmodified discord.py bot (Debian's python3-discord) against a real Concord server: bot.py runs the
 * scenario and checks every step itself; this side starts the server, plays the person and the network, and
 * asserts that every step passed. Only 127.0.0.1 is reached.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppFlags,
  addBot,
  eventually,
  newBot,
  newGuild,
  newUser,
  startTestServer,
  type TestBot,
  type TestGuild,
  type TestServer,
  type TestUser,
} from '@concord/server/testing';
import { TcpProxy } from '../helpers/proxy.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Debian's interpreter, where python3-discord is installed (a pyenv or venv python3 on PATH may lack it). */
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const STEPS = ['ready', 'caches', 'lookups', 'receive', 'send_embed', 'reply_edit', 'react', 'history', 'delete', 'channels', 'resume'];

let server: TestServer;
let proxy: TcpProxy;
let owner: TestUser;
let guild: TestGuild;
let bot: TestBot;

beforeAll(async () => {
  server = await startTestServer({ heartbeatIntervalMs: 2000 });
  proxy = await TcpProxy.start(server.base);
  owner = await newUser(server.base);
  guild = await newGuild(owner.api, 'discord.py guild');
  bot = await newBot(owner.api, 'Py Bot', AppFlags.GatewayMessageContent | AppFlags.GatewayGuildMembers);
  await addBot(owner.api, guild.id, bot, String(1024 + 2048 + 65536 + 8192 + 64 + 16));
});

afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

describe('discord.py bot', () => {
  it('runs the whole scenario', async () => {
    const send = (content: string) => owner.api.ok.post<{ id: string }>(`/channels/${guild.generalId}/messages`, { content });
    const child: ChildProcessWithoutNullStreams = spawn(PYTHON, [path.join(HERE, 'bot.py')], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        PYTHONUNBUFFERED: '1',
        CONCORD_API: `${proxy.base}/api`,
        CONCORD_GATEWAY: `${proxy.base.replace(/^http/, 'ws')}/gateway`,
        CONCORD_BOT_TOKEN: bot.token,
        CONCORD_GUILD_ID: guild.id,
        CONCORD_CHANNEL_ID: guild.generalId,
        CONCORD_OWNER_ID: owner.id,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const steps: string[] = [];
    let done = false;
    const answer = (obj: unknown) => child.stdin.write(`${JSON.stringify(obj)}\n`);
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      void (async () => {
        const msg = JSON.parse(line) as { step?: string; need?: string; content?: string; done?: boolean };
        if (msg.step) steps.push(msg.step);
        if (msg.done) done = true;
        if (msg.need === 'person_message') answer(await send(msg.content!));
        if (msg.need === 'drop_and_send') {
          // A network failure (no close frame), and a message sent while the bot is away.
          proxy.hold();
          proxy.drop();
          await eventually(() => (proxy.waiting > 0 ? true : undefined), 'the bot reconnecting', 10_000);
          const sent = await send(msg.content!);
          proxy.release();
          answer(sent);
        }
      })().catch((err: unknown) => {
        stderr += `\n[test side] ${String(err)}`;
        child.kill('SIGKILL');
      });
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(killer);
    expect({ code, steps, done, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, steps: STEPS, done: true, stderr: '' });
  }, 120_000);
});
