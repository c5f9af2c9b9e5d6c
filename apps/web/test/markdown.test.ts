import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { parse, plainText, type Node } from '../src/features/markdown/parse';
import { Markdown, type MarkdownContext } from '../src/features/markdown/render';
import { replaceShortcodes } from '../src/features/emoji/data';

const ctx: MarkdownContext = {
  userName: (id) => ({ '1': 'alice', '2': 'bob' })[id],
  role: (id) => (id === '5' ? { name: 'mods', color: 0xff0000 } : undefined),
  channelName: (id) => (id === '7' ? 'general' : undefined),
  mentionEveryone: true,
  me: '2',
};
const html = (content: string, c: Partial<MarkdownContext> = {}) => renderToStaticMarkup(createElement(Markdown, { content, ctx: { ...ctx, ...c } }));
const t = (text: string): Node => ({ type: 'text', text });

describe('markdown: inline styles', () => {
  it.each([
    ['**bold**', '<strong>bold</strong>'],
    ['*it* and _it_', '<em>it</em> and <em>it</em>'],
    ['__under__', '<u>under</u>'],
    ['~~gone~~', '<s>gone</s>'],
    ['***both***', '<strong><em>both</em></strong>'],
    ['**bold *nested* bold**', '<strong>bold <em>nested</em> bold</strong>'],
    ['__*underlined italic*__', '<u><em>underlined italic</em></u>'],
    ['`**not bold**`', '<code class="md-code">**not bold**</code>'],
    ['`` a ` b ``', '<code class="md-code">a ` b</code>'],
    ['\\*not italic\\*', '*not italic*'],
    ['\\`not code\\`', '`not code`'],
    ['snake_case_name', 'snake_case_name'],
    ['2 * 3 * 4', '2 * 3 * 4'],
    ['**unclosed', '**unclosed'],
    ['a**b**c', 'a<strong>b</strong>c'],
  ])('%s', (src, out) => {
    expect(html(src)).toBe(out);
  });

  it('spoilers hide their text until clicked, and never inside code', () => {
    expect(html('||secret||')).toContain('class="md-spoiler"');
    expect(html('||secret||')).toContain('secret');
    expect(html('`||not a spoiler||`')).toBe('<code class="md-code">||not a spoiler||</code>');
    expect(parse('||a **b**||')).toEqual([{ type: 'spoiler', children: [t('a '), { type: 'strong', children: [t('b')] }] }]);
  });
});

describe('markdown: blocks', () => {
  it('code blocks keep their text literally, with a language', () => {
    expect(parse('```js\nconst a = **1**; <@1>\n```')).toEqual([{ type: 'codeBlock', lang: 'js', text: 'const a = **1**; <@1>' }]);
    expect(parse('```plain words```')).toEqual([{ type: 'codeBlock', lang: null, text: 'plain words' }]);
    expect(html('```js\nconst x = 1 // hi\n```')).toContain('<span class="hl-keyword">const</span>');
  });

  it('quotes: "> " per line and ">>> " for the rest; not nested', () => {
    expect(parse('> one\n> two\nafter')).toEqual([{ type: 'quote', children: [t('one\ntwo')] }, t('after')]);
    expect(parse('>>> all\nof it')).toEqual([{ type: 'quote', children: [t('all\nof it')] }]);
    expect(parse('>no space')).toEqual([t('>no space')]);
    expect(parse('> > inner')).toEqual([{ type: 'quote', children: [t('> inner')] }]);
    expect(parse('a > b')).toEqual([t('a > b')]);
  });

  it('headers at the start of a line only, up to ###', () => {
    expect(parse('# Title\nbody')).toEqual([{ type: 'heading', level: 1, children: [t('Title')] }, t('body')]);
    expect(parse('### small')).toEqual([{ type: 'heading', level: 3, children: [t('small')] }]);
    expect(parse('#### not')).toEqual([t('#### not')]);
    expect(parse('#nospace')).toEqual([t('#nospace')]);
    expect(parse('a # b')).toEqual([t('a # b')]);
  });

  it('lists, bulleted and numbered', () => {
    expect(parse('- a\n- **b**\nend')).toEqual([{ type: 'list', ordered: false, start: 1, items: [[t('a')], [{ type: 'strong', children: [t('b')] }]] }, t('end')]);
    expect(parse('3. x\n4. y')).toEqual([{ type: 'list', ordered: true, start: 3, items: [[t('x')], [t('y')]] }]);
    expect(html('1. one')).toBe('<ol class="md-list" start="1"><li>one</li></ol>');
  });
});

