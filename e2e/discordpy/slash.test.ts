/**
 * discord.py app_commands (Debian's python3-discord) against Concord: slash.py syncs a CommandTree and answers;
 * this side plays the person (runs the command, clicks the button) and asserts every step passed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayTester, addBot, newBot, newGuild, newUser, startTestServer, type TestBot, type TestGuild, type TestServer, type TestUser } from '@concord/server/testing';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const STEPS = ['sync', 'ephemeral_button', 'defer_followup'];

let server: TestServer;
let owner: TestUser;
let guild: TestGuild;
let bot: TestBot;
let person: GatewayTester;

beforeAll(async () => {
  server = await startTestServer();
  owner = await newUser(server.base);
  guild = await newGuild(owner.api, 'discord.py slash');
  bot = await newBot(owner.api, 'Py Slash');
  await addBot(owner.api, guild.id, bot);
  person = await GatewayTester.identify(server.gatewayUrl, owner.token, undefined, {}, { timeoutMs: 10_000 });
});

afterAll(async () => {
  person?.terminate();
  await server?.close();
});

describe('discord.py app_commands', () => {
  it('syncs a tree, answers ephemerally with a button view, edits on the click, defers and follows up', async () => {
    const child = spawn(PYTHON, [path.join(HERE, 'slash.py')], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        PYTHONUNBUFFERED: '1',
        CONCORD_API: `${server.base}/api`,
        CONCORD_GATEWAY: server.gatewayUrl,
        CONCORD_BOT_TOKEN: bot.token,
        CONCORD_GUILD_ID: guild.id,
        CONCORD_OWNER_ID: owner.id,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const steps: string[] = [];
    let done = false;
    const answer = (obj: unknown) => child.stdin.write(`${JSON.stringify(obj)}\n`);
    const run = async (msg: { command_id: string; name: string; options?: unknown[] }) => {
      const from = person.frames.length;
      await owner.api.ok.post('/interactions', { type: 2, application_id: bot.applicationId, guild_id: guild.id, channel_id: guild.generalId, data: { id: msg.command_id, name: msg.name, type: 1, options: msg.options ?? [] } });
      return from;
    };
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      void (async () => {
        const msg = JSON.parse(line);
        if (msg.step) steps.push(msg.step);
        if (msg.done) done = true;
        if (msg.need === 'run_and_click') {
          const from = await run(msg);
          const shown = (await person.next((f) => f.t === 'MESSAGE_CREATE' && f.d.flags === 64, { from })).d;
          await owner.api.ok.post('/interactions', { type: 3, application_id: bot.applicationId, guild_id: guild.id, channel_id: guild.generalId, message_id: shown.id, message_flags: 64, data: { component_type: 2, custom_id: 'yes' } });
          const updated = (await person.next((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === shown.id, { from })).d;
          answer({ shown, updated });
        }
        if (msg.need === 'run_and_wait') {
          const from = await run(msg);
          const thinking = (await person.next((f) => f.t === 'MESSAGE_CREATE' && f.d.flags === 128, { from })).d;
          const original = (await person.next((f) => f.t === 'MESSAGE_UPDATE' && f.d.id === thinking.id, { from })).d;
          const followup = (await person.next((f) => f.t === 'MESSAGE_CREATE' && f.d.content === msg.content, { from })).d;
          answer({ original, followup });
        }
      })().catch((err: unknown) => {
        stderr += `\n[test side] ${String(err)}`;
        child.kill('SIGKILL');
      });
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(killer);
    expect({ code, steps, done, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, steps: STEPS, done: true, stderr: '' });
  }, 90_000);
});
