/**
 * Discord's search box syntax to the search endpoint's parameters: words and "quoted phrases" are content;
 * `from:`, `mentions:` (a member), `in:` (a channel), `has:`, `before:`, `after:`, `during:` (a date),
 * `pinned:` (true / false) are filters. Names are resolved by the caller's lookups.
 */
export const FILTERS = ['from', 'mentions', 'has', 'in', 'before', 'after', 'during', 'pinned'] as const;
export type Filter = (typeof FILTERS)[number];
export const HAS_VALUES = ['link', 'embed', 'file', 'image', 'video', 'sound', 'sticker', 'poll'] as const;

const DISCORD_EPOCH = 1420070400000n;
/** The smallest snowflake of a moment. */
export function snowflakeAt(ms: number): string {
  const d = BigInt(Math.trunc(ms)) - DISCORD_EPOCH;
  return ((d < 0n ? 0n : d) << 22n).toString();
}

export interface Lookups {
  /** A member's user id by username or display name (case folded). */
  user(name: string): string | undefined;
  /** A channel's id by name. */
  channel(name: string): string | undefined;
}

export type Parsed = { ok: true; params: URLSearchParams; words: string[] } | { ok: false; error: string };

/** Splits into tokens, keeping quoted parts together (a filter value may be quoted too: from:"Jane Doe"). */
export function tokenize(input: string): string[] {
  const out: string[] = [];
  const re = /(\w+:)?"([^"]*)"?|\S+/g;
  for (const m of input.matchAll(re)) out.push(m[1] !== undefined || m[0].startsWith('"') ? `${m[1] ?? ''}"${m[2]}"` : m[0]);
  return out;
}

/** A local calendar day, as [start, end) in ms; undefined when it is no date. */
function day(value: string): [number, number] | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const start = new Date(y, mo, d);
  if (start.getFullYear() !== y || start.getMonth() !== mo || start.getDate() !== d) return undefined;
  return [start.getTime(), new Date(y, mo, d + 1).getTime()];
}

const unquote = (v: string) => (v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1) : v);

export function parseQuery(input: string, lookups: Lookups): Parsed {
  const params = new URLSearchParams();
  const words: string[] = [];
  for (const token of tokenize(input.trim())) {
    const m = /^(\w+):(.*)$/.exec(token);
    const filter = m && (FILTERS as readonly string[]).includes(m[1]!.toLowerCase()) ? (m[1]!.toLowerCase() as Filter) : null;
    if (!filter || m![2] === '') {
      words.push(token);
      continue;
    }
    const value = unquote(m![2]!);
    switch (filter) {
      case 'from':
      case 'mentions': {
        const id = lookups.user(value.replace(/^@/, ''));
        if (!id) return { ok: false, error: `No member named “${value}”.` };
        params.append(filter === 'from' ? 'author_id' : 'mentions', id);
        break;
      }
      case 'in': {
        const id = lookups.channel(value.replace(/^#/, ''));
        if (!id) return { ok: false, error: `No channel named “${value}”.` };
        params.append('channel_id', id);
        break;
      }
      case 'has':
        if (!(HAS_VALUES as readonly string[]).includes(value.toLowerCase())) return { ok: false, error: `has: takes ${HAS_VALUES.join(', ')}.` };
        params.append('has', value.toLowerCase());
        break;
      case 'pinned':
        if (value !== 'true' && value !== 'false') return { ok: false, error: 'pinned: takes true or false.' };
        params.set('pinned', value);
        break;
      default: {
        const d = day(value);
        if (!d) return { ok: false, error: `${filter}: takes a date such as 2024-05-31.` };
        // Bounds are exclusive: before a day is below its first id; after it, above its last.
        if (filter === 'before') params.set('max_id', snowflakeAt(d[0]));
        if (filter === 'after') params.set('min_id', (BigInt(snowflakeAt(d[1])) - 1n).toString());
        if (filter === 'during') {
          params.set('min_id', (BigInt(snowflakeAt(d[0])) - 1n).toString());
          params.set('max_id', snowflakeAt(d[1]));
        }
      }
    }
  }
  const content = words.join(' ').trim();
  if (content) params.set('content', content);
  if ([...params.keys()].length === 0) return { ok: false, error: 'Type something to search for.' };
  return { ok: true, params, words: words.map(unquote).filter(Boolean) };
}

/** What to offer while typing the last token: filter names, then values for the filter being typed. */
export function suggest(input: string, values: { users: string[]; channels: string[] }): { label: string; insert: string }[] {
  const last = /(\S*)$/.exec(input)?.[1] ?? '';
  const m = /^(\w+):(.*)$/.exec(last);
  if (!m) {
    return FILTERS.filter((f) => f.startsWith(last.toLowerCase())).map((f) => ({ label: `${f}:`, insert: `${f}:` }));
  }
  const [, name, typed] = m;
  const pick = (list: readonly string[]) =>
    list
      .filter((v) => v.toLowerCase().startsWith(typed!.toLowerCase()))
      .slice(0, 8)
      .map((v) => ({ label: v, insert: `${name}:${/\s/.test(v) ? `"${v}"` : v} ` }));
  switch (name!.toLowerCase()) {
    case 'from':
    case 'mentions':
      return pick(values.users);
    case 'in':
      return pick(values.channels);
    case 'has':
      return pick(HAS_VALUES);
    case 'pinned':
      return pick(['true', 'false']);
    default:
      return [];
  }
}

/** Replaces the last token of the input with a suggestion. */
export const applySuggestion = (input: string, insert: string): string => input.replace(/\S*$/, insert);
