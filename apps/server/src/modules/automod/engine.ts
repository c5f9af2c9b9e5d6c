/**
 * The AutoMod matching engine: rules compile once (per guild, per change) into matchers that a send evaluates
 * without I/O. Keywords follow Discord's wildcard syntax (`word` whole word, `word*` prefix, `*word` suffix,
 * `*word*` anywhere; case-insensitive; phrases allowed). Simple keywords are looked up per word of the message in
 * hash sets, so a thousand of them cost about as much as ten.
 *
 * Regex patterns run on RE2 (the re2js port, pure JavaScript): matching is linear in the input whatever the
 * pattern, so a hostile pattern cannot backtrack and stall the event loop (`a*a*b` on 4000 characters takes
 * V8's engine tens of seconds, RE2 under a millisecond). RE2 has no backreferences or lookarounds (neither has
 * Discord's Rust flavour), refuses repeat counts over 1000, and a compiled program larger than
 * MAX_REGEX_PROGRAM is refused as too costly.
 */
import { RE2JS } from 're2js';
import { AutoModTriggerTypes, parseMentionTokens, type AutoModRule } from '@concord/protocol';
import { PRESET_WORDS } from './presets.js';
import type { RecentSend } from './recent.js';

/** RE2 instructions one pattern may compile to: bounds memory and the per-character cost of a match. */
export const MAX_REGEX_PROGRAM = 4000;

export interface Trigger {
  rule: AutoModRule;
  matched_keyword: string | null;
  matched_content: string | null;
}

/** What a message is judged on, besides its text. */
export interface Subject {
  content: string;
  channelId: string;
  /** Channels whose exemption covers this one: a thread's parent, a channel's category. */
  parentIds: string[];
  roleIds: string[];
  authorId: string;
  now: number;
}

/** Compiles a regex as the engine will run it; throws a message for the client when it cannot. */
export function compileRegex(pattern: string): RE2JS {
  const re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  if (re.programSize() > MAX_REGEX_PROGRAM) throw new Error('Regex is too complex.');
  return re;
}

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}\p{M}_]/u.test(ch);
const WORD = /[\p{L}\p{N}\p{M}_]+/gu;
const SIMPLE = /^[\p{L}\p{N}\p{M}_]+$/u;

interface Keyword {
  text: string;
  /** The original keyword, for matched_keyword. */
  source: string;
  prefix: boolean;
  suffix: boolean;
}

function parseKeyword(source: string): Keyword | undefined {
  let text = source.trim().toLowerCase();
  const suffix = text.startsWith('*');
  const prefix = text.endsWith('*');
  text = text.replace(/^\*+/, '').replace(/\*+$/, '');
  return text ? { text, source, prefix, suffix } : undefined;
}

/** Whether `kw` matches at `i` of `lower` with its boundaries: a whole word unless a wildcard opens a side. */
function boundedAt(lower: string, i: number, kw: Keyword): boolean {
  const startOk = kw.suffix || !isWordChar(lower[i - 1]);
  const endOk = kw.prefix || !isWordChar(lower[i + kw.text.length]);
  return startOk && endOk;
}

/** The word (or phrase) around a match, as matched_content reports it. */
function around(text: string, start: number, end: number): string {
  let s = start;
  let e = end;
  while (s > 0 && isWordChar(text[s - 1])) s--;
  while (e < text.length && isWordChar(text[e])) e++;
  return text.slice(s, e);
}

/** A list of keywords compiled for one message pass; `allow` is a compiled allow list (or none). */
class KeywordSet {
  private readonly exact = new Map<string, string>();
  private readonly prefixes = new Map<number, Map<string, string>>();
  private readonly suffixes = new Map<number, Map<string, string>>();
  private readonly anywhere: Keyword[] = [];
  /** Phrases and keywords with punctuation: searched in the text with boundary checks. */
  private readonly scanned: Keyword[] = [];
  readonly size: number;

  constructor(list: readonly string[]) {
    let n = 0;
    for (const source of list) {
      const kw = parseKeyword(source);
      if (!kw) continue;
      n++;
      if (!SIMPLE.test(kw.text)) this.scanned.push(kw);
      else if (kw.prefix && kw.suffix) this.anywhere.push(kw);
      else if (kw.prefix) byLength(this.prefixes, kw.text).set(kw.text, source);
      else if (kw.suffix) byLength(this.suffixes, kw.text).set(kw.text, source);
      else this.exact.set(kw.text, source);
    }
    this.size = n;
  }

