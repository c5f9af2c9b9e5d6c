import { describe, expect, it } from 'vitest';
import { countsAsMention } from '../src/index.js';

const msg = (over: Partial<Parameters<typeof countsAsMention>[0]> = {}) => ({ author: { id: 'a' }, mentions: [], mention_everyone: false, mention_roles: [], ...over });

describe('countsAsMention', () => {
  it('counts every message of someone else in a private channel, never one of your own', () => {
    expect(countsAsMention(msg(), 'me', [], true)).toBe(true);
    expect(countsAsMention(msg({ author: { id: 'me' }, mention_everyone: true }), 'me', [], false)).toBe(false);
  });
  it('counts user, @everyone/@here and role mentions in a guild channel', () => {
    expect(countsAsMention(msg(), 'me', ['r1'], false)).toBe(false);
    expect(countsAsMention(msg({ mentions: [{ id: 'me' }] }), 'me', [], false)).toBe(true);
    expect(countsAsMention(msg({ mention_everyone: true }), 'me', [], false)).toBe(true);
    expect(countsAsMention(msg({ mention_roles: ['r1'] }), 'me', ['r1'], false)).toBe(true);
    expect(countsAsMention(msg({ mention_roles: ['r2'] }), 'me', ['r1'], false)).toBe(false);
  });
});
