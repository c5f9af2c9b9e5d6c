/** What the composer offers while typing `@name`, `#channel` or `:emoji`, and how a pick is written. */
export interface Trigger {
  kind: '@' | '#' | ':';
  query: string;
  /** Where the trigger character is in the text. */
  start: number;
}

export interface Suggestion {
  key: string;
  label: string;
  detail?: string;
  /** What replaces the trigger and its query. */
  insert: string;
}

/** The trigger just before the caret: at the start or after a space, `:` needing two characters as on Discord. */
export function findTrigger(text: string, caret: number): Trigger | null {
  const before = text.slice(0, caret);
  const m = /(?:^|\s)([@#:])([\p{L}\p{N}_.+-]{0,32})$/u.exec(before);
  if (!m) return null;
  const kind = m[1] as Trigger['kind'];
  if (kind === ':' && m[2]!.length < 2) return null;
  return { kind, query: m[2]!, start: caret - m[2]!.length - 1 };
}

/** The text with the trigger replaced by the pick (and a space after it), and where the caret goes. */
export function applySuggestion(text: string, caret: number, t: Trigger, s: Suggestion): { text: string; caret: number } {
  const insert = `${s.insert} `;
  return { text: text.slice(0, t.start) + insert + text.slice(caret), caret: t.start + insert.length };
}

/** Names starting with the query first, then containing it; case-insensitive. */
export function rank<T>(items: T[], names: (item: T) => string[], query: string, limit = 8): T[] {
  const q = query.toLowerCase();
  const starts = items.filter((i) => names(i).some((n) => n.toLowerCase().startsWith(q)));
  const contains = items.filter((i) => !starts.includes(i) && names(i).some((n) => n.toLowerCase().includes(q)));
  return [...starts, ...contains].slice(0, limit);
}
