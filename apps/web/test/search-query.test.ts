import { describe, expect, it } from 'vitest';
import { applySuggestion, parseQuery, snowflakeAt, suggest, tokenize } from '../src/features/search/query';

const lookups = {
  user: (n: string) => ({ bob: '11', 'jane doe': '12' })[n.toLowerCase()],
  channel: (n: string) => ({ general: '21' })[n.toLowerCase()],
};

describe('search query', () => {
  it('splits words, quoted phrases and filters', () => {
    expect(tokenize('from:bob "two words" x from:"jane doe"')).toEqual(['from:bob', '"two words"', 'x', 'from:"jane doe"']);
  });

  it('turns filters into parameters and the rest into content', () => {
    const r = parseQuery('deploy from:bob has:link in:#general pinned:true "exact phrase"', lookups);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.params.getAll('author_id')).toEqual(['11']);
    expect(r.params.get('has')).toBe('link');
    expect(r.params.get('channel_id')).toBe('21');
    expect(r.params.get('pinned')).toBe('true');
    expect(r.params.get('content')).toBe('deploy "exact phrase"');
    expect(r.words).toEqual(['deploy', 'exact phrase']);
    expect(parseQuery('from:"Jane Doe" mentions:@bob', lookups)).toMatchObject({ ok: true });
  });

  it('dates are exclusive snowflake bounds on local days', () => {
    const r = parseQuery('before:2024-05-31 after:2024-05-01', lookups);
    if (!r.ok) throw new Error(r.error);
    expect(r.params.get('max_id')).toBe(snowflakeAt(new Date(2024, 4, 31).getTime()));
    expect(r.params.get('min_id')).toBe((BigInt(snowflakeAt(new Date(2024, 4, 2).getTime())) - 1n).toString());
    const during = parseQuery('during:2024-02-29', lookups);
    expect(during.ok).toBe(true);
  });

  it('says what is wrong instead of searching', () => {
    expect(parseQuery('from:nobody', lookups)).toMatchObject({ ok: false });
    expect(parseQuery('has:cats', lookups)).toMatchObject({ ok: false });
    expect(parseQuery('before:2024-02-30', lookups)).toMatchObject({ ok: false });
    expect(parseQuery('pinned:maybe', lookups)).toMatchObject({ ok: false });
    expect(parseQuery('   ', lookups)).toMatchObject({ ok: false });
    // An unknown filter is just words.
    expect(parseQuery('http://x.y nope:1', lookups)).toMatchObject({ ok: true });
  });

  it('suggests filters, then values', () => {
    expect(suggest('fr', { users: [], channels: [] }).map((s) => s.label)).toEqual(['from:']);
    expect(suggest('hello from:b', { users: ['bob', 'alice'], channels: [] })).toEqual([{ label: 'bob', insert: 'from:bob ' }]);
    expect(suggest('has:', { users: [], channels: [] }).length).toBe(8);
    expect(applySuggestion('hello from:b', 'from:bob ')).toBe('hello from:bob ');
  });
});
