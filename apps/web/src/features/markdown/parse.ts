/**
 * Discord's markdown, parsed into a small tree (rendered to React elements by render.tsx; no HTML strings).
 *
 * One pass over the text in the manner of simple-markdown, which Discord's client uses: at each position the
 * first rule that matches wins; block rules (quotes, headers, lists) match only at the start of a line.
 * Code (spans and blocks) is taken before anything else, so stars, links and mentions inside it stay literal.
 */
import { MentionPatterns } from '@concord/protocol';

export type Node =
  | { type: 'text'; text: string }
  | { type: 'strong' | 'em' | 'underline' | 'strike' | 'spoiler'; children: Node[] }
  | { type: 'code'; text: string }
  | { type: 'codeBlock'; lang: string | null; text: string }
  | { type: 'quote'; children: Node[] }
  | { type: 'heading'; level: 1 | 2 | 3; children: Node[] }
  | { type: 'subtext'; children: Node[] }
  | { type: 'list'; ordered: boolean; start: number; items: Node[][] }
  | { type: 'link'; url: string; children: Node[] }
  | { type: 'user' | 'role' | 'channel'; id: string }
  | { type: 'everyone'; which: 'everyone' | 'here' }
  | { type: 'emoji'; name: string; id: string; animated: boolean }
  | { type: 'timestamp'; unix: number; style: TimestampStyle };

export type TimestampStyle = 't' | 'T' | 'd' | 'D' | 'f' | 'F' | 'R';

interface State {
  inQuote: boolean;
  /** Inside a link's text: no nested links. */
  inLink: boolean;
  /** Inline-only content (headers, list items, link text): no block rules. */
  inline: boolean;
  depth: number;
}

/** `prev` is the character before the match (empty at the start). */
type Rule = (src: string, state: State, lineStart: boolean, prev: string) => { node: Node; length: number } | null;

