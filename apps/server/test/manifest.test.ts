/** The module list is the one place domains are wired: every published event has exactly one owner, names are unique. */
import { expect, it } from 'vitest';
import { EVENT_NAMES, type EventName } from '@concord/protocol';
import { modules } from '../src/modules/index.js';
import { allMigrations } from '../src/app.js';
import { orderMigrations } from '../src/store/migrations.js';

/** Built for one session by the gateway itself, never published by a module. */
const SESSION_EVENTS: EventName[] = ['READY', 'RESUMED', 'GUILD_CREATE', 'GUILD_MEMBERS_CHUNK'];

it('every event of the contract is published by exactly one module, or built by the gateway for one session', () => {
  const owners = new Map<string, string[]>();
  for (const m of modules) for (const t of m.events ?? []) owners.set(t, [...(owners.get(t) ?? []), m.name]);
  for (const t of EVENT_NAMES) {
    const by = owners.get(t) ?? [];
    if (SESSION_EVENTS.includes(t)) expect(by, `${t} is the gateway's`).toEqual([]);
    else expect(by, `${t}: owners`).toHaveLength(1);
  }
  expect([...owners.keys()].filter((t) => !EVENT_NAMES.includes(t as EventName))).toEqual([]);
});

it('module names are unique and migration ids never repeat', () => {
  const names = modules.map((m) => m.name);
  expect(new Set(names).size).toBe(names.length);
  expect(() => orderMigrations(allMigrations)).not.toThrow();
});
