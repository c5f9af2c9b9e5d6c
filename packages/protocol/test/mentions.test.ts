import { describe, expect, it } from 'vitest';
import { parseMentionTokens } from '../src/mentions.js';

describe('parseMentionTokens', () => {
  it('finds users (also legacy <@!id>), roles and channels once each, in order', () => {
    const r = parseMentionTokens('<@12> and <@!34> <@12> <@&56> in <#78>');
    expect(r).toEqual({ users: ['12', '34'], roles: ['56'], channels: ['78'], everyone: false });
  });

  it('sees @everyone and @here, but not inside a longer word', () => {
    expect(parseMentionTokens('hey @everyone').everyone).toBe(true);
    expect(parseMentionTokens('@here!').everyone).toBe(true);
    expect(parseMentionTokens('@everyones').everyone).toBe(false);
    expect(parseMentionTokens('mail me@heretic.org').everyone).toBe(false);
  });

  it('ignores code spans, code blocks and escaped tokens', () => {
    expect(parseMentionTokens('`@everyone` ``<@1>`` ```\n<@2>\n@here```').users).toEqual([]);
    expect(parseMentionTokens('`@everyone`').everyone).toBe(false);
    expect(parseMentionTokens('\\<@1> \\@everyone').users).toEqual([]);
    expect(parseMentionTokens('\\@everyone').everyone).toBe(false);
  });

  it('an unclosed backtick does not hide what follows', () => {
    expect(parseMentionTokens('a ` b <@9>').users).toEqual(['9']);
  });

  it('rejects malformed tokens', () => {
    expect(parseMentionTokens('<@> <@abc> <@&> <#x> <@123456789012345678901>').users).toEqual([]);
  });
});