/** Only web URLs become links: javascript:, data: and the like stay text. */
export function safeUrl(raw: string): string | null {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

const MAX_DEPTH = 16;

const re = {
  codeBlock: /^```(?:([A-Za-z0-9_+\-.#]+?)\n)?\n*([\s\S]*?)\n*```\n?/,
  code: /^(`+)([\s\S]*?[^`])\1(?!`)/,
  escape: /^\\([^0-9A-Za-z\s])/,
  quoteAll: /^ *>>> ?([\s\S]*)$/,
  quoteLines: /^(?: *> [^\n]*(?:\n|$)| *>(?:\n|$))+/,
  heading: /^(#{1,3}) +([^\n]+?) *(?:\n|$)/,
  subtext: /^-# +([^\n]+?) *(?:\n|$)/,
  list: /^ *(?:[*-]|\d{1,9}\.) +[^\n]*(?:\n *(?:[*-]|\d{1,9}\.) +[^\n]*)*\n?/,
  listItem: /^ *([*-]|\d{1,9}\.) +([^\n]*)$/,
  maskedLink: /^\[((?:\\[\s\S]|[^\\\]\n])+)\]\(\s*<?((?:https?:\/\/)[^\s()<>]+(?:\([^\s()<>]*\)[^\s()<>]*)*)>?\s*\)/,
  angleLink: /^<(https?:\/\/[^\s>]+)>/,
  url: /^https?:\/\/[^\s<]+[^<.,:;"')\]\s]/,
  timestamp: /^<t:(-?\d{1,13})(?::([tTdDfFR]))?>/,
  emoji: /^<(a?):(\w{2,32}):(\d{1,20})>/,
  spoiler: /^\|\|([\s\S]+?)\|\|/,
  strong: /^\*\*((?:\\[\s\S]|[^\\])+?)\*\*(?!\*)/,
  underline: /^__((?:\\[\s\S]|[^\\])+?)__(?!_)/,
  emStar: /^\*(?=\S)((?:\*\*|\\[\s\S]|\s+(?:\\[\s\S]|[^\s*\\]|\*\*)|[^\s*\\])+?)\*(?!\*)/,
  emUnderscore: /^_((?:__|\\[\s\S]|[^\\_])+?)_(?![\p{L}\p{N}_])/u,
  strike: /^~~([\s\S]+?)~~/,
  // Plain text up to the next character that could start a rule, or a `scheme:` that could start a URL.
  text: /^[\s\S]+?(?=[^0-9A-Za-z\s\u00c0-\uffff]|\n|\w+:\S|$)/,
};

function inner(state: State, patch: Partial<State> = {}): State {
  return { ...state, ...patch, depth: state.depth + 1 };
}

function wrap(type: 'strong' | 'em' | 'underline' | 'strike' | 'spoiler', match: RegExpExecArray, body: string, state: State) {
  return { node: { type, children: parseInline(body, inner(state)) } as Node, length: match[0].length };
}

const rules: Rule[] = [
  (src) => {
    const m = re.codeBlock.exec(src);
    return m ? { node: { type: 'codeBlock', lang: m[1]?.toLowerCase() ?? null, text: m[2] ?? '' }, length: m[0].length } : null;
  },
  (src, state, lineStart) => {
    if (!lineStart || state.inQuote || state.inline) return null;
    let m = re.quoteAll.exec(src);
    if (m) return { node: { type: 'quote', children: parseNodes(m[1]!, inner(state, { inQuote: true })) }, length: m[0].length };
    m = re.quoteLines.exec(src);
    if (!m) return null;
    const body = m[0].replace(/\n$/, '').split('\n').map((l) => l.replace(/^ *> ?/, '')).join('\n');
    return { node: { type: 'quote', children: parseNodes(body, inner(state, { inQuote: true })) }, length: m[0].length };
  },
  (src, state, lineStart) => {
    if (!lineStart || state.inline) return null;
    const m = re.heading.exec(src);
    if (!m) return null;
    return { node: { type: 'heading', level: m[1]!.length as 1 | 2 | 3, children: parseInline(m[2]!, inner(state, { inline: true })) }, length: m[0].length };
  },
  (src, state, lineStart) => {
    if (!lineStart || state.inline) return null;
    const m = re.subtext.exec(src);
    return m ? { node: { type: 'subtext', children: parseInline(m[1]!, inner(state, { inline: true })) }, length: m[0].length } : null;
  },
  (src, state, lineStart) => {
    if (!lineStart || state.inline) return null;
    const m = re.list.exec(src);
    if (!m) return null;
    const lines = m[0].replace(/\n$/, '').split('\n');
    const first = re.listItem.exec(lines[0]!);
    if (!first) return null;
    const ordered = /\d/.test(first[1]!);
    const items = lines.map((l) => parseInline(re.listItem.exec(l)?.[2] ?? l.trim(), inner(state, { inline: true })));
    return { node: { type: 'list', ordered, start: ordered ? Number.parseInt(first[1]!, 10) : 1, items }, length: m[0].length };
  },
  (src) => {
    const m = re.code.exec(src);
    return m ? { node: { type: 'code', text: m[2]!.replace(/^ (?=\S)|(?<=\S) $/g, '') }, length: m[0].length } : null;
  },
  (src) => {
    const m = re.escape.exec(src);
    return m ? { node: { type: 'text', text: m[1]! }, length: m[0].length } : null;
  },
  (src, state) => {
    if (state.inLink) return null;
    const m = re.maskedLink.exec(src);
    const url = m && safeUrl(m[2]!);
    if (!m || !url) return null;
    return { node: { type: 'link', url, children: parseInline(m[1]!, inner(state, { inLink: true, inline: true })) }, length: m[0].length };
  },
  (src, state) => {
    if (state.inLink) return null;
    const m = re.angleLink.exec(src) ?? re.url.exec(src);
    if (!m) return null;
    const raw = m[1] ?? m[0];
    const url = safeUrl(raw);
    return url ? { node: { type: 'link', url, children: [{ type: 'text', text: raw }] }, length: m[0].length } : null;
  },
  (src) => {
    const m = re.timestamp.exec(src);
    return m ? { node: { type: 'timestamp', unix: Number(m[1]), style: (m[2] ?? 'f') as TimestampStyle }, length: m[0].length } : null;
  },
  (src) => {
    const m = re.emoji.exec(src);
    return m ? { node: { type: 'emoji', name: m[2]!, id: m[3]!, animated: m[1] === 'a' }, length: m[0].length } : null;
  },
  (src) => {
    let m: RegExpExecArray | null;
    if ((m = MentionPatterns.user.exec(src))) return { node: { type: 'user', id: m[1]! }, length: m[0].length };
    if ((m = MentionPatterns.role.exec(src))) return { node: { type: 'role', id: m[1]! }, length: m[0].length };
    if ((m = MentionPatterns.channel.exec(src))) return { node: { type: 'channel', id: m[1]! }, length: m[0].length };
    if ((m = MentionPatterns.everyone.exec(src))) return { node: { type: 'everyone', which: m[1] as 'everyone' | 'here' }, length: m[0].length };
    return null;
  },
  (src, state) => {
    const m = re.spoiler.exec(src);
    return m ? wrap('spoiler', m, m[1]!, state) : null;
  },
  (src, state) => {
    const m = re.strong.exec(src);
    return m ? wrap('strong', m, m[1]!, state) : null;
  },
  (src, state) => {
    const m = re.underline.exec(src);
    return m ? wrap('underline', m, m[1]!, state) : null;
  },
  (src, state, _lineStart, prev) => {
    // `_` right after a letter or digit never opens emphasis, so snake_case_names stay as typed.
    const m = re.emStar.exec(src) ?? (/[\p{L}\p{N}_]/u.test(prev) ? null : re.emUnderscore.exec(src));
    return m ? wrap('em', m, m[1]!, state) : null;
  },
  (src, state) => {
    const m = re.strike.exec(src);
    return m ? wrap('strike', m, m[1]!, state) : null;
  },
];

function parseWith(src: string, state: State): Node[] {
  const out: Node[] = [];
  const push = (n: Node) => {
    const last = out[out.length - 1];
    if (n.type === 'text' && last?.type === 'text') out[out.length - 1] = { type: 'text', text: last.text + n.text };
    else out.push(n);
  };
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    const lineStart = i === 0 || src[i - 1] === '\n';
    let matched = false;
    if (state.depth < MAX_DEPTH) {
      const prev = i > 0 ? src[i - 1]! : '';
      for (const rule of rules) {
        const r = rule(rest, state, lineStart, prev);
        if (r && r.length > 0) {
          push(r.node);
          i += r.length;
          matched = true;
          break;
        }
      }
    }
    if (matched) continue;
    const t = re.text.exec(rest);
    const len = t && t[0].length > 0 ? t[0].length : 1;
    push({ type: 'text', text: rest.slice(0, len) });
    i += len;
  }
  return out;
}

const parseNodes = parseWith;
const parseInline = parseWith;

/** A message's content as a tree. */
export function parse(src: string): Node[] {
  return parseNodes(src, { inQuote: false, inLink: false, inline: false, depth: 0 });
}

/** Discord shows a message of nothing but emoji (up to 27, custom ones here) large. */
export function isJumbo(nodes: Node[]): boolean {
  const emoji = nodes.filter((n) => n.type === 'emoji').length;
  return emoji > 0 && emoji <= 27 && nodes.every((n) => n.type === 'emoji' || (n.type === 'text' && n.text.trim() === ''));
}

/** The text a tree reads as, for snippets (reply bars, pins) and tests. */
export function plainText(nodes: Node[]): string {
  return nodes
    .map((n) => {
      switch (n.type) {
        case 'text':
        case 'code':
        case 'codeBlock':
          return n.text;
        case 'list':
          return n.items.map(plainText).join(' ');
        case 'user':
        case 'role':
        case 'channel':
        case 'timestamp':
          return '';
        case 'everyone':
          return `@${n.which}`;
        case 'emoji':
          return `:${n.name}:`;
        default:
          return plainText(n.children);
      }
    })
    .join('');
}