describe('markdown: links', () => {
  it('auto-links URLs, opening in a new tab with rel=noopener', () => {
    expect(html('see https://example.com/a?b=1.')).toBe(
      'see <a class="md-link" href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer" title="https://example.com/a?b=1">https://example.com/a?b=1</a>.',
    );
    expect(parse('<https://example.com>')).toEqual([{ type: 'link', url: 'https://example.com/', children: [t('https://example.com')] }]);
  });

  it('masked links with formatted text', () => {
    expect(parse('[**docs**](https://d.example/x)')).toEqual([{ type: 'link', url: 'https://d.example/x', children: [{ type: 'strong', children: [t('docs')] }] }]);
  });

  it('links inside code stay code', () => {
    expect(html('`[x](https://a.example)` `https://b.example`')).toBe('<code class="md-code">[x](https://a.example)</code> <code class="md-code">https://b.example</code>');
  });
});

describe('markdown: mentions and timestamps', () => {
  it('renders users, roles and channels by name; unknown ids as unknown, never raw', () => {
    const out = html('<@1> <@!2> <@99> <@&5> <@&6> <#7> <#8>');
    expect(out).toContain('>@alice<');
    expect(out).toContain('>@bob<');
    expect(out).toContain('>@unknown-user<');
    expect(out).toContain('>@mods<');
    expect(out).toContain('>@unknown-role<');
    expect(out).toContain('>#general<');
    expect(out).toContain('>#unknown-channel<');
    expect(out).not.toMatch(/&lt;@|&lt;#/);
    expect(out).toContain('md-mention-user self');
  });

  it('@everyone is a mention only when it pinged', () => {
    expect(html('@everyone hi')).toContain('md-mention-everyone');
    expect(html('@everyone hi', { mentionEveryone: false })).toBe('@everyone hi');
  });

  it('timestamps in each style, and a mention inside code is text', () => {
    const [n] = parse('<t:1618953630:R>');
    expect(n).toEqual({ type: 'timestamp', unix: 1618953630, style: 'R' });
    expect(parse('<t:1618953630>')[0]).toEqual({ type: 'timestamp', unix: 1618953630, style: 'f' });
    expect(html('<t:1618953630:d>')).toMatch(/<time class="md-timestamp" dateTime="2021-04-20T21:20:30.000Z"/);
    expect(plainText(parse('`<@1>`'))).toBe('<@1>');
  });
});

describe('markdown: hostile input', () => {
  const payloads = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[click](javascript:alert(1))',
    '[click](JaVaScRiPt:alert(1))',
    '[x](data:text/html;base64,PHNjcmlwdD4=)',
    '<javascript:alert(1)>',
    'javascript:alert(1)',
    '[a](https://ok.example" onmouseover="alert(1))',
    '**<svg onload=alert(1)>**',
    '```html\n<script>alert(1)</script>\n```',
    '||<iframe src="javascript:alert(1)">||',
    '[x](<javascript:alert(1)>)',
  ];
  it.each(payloads)('%s renders as text, with no element or attribute from the input', (p) => {
    const out = html(p);
    expect(out).not.toMatch(/<(script|img|svg|iframe)\b/i);
    // Text is escaped (`&lt;`), so every `<` left is an element this renderer made.
    expect(out).not.toMatch(/<[a-z][^>]*\son\w+=/i);
    expect(out).not.toMatch(/href="(?!https?:)/i);
  });

  it('deep nesting and long input stay bounded', () => {
    const deep = '**'.repeat(200) + 'x' + '**'.repeat(200);
    expect(() => html(deep)).not.toThrow();
    const started = Date.now();
    html('*a '.repeat(2000) + '_'.repeat(2000) + '`'.repeat(2000));
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('markdown: custom emoji', () => {
  it('parses <:name:id> and <a:name:id>, literal in code, and reads as :name:', () => {
    expect(parse('hi <:blob:123> <a:spin:456>')).toEqual([t('hi '), { type: 'emoji', name: 'blob', id: '123', animated: false }, t(' '), { type: 'emoji', name: 'spin', id: '456', animated: true }]);
    expect(parse('`<:blob:123>`')).toEqual([{ type: 'code', text: '<:blob:123>' }]);
    expect(parse('<:x:123>')).toEqual([t('<:x:123>')]);
    expect(plainText(parse('a <:blob:123> b'))).toBe('a :blob: b');
  });

  it('renders the CDN image, large only when the message is nothing but emoji', () => {
    // (React's server renderer also adds a preload link for the image.)
    expect(html('<a:spin:456>')).toContain('<img class="md-emoji" src="/emojis/456.gif?size=48" alt=":spin:" title=":spin:" draggable="false" data-testid="custom-emoji"/>');
    const body = (content: string) => renderToStaticMarkup(createElement(Markdown, { content, ctx, jumbo: true }));
    expect(body('<:a1:1> <:b2:2>')).toContain('<span class="md-jumbo">');
    expect(body('so <:a1:1>')).not.toContain('md-jumbo');
  });

  it(':name: on send becomes the guild emoji first, then unicode; code and written emoji are left alone', () => {
    const own = [{ id: '9', name: 'blob', animated: false }, { id: '8', name: 'smile', animated: true }];
    expect(replaceShortcodes(':blob: and :smile: and :thumbsup: `:blob:` <:blob:1>', own)).toBe('<:blob:9> and <a:smile:8> and 👍 `:blob:` <:blob:1>');
  });
});
