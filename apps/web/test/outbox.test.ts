/** The outbox's queue logic, with a recording transport in place of the gateway and fake timers. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The store reads the page at import (saved settings, the path): the few browser globals it touches, in memory.
vi.hoisted(() => {
  const items = new Map<string, string>();
  Object.assign(globalThis, {
    localStorage: { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) },
    location: { pathname: '/' },
    window: { addEventListener: () => undefined, history: { pushState: () => undefined } },
  });
});
import { enqueue, MAX_LIMITED, onAck, setTransport } from '../src/state/outbox';
import { getState, setState, type OutboxEntry } from '../src/state/store';

const me = { id: '1', username: 'me', discriminator: '0', global_name: null, avatar: null };
const rateLimited = (nonce: string, retryAfter: number) => ({ nonce, channel_id: '9', error: { status: 429, code: 0, message: 'You are being rate limited.', retry_after: retryAfter } });

describe('outbox under rate limits', () => {
  let sent: OutboxEntry[];
  beforeEach(() => {
    vi.useFakeTimers();
    // There is no IndexedDB here: the outbox says so and keeps its entries in memory, as in a private window.
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    sent = [];
    setState((s) => ({ outbox: {}, client: { ...s.client, user: me, messages: {} } }));
    setTransport((e) => (sent.push(e), true));
  });
  afterEach(() => {
    setTransport(null);
    vi.useRealTimers();
  });

  it('a 429 sends the message again by itself after retry_after, with the same nonce, and the next one waits behind it', () => {
    enqueue('9', 'first');
    enqueue('9', 'second');
    expect(sent.map((e) => e.content)).toEqual(['first']);
    const first = sent[0]!.nonce;
    onAck(rateLimited(first, 2));
    const entry = getState().outbox[first]!;
    expect(entry.status).toBe('queued');
    expect(entry.error).toMatch(/trying again in 2 s/);
    // Nothing goes out during the wait, not even the second message (order holds).
    vi.advanceTimersByTime(1900);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(200);
    expect(sent.map((e) => [e.content, e.nonce])).toEqual([
      ['first', first],
      ['first', first],
    ]);
    onAck({ nonce: first, channel_id: '9', id: '500' });
    expect(sent.map((e) => e.content)).toEqual(['first', 'first', 'second']);
    expect(getState().outbox[first]).toMatchObject({ ackId: '500', error: undefined });
  });

  it(`after ${MAX_LIMITED} rate limits in a row the message fails and waits for Retry`, () => {
    enqueue('9', 'stubborn');
    const nonce = sent[0]!.nonce;
    for (let i = 0; i < MAX_LIMITED; i++) {
      onAck(rateLimited(nonce, 0.1));
      vi.advanceTimersByTime(150);
    }
    expect(sent).toHaveLength(MAX_LIMITED + 1);
    onAck(rateLimited(nonce, 0.1));
    expect(getState().outbox[nonce]).toMatchObject({ status: 'failed', error: expect.stringMatching(/too fast/) });
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(MAX_LIMITED + 1);
  });
});
