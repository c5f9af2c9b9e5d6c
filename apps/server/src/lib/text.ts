/**
 * Input text checks shared by HTTP and the gateway. PostgreSQL `text` cannot hold NUL (U+0000): such a string
 * is bad input, refused where it enters, never a database error (or a failed batch of other people's writes).
 */

interface Node {
  value: unknown;
  parent: Node | null;
  key: string;
}

/** NUL, or half of a UTF-16 surrogate pair: neither can be stored and read back as sent (UTF-8 has no lone halves). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const badText = (s: string) => s.includes('\0') || LONE_SURROGATE.test(s);

/**
 * The path (keys from the root) of the first string, value or key, that contains NUL or a lone surrogate;
 * undefined when none does.
 * Iterative, and paths are built only for the hit, so deeply nested input costs linear time and no stack.
 */
export function findNul(value: unknown): string[] | undefined {
  const stack: Node[] = [{ value, parent: null, key: '' }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      if (badText(v)) return pathOf(node);
    } else if (v !== null && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        const next = { value: child, parent: node, key };
        if (badText(key)) return pathOf(next);
        stack.push(next);
      }
    }
  }
  return undefined;
}

function pathOf(node: Node): string[] {
  const path: string[] = [];
  for (let n: Node | null = node; n && n.parent; n = n.parent) path.push(n.key);
  return path.reverse();
}

export const NUL_MESSAGE = 'Text may not contain NUL characters or unpaired surrogates.';
