/**
 * A small, language-agnostic highlighter for code blocks: comments, strings, numbers and the keywords of
 * common languages. Returns tokens (rendered as spans), never markup.
 */
export type Token = { kind: 'comment' | 'string' | 'number' | 'keyword' | 'plain'; text: string };

const KEYWORDS = new Set(
  (
    'abstract async await break case catch class const continue def default del do elif else enum export extends false final finally fn for ' +
    'from func function go if impl import in interface is lambda let loop match mod mut new nil none null package pass private protected pub ' +
    'public raise return self static struct super switch this throw true try type typeof use var void while with yield True False None'
  ).split(' '),
);

const LANGS_WITH_HASH_COMMENTS = new Set(['py', 'python', 'sh', 'bash', 'shell', 'rb', 'ruby', 'yaml', 'yml', 'toml', 'r', 'pl', 'perl']);
const HIGHLIGHTED = new Set([
  ...LANGS_WITH_HASH_COMMENTS,
  'js', 'javascript', 'ts', 'typescript', 'jsx', 'tsx', 'json', 'c', 'cpp', 'c++', 'cs', 'csharp', 'java', 'go', 'rust', 'rs', 'kotlin', 'kt',
  'swift', 'php', 'css', 'scss', 'sql', 'lua', 'dart', 'scala', 'zig',
]);

export function highlight(code: string, lang: string | null): Token[] | null {
  if (!lang || !HIGHLIGHTED.has(lang)) return null;
  const hash = LANGS_WITH_HASH_COMMENTS.has(lang);
  const sqlish = lang === 'sql' || lang === 'lua';
  const pattern = new RegExp(
    [
      hash ? '#[^\\n]*' : '\\/\\/[^\\n]*|\\/\\*[\\s\\S]*?\\*\\/',
      sqlish ? '--[^\\n]*' : null,
      '"(?:\\\\.|[^"\\\\\\n])*"|\'(?:\\\\.|[^\'\\\\\\n])*\'|`(?:\\\\.|[^`\\\\])*`',
      '\\b\\d[\\d_]*(?:\\.\\d+)?(?:e[+-]?\\d+)?\\b|\\b0x[0-9a-f]+\\b',
      '\\b[A-Za-z_]\\w*\\b',
    ]
      .filter(Boolean)
      .map((p) => `(${p})`)
      .join('|'),
    'gi',
  );
  const out: Token[] = [];
  let last = 0;
  for (const m of code.matchAll(pattern)) {
    const at = m.index;
    if (at > last) out.push({ kind: 'plain', text: code.slice(last, at) });
    const text = m[0];
    const groups = m.slice(1);
    const g = groups.findIndex((x) => x !== undefined);
    // Groups: comment, (sql comment), string, number, word.
    const kinds = sqlish ? (['comment', 'comment', 'string', 'number'] as const) : (['comment', 'string', 'number'] as const);
    const kind = g < kinds.length ? kinds[g]! : KEYWORDS.has(lang === 'sql' ? text.toLowerCase() : text) ? 'keyword' : 'plain';
    out.push({ kind, text });
    last = at + text.length;
  }
  if (last < code.length) out.push({ kind: 'plain', text: code.slice(last) });
  return out;
}
