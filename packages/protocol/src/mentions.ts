/**
 * Discord's mention grammar, shared by the server (who is mentioned, who is pinged) and the web client's
 * markdown renderer (what a token shows as), so both read a message the same way.
 *
 * Tokens: `<@id>` and the legacy `<@!id>` (user), `<@&id>` (role), `<#id>` (channel), `@everyone`, `@here`.
 * Text inside code spans and code blocks mentions nobody, as on Discord (people quote `@everyone` to avoid a
 * ping), and a backslash-escaped token is plain text.
 */

/** Each pattern is anchored (`^`) so a tokenizer can test it at its current position. */
export const MentionPatterns = {
  user: /^<@!?(\d{1,20})>/,
  role: /^<@&(\d{1,20})>/,
  channel: /^<#(\d{1,20})>/,
  everyone: /^@(everyone|here)(?![\p{L}\p{N}_])/u,
} as const;

export interface ParsedMentions {
  users: string[];
  roles: string[];
  channels: string[];
  /** `@everyone` or `@here` appears outside code (whether it pings depends on MENTION_EVERYONE). */
  everyone: boolean;
}

const CODE_BLOCK = /^```[\s\S]*?```/;
const CODE_SPAN = /^(`+)[\s\S]*?[^`]\1(?!`)/;

/** Mentioned ids in order of first appearance, without duplicates; code and escaped tokens are skipped. */
export function parseMentionTokens(content: string): ParsedMentions {
  const users = new Set<string>();
  const roles = new Set<string>();
  const channels = new Set<string>();
  let everyone = false;
  let i = 0;
  while (i < content.length) {
    const ch = content[i]!;
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '`') {
      const rest = content.slice(i);
      const m = CODE_BLOCK.exec(rest) ?? CODE_SPAN.exec(rest);
      i += m ? m[0].length : 1;
      continue;
    }
    if (ch === '<' || ch === '@') {
      const rest = content.slice(i);
      let m: RegExpExecArray | null;
      if ((m = MentionPatterns.user.exec(rest))) users.add(m[1]!);
      else if ((m = MentionPatterns.role.exec(rest))) roles.add(m[1]!);
      else if ((m = MentionPatterns.channel.exec(rest))) channels.add(m[1]!);
      else if ((m = MentionPatterns.everyone.exec(rest))) everyone = true;
      if (m) {
        i += m[0].length;
        continue;
      }
    }
    i++;
  }
  return { users: [...users], roles: [...roles], channels: [...channels], everyone };
}
