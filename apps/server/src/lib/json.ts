/**
 * JSON text checks and parsing for request bodies and gateway frames.
 *
 * JSON.parse loses integers beyond 2^53, and libraries in other languages (discord.py) send snowflakes and
 * permission bits as JSON numbers. Integer literals beyond 2^53 become strings before parsing, so
 * `{"message_id": 1234567890123456789}` arrives as the string it means; schemas take ids as either.
 */
import { errors } from './errors.js';
import { NUL_MESSAGE, findNul } from './text.js';

export function parseJsonLossless(text: string): unknown {
  return JSON.parse(/\d{16}/.test(text) ? quoteLongIntegers(text) : text);
}

const MAX_SAFE = String(Number.MAX_SAFE_INTEGER);
/** Beyond 2^53 a JSON number loses digits; below it stays a number (a position of 1e15 is a number, not an id). */
const unsafe = (digits: string) => digits.length > MAX_SAFE.length || (digits.length === MAX_SAFE.length && digits > MAX_SAFE);

function quoteLongIntegers(text: string): string {
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Skip the string, escapes included.
      i++;
      while (i < n && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c /* \ */ ? 2 : 1;
      i++;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      if (c === 0x2d) i++;
      while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
      const digits = i - start - (c === 0x2d ? 1 : 0);
      const next = text[i];
      // Only plain integers: a fraction or exponent stays a number.
      if (unsafe(text.slice(c === 0x2d ? start + 1 : start, start + (c === 0x2d ? 1 : 0) + digits)) && next !== '.' && next !== 'e' && next !== 'E') {
        out += `${text.slice(last, start)}"${text.slice(start, i)}"`;
        last = i;
      }
      while (i < n && /[0-9.eE+-]/.test(text[i]!)) i++;
    } else {
      i++;
    }
  }
  return out + text.slice(last);
}


/**
 * A linear pre-scan of JSON text before JSON.parse builds it: nesting depth and the number of values are counted
 * on the raw characters, so a body made of a million tiny values (`[{},{},...]`) is refused for the cost of one
 * pass over bytes already bounded by the route's body limit, instead of being built and walked.
 */
export interface JsonShapeLimits {
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
  /** Most values (objects, arrays, strings, numbers, literals) in one document. */
  maxValues: number;
}

export const DEFAULT_JSON_LIMITS: JsonShapeLimits = { maxDepth: 32, maxValues: 10_000 };

/** Why the text is refused, or undefined when it may be parsed. Malformed JSON is left to JSON.parse. */
export function jsonShapeProblem(text: string, limits: JsonShapeLimits = DEFAULT_JSON_LIMITS): 'depth' | 'values' | undefined {
  let depth = 0;
  // Every value but the root follows a `,` or opens a container's first slot; counting `[`, `{` and `,`
  // over-counts keys slightly, which is harmless for a bound.
  let values = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limits.maxDepth) return 'depth';
      if (++values > limits.maxValues) return 'values';
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2c && ++values > limits.maxValues) return 'values';
  }
  return undefined;
}

/**
 * A request body's JSON, checked the way every body is: shape before parse, NUL and lone surrogates after.
 * Throws Discord's 400 (50035 / 50109); used by the JSON content-type parser and by multipart `payload_json`.
 */
export function parseRequestJson(text: string): unknown {
  if (text.trim() === '') return {};
  const shape = jsonShapeProblem(text);
  if (shape) throw errors.invalidField([], 'BASE_TYPE_INVALID', shape === 'depth' ? 'JSON is nested too deeply.' : 'JSON has too many values.');
  let parsed: unknown;
  try {
    parsed = parseJsonLossless(text);
  } catch {
    throw errors.invalidJson();
  }
  const at = findNul(parsed);
  if (at) throw errors.invalidField(at, 'BASE_TYPE_INVALID', NUL_MESSAGE);
  return parsed;
}
