import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, Permissions as P, computeBasePermissions, computeChannelPermissions } from '../src/index.js';

const guildId = '100';
const roles = [
  { id: guildId, permissions: P.VIEW_CHANNEL | P.SEND_MESSAGES },
  { id: 'mod', permissions: P.MANAGE_MESSAGES | P.KICK_MEMBERS },
  { id: 'admin', permissions: P.ADMINISTRATOR },
];
const base = { guildId, ownerId: 'owner', roles };

describe('permission math', () => {
  it("uses Discord's bit values", () => {
    expect(P.VIEW_CHANNEL).toBe(1024n);
    expect(P.SEND_MESSAGES).toBe(2048n);
    expect(P.ADMINISTRATOR).toBe(8n);
    expect(P.MODERATE_MEMBERS).toBe(1n << 40n);
    expect(DEFAULT_EVERYONE_PERMISSIONS & P.VIEW_CHANNEL).toBe(P.VIEW_CHANNEL);
  });

  it('owner and administrators have everything', () => {
    expect(computeBasePermissions({ ...base, userId: 'owner', memberRoleIds: [] })).toBe(ALL_PERMISSIONS);
    expect(computeBasePermissions({ ...base, userId: 'u', memberRoleIds: ['admin'] })).toBe(ALL_PERMISSIONS);
    expect(computeChannelPermissions({ ...base, userId: 'u', memberRoleIds: ['admin'] }, [{ id: guildId, type: 0, allow: 0n, deny: P.VIEW_CHANNEL }])).toBe(ALL_PERMISSIONS);
  });

  it('ORs @everyone and member roles', () => {
    expect(computeBasePermissions({ ...base, userId: 'u', memberRoleIds: ['mod'] })).toBe(P.VIEW_CHANNEL | P.SEND_MESSAGES | P.MANAGE_MESSAGES | P.KICK_MEMBERS);
  });

  it('applies @everyone, then role, then member overwrites', () => {
    const input = { ...base, userId: 'u', memberRoleIds: ['mod'] };
    const hidden = [{ id: guildId, type: 0 as const, allow: 0n, deny: P.VIEW_CHANNEL }];
    expect(computeChannelPermissions(input, hidden)).toBe(0n);
    const roleAllows = [...hidden, { id: 'mod', type: 0 as const, allow: P.VIEW_CHANNEL, deny: P.SEND_MESSAGES }];
    expect(computeChannelPermissions(input, roleAllows)).toBe(P.VIEW_CHANNEL | P.MANAGE_MESSAGES | P.KICK_MEMBERS);
    const memberAllows = [...roleAllows, { id: 'u', type: 1 as const, allow: P.SEND_MESSAGES, deny: P.KICK_MEMBERS }];
    expect(computeChannelPermissions(input, memberAllows)).toBe(P.VIEW_CHANNEL | P.SEND_MESSAGES | P.MANAGE_MESSAGES);
  });

  it('a timed-out member keeps only view and history', () => {
    const input = { ...base, userId: 'u', memberRoleIds: [], roles: [{ id: guildId, permissions: P.VIEW_CHANNEL | P.SEND_MESSAGES | P.READ_MESSAGE_HISTORY }], communicationDisabledUntil: 2000, now: 1000 };
    expect(computeChannelPermissions(input, [])).toBe(P.VIEW_CHANNEL | P.READ_MESSAGE_HISTORY);
    expect(computeChannelPermissions({ ...input, now: 3000 }, [])).toBe(P.VIEW_CHANNEL | P.SEND_MESSAGES | P.READ_MESSAGE_HISTORY);
  });
});
