/**
 * What the composer makes of `/name [group] [sub] option:value ...`: which command (and sub-command) it names,
 * the options typed so far with their values checked against the option types and choices, and the option
 * being typed (for hints, choices and autocomplete). Values run to the next `name:` of a known option.
 */
import { OptionTypes, type ApplicationCommand, type ApplicationCommandOption, type InteractionDataOption } from '@concord/protocol';

export interface CommandEntry {
  command: ApplicationCommand;
  /** Sub-command group and sub-command names, as Discord lists them ("vote start"). */
  path: string[];
  /** What the entry's options are (the sub-command's, or the command's). */
  options: ApplicationCommandOption[];
  description: string;
}

const isSub = (o: ApplicationCommandOption) => o.type === OptionTypes.SUB_COMMAND || o.type === OptionTypes.SUB_COMMAND_GROUP;

/** Every runnable entry: a command, or each of its sub-commands. */
export function entriesOf(commands: readonly ApplicationCommand[]): CommandEntry[] {
  const out: CommandEntry[] = [];
  for (const c of commands) {
    if (c.type !== 1) continue;
    const subs = (c.options ?? []).filter(isSub);
    if (subs.length === 0) {
      out.push({ command: c, path: [], options: c.options ?? [], description: c.description });
      continue;
    }
    for (const s of subs) {
      if (s.type === OptionTypes.SUB_COMMAND) out.push({ command: c, path: [s.name], options: s.options ?? [], description: s.description });
      else for (const t of s.options ?? []) out.push({ command: c, path: [s.name, t.name], options: t.options ?? [], description: t.description });
    }
  }
  return out;
}

export const entryName = (e: CommandEntry) => [e.command.name, ...e.path].join(' ');

/** The picker's query: text that is `/` and a command name being typed (no option yet). */
export function pickerQuery(text: string): string | null {
  const m = /^\/([\p{L}\p{N}_'-]*(?: [\p{L}\p{N}_'-]*){0,2})$/u.exec(text);
  return m ? m[1]! : null;
}

/** The entry the text runs, the longest name first ("vote start" before "vote"). */
export function matchEntry(text: string, entries: readonly CommandEntry[]): { entry: CommandEntry; rest: string } | null {
  if (!text.startsWith('/')) return null;
  const body = text.slice(1);
  const sorted = [...entries].sort((a, b) => entryName(b).length - entryName(a).length);
  for (const e of sorted) {
    const name = entryName(e);
    if (body === name || body.startsWith(`${name} `)) return { entry: e, rest: body.slice(name.length + 1) };
  }
  return null;
}

export interface Parsed {
  entry: CommandEntry;
  options: InteractionDataOption[];
  /** Problems to fix before it can be sent. */
  errors: string[];
  /** The option whose value is being typed at the end of the text. */
  current: { option: ApplicationCommandOption; value: string } | null;
}

