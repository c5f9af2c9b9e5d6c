import { describe, expect, it } from 'vitest';
import { lastSeenText } from '../src/features/presence/lastSeenText';

describe('last seen text', () => {
  const now = new Date(2026, 11, 3, 10, 0);
  it('says today or yesterday with the time, in 24-hour form', () => {
    expect(lastSeenText(new Date(2026, 11, 3, 9, 5).toISOString(), now)).toBe('Last seen today at 09:05');
    expect(lastSeenText(new Date(2026, 11, 3, 0, 0).toISOString(), now)).toBe('Last seen today at 00:00');
    expect(lastSeenText(new Date(2026, 11, 2, 23, 59).toISOString(), now)).toBe('Last seen yesterday at 23:59');
    expect(lastSeenText(new Date(2026, 11, 2, 14, 5).toISOString(), now)).toBe('Last seen yesterday at 14:05');
  });
  it('gives a date further back, with the year when it is not this one', () => {
    const older = lastSeenText(new Date(2026, 10, 20, 8, 0).toISOString(), now);
    expect(older).toMatch(/^Last seen /);
    expect(older).toContain('20');
    expect(older).not.toContain('2026');
    expect(lastSeenText(new Date(2025, 5, 1).toISOString(), now)).toContain('2025');
  });
});
