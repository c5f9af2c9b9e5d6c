import { describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  PRIVATE_CHANNEL_PERMISSIONS,
  Permissions as P,
  computeBasePermissions,
  computeChannelPermissions,
  computePrivateChannelPermissions,
  computeThreadPermissions,
  mayWriteOverwrites,
  overwriteChange,
} from '../src/index.js';

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

  it('a member quarantined by AutoMod for their name keeps only view and history, with no end', () => {
    const input = { ...base, userId: 'u', memberRoleIds: [], roles: [{ id: guildId, permissions: P.VIEW_CHANNEL | P.SEND_MESSAGES | P.READ_MESSAGE_HISTORY | P.CONNECT }], quarantined: true, now: 1000 };
    expect(computeChannelPermissions(input, [])).toBe(P.VIEW_CHANNEL | P.READ_MESSAGE_HISTORY);
    expect(computeChannelPermissions({ ...input, quarantined: false }, [])).toBe(P.VIEW_CHANNEL | P.SEND_MESSAGES | P.READ_MESSAGE_HISTORY | P.CONNECT);
  });
});

describe('permission math of the other scopes', () => {
  it('private channels: recipients get the recipient set, the group owner also manages it, anyone else nothing', () => {
    const group = { recipientIds: ['a', 'b', 'c'], ownerId: 'a' };
    expect(computePrivateChannelPermissions({ ...group, userId: 'b' })).toBe(PRIVATE_CHANNEL_PERMISSIONS);
    expect(computePrivateChannelPermissions({ ...group, userId: 'a' })).toBe(PRIVATE_CHANNEL_PERMISSIONS | P.MANAGE_CHANNELS);
    expect(computePrivateChannelPermissions({ ...group, userId: 'z' })).toBe(0n);
    // Nobody deletes another's messages in a DM.
    expect(PRIVATE_CHANNEL_PERMISSIONS & P.MANAGE_MESSAGES).toBe(0n);
  });

  it('threads inherit the parent; sending needs SEND_MESSAGES_IN_THREADS; private threads need membership or MANAGE_THREADS', () => {
    const parent = P.VIEW_CHANNEL | P.SEND_MESSAGES | P.READ_MESSAGE_HISTORY;
    expect(computeThreadPermissions({ parentPermissions: parent, isPrivate: false, isMember: false }) & P.SEND_MESSAGES).toBe(0n);
    const inThreads = parent | P.SEND_MESSAGES_IN_THREADS;
    expect(computeThreadPermissions({ parentPermissions: inThreads, isPrivate: false, isMember: false }) & P.SEND_MESSAGES).toBe(P.SEND_MESSAGES);
    expect(computeThreadPermissions({ parentPermissions: inThreads, isPrivate: true, isMember: false })).toBe(0n);
    expect(computeThreadPermissions({ parentPermissions: inThreads, isPrivate: true, isMember: true }) & P.VIEW_CHANNEL).toBe(P.VIEW_CHANNEL);
    expect(computeThreadPermissions({ parentPermissions: inThreads | P.MANAGE_THREADS, isPrivate: true, isMember: false }) & P.VIEW_CHANNEL).toBe(P.VIEW_CHANNEL);
    // No view of the parent, no thread.
    expect(computeThreadPermissions({ parentPermissions: P.SEND_MESSAGES_IN_THREADS, isPrivate: false, isMember: true })).toBe(0n);
  });

  it('writing overwrites: unchanged ones need nothing; a changed bit needs MANAGE_ROLES and that bit', () => {
    const current = [{ id: 'r', type: 0, allow: String(P.SEND_MESSAGES), deny: '0' }];
    expect(overwriteChange(current, current)).toEqual({ touched: false, bits: 0n });
    expect(mayWriteOverwrites(0n, overwriteChange(current, current))).toBe(true);
    const grant = overwriteChange(current, [{ id: 'r', type: 0, allow: String(P.SEND_MESSAGES | P.MANAGE_MESSAGES), deny: '0' }]);
    expect(grant.bits).toBe(P.MANAGE_MESSAGES);
    expect(mayWriteOverwrites(P.MANAGE_ROLES, grant)).toBe(false);
    expect(mayWriteOverwrites(P.MANAGE_ROLES | P.MANAGE_MESSAGES, grant)).toBe(true);
    // Removing an overwrite touches what it allowed; bits no permission uses need nothing.
    expect(overwriteChange(current, []).bits).toBe(P.SEND_MESSAGES);
    expect(mayWriteOverwrites(P.MANAGE_ROLES, overwriteChange([], [{ id: 'r', type: 0, allow: String(1n << 62n), deny: '0' }]))).toBe(true);
  });
});