  /** Whether a matched word or phrase is covered by this (allow) list. */
  covers(matched: string): boolean {
    const lower = matched.toLowerCase();
    if (this.exact.has(lower)) return true;
    for (const [len, set] of this.prefixes) if (lower.length >= len && set.has(lower.slice(0, len))) return true;
    for (const [len, set] of this.suffixes) if (lower.length >= len && set.has(lower.slice(lower.length - len))) return true;
    for (const kw of this.anywhere) if (lower.includes(kw.text)) return true;
    for (const kw of this.scanned) if (lower.includes(kw.text)) return true;
    return false;
  }

  /** The first match in `text` (lowercased as `lower`) that `allow` does not cover. */
  find(text: string, lower: string, allow: KeywordSet | undefined): { keyword: string; content: string } | undefined {
    const ok = (content: string) => !allow || !allow.covers(content);
    if (this.exact.size || this.prefixes.size || this.suffixes.size) {
      for (const m of lower.matchAll(WORD)) {
        const word = m[0];
        const hit = this.exact.get(word) ?? lookup(this.prefixes, word, false) ?? lookup(this.suffixes, word, true);
        if (hit !== undefined) {
          const content = text.slice(m.index, m.index + word.length);
          if (ok(content)) return { keyword: hit, content };
        }
      }
    }
    for (const kw of [...this.anywhere, ...this.scanned]) {
      for (let i = lower.indexOf(kw.text); i >= 0; i = lower.indexOf(kw.text, i + 1)) {
        if (!boundedAt(lower, i, kw)) continue;
        const content = kw.prefix || kw.suffix ? around(text, i, i + kw.text.length) : text.slice(i, i + kw.text.length);
        if (ok(content)) return { keyword: kw.source, content };
      }
    }
    return undefined;
  }
}

function byLength(map: Map<number, Map<string, string>>, text: string): Map<string, string> {
  let set = map.get(text.length);
  if (!set) map.set(text.length, (set = new Map()));
  return set;
}