function convert(o: ApplicationCommandOption, raw: string): { value?: string | number | boolean; error?: string } {
  const v = raw.trim();
  if (v === '') return { error: `${o.name} needs a value` };
  const choice = o.choices?.find((c) => c.name.toLowerCase() === v.toLowerCase() || String(c.value) === v);
  if (o.choices?.length) return choice ? { value: choice.value } : { error: `${o.name} must be one of: ${o.choices.map((c) => c.name).join(', ')}` };
  switch (o.type) {
    case OptionTypes.STRING:
      if (o.min_length != null && v.length < o.min_length) return { error: `${o.name} needs at least ${o.min_length} characters` };
      if (o.max_length != null && v.length > o.max_length) return { error: `${o.name} takes at most ${o.max_length} characters` };
      return { value: v };
    case OptionTypes.INTEGER:
    case OptionTypes.NUMBER: {
      const n = Number(v);
      if (!/^-?\d+(\.\d+)?$/.test(v) || (o.type === OptionTypes.INTEGER && !Number.isInteger(n))) return { error: `${o.name} must be ${o.type === OptionTypes.INTEGER ? 'a whole number' : 'a number'}` };
      if ((o.min_value != null && n < o.min_value) || (o.max_value != null && n > o.max_value)) return { error: `${o.name} must be between ${o.min_value ?? '-∞'} and ${o.max_value ?? '∞'}` };
      return { value: n };
    }
    case OptionTypes.BOOLEAN:
      if (/^(true|yes|on)$/i.test(v)) return { value: true };
      if (/^(false|no|off)$/i.test(v)) return { value: false };
      return { error: `${o.name} must be true or false` };
    case OptionTypes.USER:
    case OptionTypes.ROLE:
    case OptionTypes.MENTIONABLE:
    case OptionTypes.CHANNEL: {
      const m = /^<(@!?|@&|#)(\d+)>$/.exec(v) ?? (/^\d{15,20}$/.test(v) ? ['', '', v] : null);
      const kind = m?.[1];
      const fits =
        m &&
        (kind === '' ||
          (o.type === OptionTypes.USER && (kind === '@' || kind === '@!')) ||
          (o.type === OptionTypes.ROLE && kind === '@&') ||
          (o.type === OptionTypes.MENTIONABLE && kind !== '#') ||
          (o.type === OptionTypes.CHANNEL && kind === '#'));
      const what = { [OptionTypes.USER]: 'a member', [OptionTypes.ROLE]: 'a role', [OptionTypes.MENTIONABLE]: 'a member or role', [OptionTypes.CHANNEL]: 'a channel' }[o.type];
      return fits ? { value: m[2]! } : { error: `${o.name} must be ${what}` };
    }
    default:
      return { error: `${o.name} cannot be given here` };
  }
}

/** The typed options of `text` (already matched to `entry`). */
export function parseOptions(entry: CommandEntry, rest: string): Parsed {
  const names = new Set(entry.options.map((o) => o.name));
  const marks: { name: string; at: number; valueAt: number }[] = [];
  const re = /(^|\s)([\p{L}\p{N}_'-]{1,32}):/gu;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    if (!names.has(m[2]!) || marks.some((x) => x.name === m![2])) continue;
    marks.push({ name: m[2]!, at: m.index + m[1]!.length, valueAt: m.index + m[0].length });
  }
  const errors: string[] = [];
  const options: InteractionDataOption[] = [];
  let current: Parsed['current'] = null;
  if (marks.length === 0 && rest.trim() !== '') errors.push(`Type an option as name:value (${entry.options.map((o) => o.name).join(', ') || 'this command takes none'})`);
  marks.forEach((mark, i) => {
    const o = entry.options.find((x) => x.name === mark.name)!;
    const raw = rest.slice(mark.valueAt, marks[i + 1]?.at ?? rest.length);
    if (i === marks.length - 1) current = { option: o, value: raw.trimStart() };
    const r = convert(o, raw);
    if (r.error) errors.push(r.error);
    else options.push({ name: o.name, type: o.type, value: r.value });
  });
  for (const o of entry.options) if (o.required && !marks.some((x) => x.name === o.name)) errors.push(`Missing required option: ${o.name}`);
  // Sub-commands travel nested, as the options of their group and sub-command.
  let nested: InteractionDataOption[] = options;
  const [first, second] = entry.path;
  if (second) nested = [{ name: first!, type: OptionTypes.SUB_COMMAND_GROUP, options: [{ name: second, type: OptionTypes.SUB_COMMAND, options }] }];
  else if (first) nested = [{ name: first, type: OptionTypes.SUB_COMMAND, options }];
  return { entry, options: nested, errors, current };
}

/** The options with one of them marked focused (an autocomplete request), nested like `parsed.options`. */
export function withFocus(parsed: Parsed, name: string, value: string): InteractionDataOption[] {
  const mark = (list: InteractionDataOption[]): InteractionDataOption[] => {
    const others = list.filter((o) => o.name !== name && !o.options);
    const subs = list.filter((o) => o.options).map((o) => ({ ...o, options: mark(o.options!) }));
    if (subs.length) return subs;
    const option = parsed.entry.options.find((o) => o.name === name)!;
    return [...others, { name, type: option.type, value, focused: true }];
  };
  return mark(parsed.options);
}
