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