function lookup(map: Map<number, Map<string, string>>, word: string, fromEnd: boolean): string | undefined {
  for (const [len, set] of map) {
    if (word.length < len) continue;
    const hit = set.get(fromEnd ? word.slice(word.length - len) : word.slice(0, len));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** One rule, ready to evaluate. */
interface CompiledRule {
  rule: AutoModRule;
  exemptRoles: Set<string>;
  exemptChannels: Set<string>;
  /** `recent`: the author's recent sends in the guild, oldest first (empty unless `tracksHistory`). */
  test(subject: Subject, lower: string, recent: readonly RecentSend[]): Omit<Trigger, 'rule'> | undefined;
}

const SPAM_WINDOW_MS = 60_000;
const MENTION_WINDOW_MS = 60_000;

/** Content as spam compares it: case and runs of spaces folded. */
export const spamKey = (content: string) => content.toLowerCase().replace(/\s+/g, ' ').trim();

export function uniqueMentions(content: string): number {
  const t = parseMentionTokens(content);
  return new Set(t.users).size + new Set(t.roles).size;
}

function compileRule(rule: AutoModRule): CompiledRule {
  const base = { rule, exemptRoles: new Set(rule.exempt_roles), exemptChannels: new Set(rule.exempt_channels) };
  const md = rule.trigger_metadata;
  switch (rule.trigger_type) {
    case AutoModTriggerTypes.KEYWORD:
    case AutoModTriggerTypes.MEMBER_PROFILE: {
      const keywords = new KeywordSet(md.keyword_filter ?? []);
      const allow = md.allow_list?.length ? new KeywordSet(md.allow_list) : undefined;
      const regexes = (md.regex_patterns ?? []).map((p) => ({ source: p, re: compileRegex(p) }));
      const any = anyOf(md.regex_patterns ?? []);
      return {
        ...base,
        test(s, lower) {
          const hit = keywords.find(s.content, lower, allow);
          if (hit) return { matched_keyword: hit.keyword, matched_content: hit.content };
          // One pass over the message for all patterns; only a message that matches one is looked at pattern by pattern.
          if (any && !any.matcher(s.content).find()) return undefined;
          for (const { source, re } of regexes) {
            const m = re.matcher(s.content);
            // Every match is looked at (an allowed one does not hide the next); RE2 keeps each find linear.
            while (m.find()) {
              const content = m.group() ?? '';
              if (!allow || !allow.covers(content)) return { matched_keyword: source, matched_content: content };
              if (m.end() === m.start() && m.end() >= s.content.length) break;
            }
          }
          return undefined;
        },
      };
    }
    case AutoModTriggerTypes.KEYWORD_PRESET: {
      const words = new KeywordSet((md.presets ?? []).flatMap((p) => PRESET_WORDS[p] ?? []));
      const allow = md.allow_list?.length ? new KeywordSet(md.allow_list) : undefined;
      return {
        ...base,
        test(s, lower) {
          const hit = words.find(s.content, lower, allow);
          return hit ? { matched_keyword: hit.keyword, matched_content: hit.content } : undefined;
        },
      };
    }
    case AutoModTriggerTypes.MENTION_SPAM: {
      const limit = md.mention_total_limit ?? AutoModDefaultMentionLimit;
      const raid = md.mention_raid_protection_enabled === true;
      return {
        ...base,
        test(s, _lower, recent) {
          const n = uniqueMentions(s.content);
          if (n > limit) return { matched_keyword: null, matched_content: null };
          // A raid: many mentions spread over several messages of one author within a minute.
          if (raid && n > 0) {
            const total = recent.filter((e) => s.now - e.at < MENTION_WINDOW_MS).reduce((a, e) => a + e.mentions, n);
            if (total > limit) return { matched_keyword: null, matched_content: null };
          }
          return undefined;
        },
      };
    }
    case AutoModTriggerTypes.SPAM:
      return {
        ...base,
        test(s, _lower, recent) {
          const key = spamKey(s.content);
          if (!key) return undefined;
          const same = recent.filter((e) => s.now - e.at < SPAM_WINDOW_MS && e.content === key);
          // The third identical message within a minute, or the same text in another channel within ten seconds.
          const repeated = same.length >= 2;
          const crossPosted = same.some((e) => e.channelId !== s.channelId && s.now - e.at < 10_000);
          return repeated || crossPosted ? { matched_keyword: null, matched_content: null } : undefined;
        },
      };
    default:
      return { ...base, test: () => undefined };
  }
}

export const AutoModDefaultMentionLimit = 20;

/** The patterns as one alternation (RE2 runs it in a single pass); none when there are fewer than two or it is too big. */
function anyOf(patterns: readonly string[]): RE2JS | undefined {
  if (patterns.length < 2) return undefined;
  try {
    return compileRegex(patterns.map((p) => `(?:${p})`).join('|'));
  } catch {
    return undefined;
  }
}

/** A guild's enabled message rules, compiled. */
export class CompiledRules {
  private readonly rules: CompiledRule[];
  /** Member-profile rules: judged on a member's names when they join or change them, not on messages. */
  private readonly profile: CompiledRule[];
  /** Whether any rule needs the author's recent sends (spam, mention raids). */
  readonly tracksHistory: boolean;

  constructor(rules: Iterable<AutoModRule>) {
    const enabled = [...rules].filter((r) => r.enabled);
    this.rules = enabled.filter((r) => r.trigger_type !== AutoModTriggerTypes.MEMBER_PROFILE).map(compileRule);
    this.profile = enabled.filter((r) => r.trigger_type === AutoModTriggerTypes.MEMBER_PROFILE).map(compileRule);
    this.tracksHistory = this.rules.some(
      (r) => r.rule.trigger_type === AutoModTriggerTypes.SPAM || (r.rule.trigger_type === AutoModTriggerTypes.MENTION_SPAM && r.rule.trigger_metadata.mention_raid_protection_enabled === true),
    );
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** Every rule the message triggers (each rule once), exemptions applied. */
  evaluate(s: Subject, recent: readonly RecentSend[] = []): Trigger[] {
    if (this.rules.length === 0) return [];
    const lower = s.content.toLowerCase();
    const out: Trigger[] = [];
    for (const c of this.rules) {
      if (c.exemptChannels.has(s.channelId) || s.parentIds.some((id) => c.exemptChannels.has(id))) continue;
      if (s.roleIds.some((id) => c.exemptRoles.has(id))) continue;
      const hit = c.test(s, lower, recent);
      if (hit) out.push({ rule: c.rule, ...hit });
    }
    return out;
  }

  get profileEmpty(): boolean {
    return this.profile.length === 0;
  }

  /**
   * Every member-profile rule the names trigger (each rule once, on the first name that matches), exempt roles
   * applied. Each name is matched on its own, so words never run across two names.
   */
  evaluateProfile(names: readonly (string | null | undefined)[], roleIds: readonly string[]): (Trigger & { name: string })[] {
    const out: (Trigger & { name: string })[] = [];
    for (const c of this.profile) {
      if (roleIds.some((id) => c.exemptRoles.has(id))) continue;
      for (const name of names) {
        if (!name) continue;
        const hit = c.test({ content: name, channelId: '', parentIds: [], roleIds: [...roleIds], authorId: '', now: 0 }, name.toLowerCase(), []);
        if (hit) {
          out.push({ rule: c.rule, ...hit, name });
          break;
        }
      }
    }
    return out;
  }

  /** What to record of a message that was sent, for the rules that look at recent sends (none when no rule does). */
  recordOf(s: Subject): RecentSend | undefined {
    return this.tracksHistory ? { at: s.now, content: spamKey(s.content), channelId: s.channelId, mentions: uniqueMentions(s.content) } : undefined;
  }
}
