/** The role hierarchy as a table: who may act on which role and which member. */
import { describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  Permissions,
  canActOnMember,
  canManageRole,
  compareRoles,
  highestRole,
  isAssignableRole,
  mayGrantPermissions,
  type HierarchyGuild,
} from '../src/index.js';

const G = '100';
const guild: HierarchyGuild = {
  guildId: G,
  ownerId: 'owner',
  roles: [
    { id: G, position: 0 },
    { id: '201', position: 1 }, // member
    { id: '202', position: 2 }, // moderator
    { id: '203', position: 3 }, // admin (ADMINISTRATOR, but rank is rank)
    { id: '204', position: 4, managed: true }, // a bot's
    { id: '205', position: 2 }, // same position as moderator, newer: ranks below it
  ],
};
const people = {
  owner: { userId: 'owner', roleIds: ['201'] },
  admin: { userId: 'admin', roleIds: ['203', '201'] },
  mod: { userId: 'mod', roleIds: ['202'] },
  mod2: { userId: 'mod2', roleIds: ['202'] },
  tied: { userId: 'tied', roleIds: ['205'] },
  member: { userId: 'member', roleIds: ['201'] },
  nobody: { userId: 'nobody', roleIds: [] },
  bot: { userId: 'bot', roleIds: ['204'] },
};
type Who = keyof typeof people;

describe('hierarchy', () => {
  it('highest role: by position, then the older role; @everyone without roles', () => {
    expect(highestRole(guild, []).id).toBe(G);
    expect(highestRole(guild, ['201', '203', '202']).id).toBe('203');
    expect(highestRole(guild, ['205', '202']).id).toBe('202');
    expect(compareRoles({ id: '202', position: 2 }, { id: '205', position: 2 })).toBeGreaterThan(0);
    expect(compareRoles({ id: '202', position: 2 }, { id: '202', position: 2 })).toBe(0);
  });

  const roleTable: [Who, string, boolean][] = [
    ['owner', '204', true],
    ['owner', '203', true],
    ['admin', '203', false], // their own highest role
    ['admin', '202', true],
    ['admin', '204', false],
    ['mod', '201', true],
    ['mod', '202', false],
    ['mod', '205', true], // same position, newer
    ['tied', '202', false],
    ['member', '201', false],
    ['member', G, true], // @everyone is below every role
    ['nobody', G, false],
    ['nobody', '201', false],
    ['bot', '203', true],
  ];
  it.each(roleTable)('%s manages role %s: %s', (who, role, allowed) => {
    const r = (guild.roles as { id: string; position: number }[]).find((x) => x.id === role)!;
    expect(canManageRole(guild, people[who], r)).toBe(allowed);
  });

  const memberTable: [Who, Who, boolean][] = [
    ['owner', 'admin', true],
    ['owner', 'bot', true],
    ['owner', 'owner', false], // oneself
    ['admin', 'owner', false], // nobody acts on the owner
    ['admin', 'mod', true],
    ['admin', 'bot', false], // the bot's managed role is higher
    ['mod', 'member', true],
    ['mod', 'mod2', false], // equal rank
    ['mod', 'tied', true],
    ['tied', 'mod', false],
    ['mod', 'admin', false],
    ['member', 'nobody', true],
    ['nobody', 'member', false],
    ['nobody', 'nobody', false],
    ['bot', 'admin', true],
    ['mod', 'mod', false],
  ];
  it.each(memberTable)('%s acts on %s: %s', (actor, target, allowed) => {
    expect(canActOnMember(guild, people[actor], people[target])).toBe(allowed);
  });

  it('managed roles and @everyone are not assignable by hand', () => {
    expect(isAssignableRole(guild, { id: '204', position: 4, managed: true })).toBe(false);
    expect(isAssignableRole(guild, { id: G, position: 0 })).toBe(false);
    expect(isAssignableRole(guild, { id: '202', position: 2 })).toBe(true);
  });

  it('a role change grants only what the actor holds; keeping or removing bits is not a grant', () => {
    const mod = Permissions.KICK_MEMBERS | Permissions.MANAGE_ROLES;
    expect(mayGrantPermissions(mod, 0n, Permissions.KICK_MEMBERS)).toBe(true);
    expect(mayGrantPermissions(mod, 0n, Permissions.BAN_MEMBERS)).toBe(false);
    expect(mayGrantPermissions(mod, Permissions.BAN_MEMBERS, Permissions.BAN_MEMBERS | Permissions.KICK_MEMBERS)).toBe(true);
    expect(mayGrantPermissions(mod, Permissions.BAN_MEMBERS, 0n)).toBe(true);
    expect(mayGrantPermissions(ALL_PERMISSIONS, 0n, Permissions.ADMINISTRATOR)).toBe(true);
    expect(mayGrantPermissions(mod, 0n, Permissions.ADMINISTRATOR)).toBe(false);
  });
});
