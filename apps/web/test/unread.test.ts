import { describe, expect, it } from 'vitest';
import { initialClientState, type Channel, type ClientState } from '@concord/protocol';
import { channelUnread, followedThreads, guildUnread, privateUnread, tally, titlePrefix } from '../src/features/unread/derive';

const user = (id: string) => ({ id, username: `u${id}`, discriminator: '0', global_name: null, avatar: null });
const text = (id: string, last: string | null, guild = '7'): Channel => ({ id, type: 0, guild_id: guild, name: `c${id}`, last_message_id: last }) as Channel;
const dm = (id: string, last: string | null, others: string[]): Channel => ({ id, type: others.length > 1 ? 3 : 1, last_message_id: last, recipients: others.map(user) }) as Channel;

function state(channels: Channel[], readStates: ClientState['readStates'], receipts: ClientState['receipts'] = {}): ClientState {
  return {
    ...initialClientState,
    channels: Object.fromEntries(channels.map((c) => [c.id, c])),
    guilds: { '7': { id: '7', name: 'G', icon: null, owner_id: '1', roles: {}, emojis: [], channelIds: channels.filter((c) => c.guild_id).map((c) => c.id), members: {}, member_count: 1, voiceStates: {} } },
    readStates,
    receipts,
  };
}

describe('unread, derived from read states', () => {
  it('a channel is unread when its newest message is after the read position; mentions come with the entry', () => {
    const s = state([text('10', '105'), text('11', '200'), text('12', null), text('13', '300')], {
      '10': { last_message_id: '105', mention_count: 0 },
      '11': { last_message_id: '150', mention_count: 2 },
    });
    expect(channelUnread(s, '10')).toEqual({ unread: false, mentions: 0 });
    expect(channelUnread(s, '11')).toEqual({ unread: true, mentions: 2 });
    expect(channelUnread(s, '12')).toEqual({ unread: false, mentions: 0 });
    // Never read, with messages: unread, no count yet.
    expect(channelUnread(s, '13')).toEqual({ unread: true, mentions: 0 });
    expect(guildUnread(s, '7')).toEqual({ unread: true, mentions: 2 });
    expect(titlePrefix(s)).toBe('(2) ');
  });

  it('a guild channel never opened, mentioned since joining (position "0"), adds to the guild total', () => {
    const s = state([text('10', '105'), text('14', '400'), text('15', '500')], {
      '10': { last_message_id: '100', mention_count: 1 },
      '14': { last_message_id: '0', mention_count: 2 },
    });
    expect(channelUnread(s, '14')).toEqual({ unread: true, mentions: 2 });
    expect(channelUnread(s, '15')).toEqual({ unread: true, mentions: 0 });
    expect(guildUnread(s, '7')).toEqual({ unread: true, mentions: 3 });
    expect(titlePrefix(s)).toBe('(3) ');
  });

  it('followed threads: listed under their parent, counted in the guild; threads not followed are not', () => {
    const meta = { archived: false, auto_archive_duration: 1440, archive_timestamp: '2026-01-01T00:00:00.000Z', locked: false };
    const thread = (id: string, last: string, followed: boolean): Channel =>
      ({ id, type: 11, guild_id: '7', parent_id: '10', name: `t${id}`, last_message_id: last, thread_metadata: meta, ...(followed ? { member: { join_timestamp: meta.archive_timestamp, flags: 0 } } : {}) }) as Channel;
    const s = state([text('10', '105'), thread('31', '320', true), thread('30', '310', true), thread('32', '330', false)], {
      '10': { last_message_id: '105', mention_count: 0 },
      '30': { last_message_id: '310', mention_count: 0 },
      '31': { last_message_id: '0', mention_count: 1 },
    });
    // Threads are not part of the guild's channel ids: the store holds them beside the channels.
    s.guilds['7']!.channelIds = ['10'];
    expect(followedThreads(s, '10').map((t) => t.id)).toEqual(['30', '31']);
    expect(channelUnread(s, '31')).toEqual({ unread: true, mentions: 1 });
    expect(guildUnread(s, '7')).toEqual({ unread: true, mentions: 1 });
    // A thread one does not follow leaves the guild read, however new its messages.
    const quiet = { ...s, readStates: { ...s.readStates, '31': { last_message_id: '320', mention_count: 0 } } };
    expect(guildUnread(quiet, '7')).toEqual({ unread: false, mentions: 0 });
  });

  it('private channels add up; the title says • when only unread', () => {
    const s = state([dm('20', '500', ['2']), dm('21', '600', ['2', '3']), text('10', '105')], {
      '20': { last_message_id: '0', mention_count: 3 },
      '21': { last_message_id: '600', mention_count: 0 },
      '10': { last_message_id: '105', mention_count: 0 },
    });
    expect(privateUnread(s)).toEqual({ unread: true, mentions: 3 });
    expect(titlePrefix(s)).toBe('(3) ');
    const quiet = state([text('10', '106')], { '10': { last_message_id: '105', mention_count: 0 } });
    expect(titlePrefix(quiet)).toBe('• ');
    expect(titlePrefix(state([text('10', '105')], { '10': { last_message_id: '105', mention_count: 0 } }))).toBe('');
  });

  it('receipt ticks: delivered and read by every other recipient, aggregated for groups', () => {
    const s = state([dm('21', '600', ['2', '3'])], {}, { '21': { '2': { delivered: '600', read: '600' }, '3': { delivered: '550', read: null } } });
    expect(tally(s, '21', '500')).toEqual({ state: 'delivered', delivered: 2, read: 1, of: 2 });
    expect(tally(s, '21', '600')).toEqual({ state: 'sent', delivered: 1, read: 1, of: 2 });
    const all = state([dm('21', '600', ['2', '3'])], {}, { '21': { '2': { delivered: '600', read: '600' }, '3': { delivered: '600', read: '600' } } });
    expect(tally(all, '21', '600').state).toBe('read');
    expect(tally(state([dm('20', '1', ['2'])], {}), '20', '1').state).toBe('sent');
  });
});
