import { describe, expect, it } from 'vitest';
import { messageLink, messagePath, whoReacted } from '../src/features/messages/links';

const ORIGIN = 'https://chat.example.test';

describe('message links', () => {
  it('are Discord-shaped, with @me for a DM', () => {
    expect(messageLink('1', '2', '3', ORIGIN)).toBe(`${ORIGIN}/channels/1/2/3`);
    expect(messageLink(null, '2', '3', ORIGIN)).toBe(`${ORIGIN}/channels/@me/2/3`);
  });

  it('are read back only from this origin and this exact shape', () => {
    expect(messagePath(`${ORIGIN}/channels/10/20/30`, ORIGIN)).toEqual({ path: '/channels/10/20/30', guildId: '10', channelId: '20', messageId: '30' });
    expect(messagePath(`${ORIGIN}/channels/@me/20/30/`, ORIGIN)).toEqual({ path: '/channels/@me/20/30', guildId: null, channelId: '20', messageId: '30' });
    expect(messagePath('/channels/10/20/30', ORIGIN)?.messageId).toBe('30');
    expect(messagePath('https://elsewhere.test/channels/10/20/30', ORIGIN)).toBeNull();
    expect(messagePath(`${ORIGIN}/channels/10/20`, ORIGIN)).toBeNull();
    expect(messagePath(`${ORIGIN}/channels/10/20/abc`, ORIGIN)).toBeNull();
    expect(messagePath(`${ORIGIN}/channels/10/20/30/40`, ORIGIN)).toBeNull();
    expect(messagePath('javascript:alert(1)', ORIGIN)).toBeNull();
  });
});

describe('who reacted', () => {
  it("reads as Discord's tooltip", () => {
    expect(whoReacted(['alice'], 1, ':x:')).toBe('alice reacted with :x:');
    expect(whoReacted(['alice', 'bob'], 2, ':x:')).toBe('alice and bob reacted with :x:');
    expect(whoReacted(['alice', 'bob', 'carol'], 3, ':x:')).toBe('alice, bob and carol reacted with :x:');
    expect(whoReacted(['alice', 'bob', 'carol'], 4, ':x:')).toBe('alice, bob, carol and 1 other reacted with :x:');
    expect(whoReacted(['alice', 'bob', 'carol'], 6, ':x:')).toBe('alice, bob, carol and 3 others reacted with :x:');
    // Before the names arrive.
    expect(whoReacted([], 2, ':x:')).toBe('2 people reacted with :x:');
  });
});
