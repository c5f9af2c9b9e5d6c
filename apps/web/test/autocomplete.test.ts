import { describe, expect, it } from 'vitest';
import { applySuggestion, findTrigger, rank } from '../src/features/messages/autocomplete';

describe('composer autocomplete', () => {
  it('finds @, # and : triggers before the caret, only at a word start', () => {
    expect(findTrigger('hi @bo', 6)).toEqual({ kind: '@', query: 'bo', start: 3 });
    expect(findTrigger('@', 1)).toEqual({ kind: '@', query: '', start: 0 });
    expect(findTrigger('see #gen', 8)).toEqual({ kind: '#', query: 'gen', start: 4 });
    expect(findTrigger('mail me@host', 12)).toBeNull();
    expect(findTrigger('ok :s', 5)).toBeNull();
    expect(findTrigger('ok :sm', 6)).toEqual({ kind: ':', query: 'sm', start: 3 });
    expect(findTrigger('@bob done', 9)).toBeNull();
  });

  it('replaces the trigger with the pick and a space, keeping the rest', () => {
    const t = findTrigger('hi @bo and more', 6)!;
    expect(applySuggestion('hi @bo and more', 6, t, { key: 'u1', label: 'bob', insert: '<@1>' })).toEqual({ text: 'hi <@1>  and more', caret: 8 });
  });

  it('ranks prefix matches before substring matches', () => {
    expect(rank(['rob', 'bob', 'bobby', 'abo'], (s) => [s], 'bo')).toEqual(['bob', 'bobby', 'abo']);
  });
});
