/**
 * JSON.parse loses integers beyond 2^53, and libraries in other languages (discord.py) send snowflakes and
 * permission bits as JSON numbers. Integer literals of 16 digits or more become strings before parsing, so
 * `{"message_id": 1234567890123456789}` arrives as the string it means; schemas take ids as either.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(/\d{16}/.test(text) ? quoteLongIntegers(text) : text);
}

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
      if (digits >= 16 && next !== '.' && next !== 'e' && next !== 'E') {
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
