/** The module list is the one place domains are wired: every published event is claimed by a module, names are unique. */
import { expect, it } from 'vitest';
import { EVENT_NAMES, type EventName } from '@concord/protocol';
import { modules } from '../src/modules/index.js';
import { allMigrations } from '../src/app.js';
import { orderMigrations } from '../src/store/migrations.js';

/** Built for one session by the gateway itself, never published by a module. */
const SESSION_EVENTS: EventName[] = ['READY', 'RESUMED', 'GUILD_CREATE', 'GUILD_MEMBERS_CHUNK', 'VOICE_SERVER_UPDATE'];

it('every event of the contract is published by a module that says so, or built by the gateway for one session', () => {
  const owners = new Map<string, string[]>();
  for (const m of modules) for (const t of m.events ?? []) owners.set(t, [...(owners.get(t) ?? []), m.name]);
  for (const t of EVENT_NAMES) {
    const by = owners.get(t) ?? [];
    if (SESSION_EVENTS.includes(t)) expect(by, `${t} is the gateway's`).toEqual([]);
    else expect(by.length, `${t}: the modules that publish it`).toBeGreaterThan(0);
  }
  expect([...owners.keys()].filter((t) => !EVENT_NAMES.includes(t as EventName))).toEqual([]);
});

it('module names are unique and migration ids never repeat', () => {
  const names = modules.map((m) => m.name);
  expect(new Set(names).size).toBe(names.length);
  expect(() => orderMigrations(allMigrations)).not.toThrow();
});
