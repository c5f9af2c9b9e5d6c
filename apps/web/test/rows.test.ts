import { describe, expect, it } from 'vitest';
import type { Message, User } from '@concord/protocol';
import { buildRows, GROUP_WINDOW_MS } from '../src/features/messages/rows';
import type { OutboxEntry } from '../src/state/store';

const alice: User = { id: '1', username: 'alice', discriminator: '0', global_name: null, avatar: null };
const bob: User = { id: '2', username: 'bob', discriminator: '0', global_name: null, avatar: null };
const day = Date.UTC(2026, 0, 10, 12);

let nextId = 100;
function msg(author: User, at: number, extra: Partial<Message> = {}): Message {
  return {
    id: String(nextId++),
    channel_id: '9',
    type: 0,
    content: `at ${at}`,
    author,
    timestamp: new Date(at).toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    mention_channels: [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    flags: 0,
    ...extra,
  };
}

const kinds = (rows: ReturnType<typeof buildRows>) => rows.map((r) => (r.kind === 'message' ? (r.head ? 'H' : 'm') : r.kind));

describe('message rows', () => {
  it('groups one author within five minutes and separates days', () => {
    const list = [
      msg(alice, day),
      msg(alice, day + 60_000),
      msg(alice, day + 60_000 + GROUP_WINDOW_MS + 1),
      msg(bob, day + 10 * 60_000),
      msg(bob, day + 24 * 3600_000),
    ];
    expect(kinds(buildRows(list, [], alice, false, false))).toEqual(['top', 'day', 'H', 'm', 'H', 'H', 'day', 'H']);
  });

  it('shows unconfirmed sends after the server messages, and the confirmed copy under the same key', () => {
    const entry: OutboxEntry = { nonce: '555', userId: alice.id, channelId: '9', content: 'pending', createdAt: day + 1000, status: 'sending' };
    const pending = buildRows([msg(bob, day)], [entry], alice, true, false);
    const last = pending[pending.length - 1]!;
    expect(last.kind === 'message' && last.message.status).toBe('sending');

    const confirmed = buildRows([msg(bob, day), msg(alice, day + 1000, { nonce: '555' })], [], alice, true, false);
    const row = confirmed[confirmed.length - 1]!;
    expect(row.key).toBe(last.key);
    expect(row.kind === 'message' && row.message.status).toBe('sent');
  });

  it('puts the new-messages divider before the first message of someone else after the read position', () => {
    const a1 = msg(bob, day);
    const mine = msg(alice, day + 1000);
    const b2 = msg(bob, day + 2000);
    const list = [a1, mine, b2];
    expect(kinds(buildRows(list, [], alice, false, false, a1.id))).toEqual(['top', 'day', 'H', 'H', 'unread', 'H']);
    // Nothing newer from others: no divider; no position: none either.
    expect(kinds(buildRows(list, [], alice, false, false, b2.id))).not.toContain('unread');
    expect(kinds(buildRows(list, [], alice, false, false, null))).not.toContain('unread');
    // Never read at all ('0'): before the first message.
    expect(kinds(buildRows(list, [], alice, false, false, '0'))).toEqual(['top', 'day', 'unread', 'H', 'H', 'H']);
  });
});
