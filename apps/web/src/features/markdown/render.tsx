/** The markdown tree as React elements. Text only ever reaches the DOM as text; links only as http(s). */
import { Fragment, useState, type ReactNode } from 'react';
import { highlight } from './highlight';
import { emojiUrl } from '../emoji/custom';
import { isJumbo, parse, type Node, type TimestampStyle } from './parse';
import './markdown.css';

export interface MarkdownContext {
  /** A user's display name in this place (their nickname in a guild), if known. */
  userName(id: string): string | undefined;
  role(id: string): { name: string; color: number } | undefined;
  channelName(id: string): string | undefined;
  /** Whether the message really pinged @everyone/@here (without MENTION_EVERYONE it is plain text). */
  mentionEveryone: boolean;
  /** The reader's id: their own mention is marked. */
  me?: string;
  /** `el` is what was clicked, so a popout can open beside it. */
  onUserClick?(id: string, el: HTMLElement): void;
  onChannelClick?(id: string): void;
  /** A link to somewhere inside this app (a message link): answers the in-app path, which is then opened in place. */
  internalLink?(url: string): string | null;
  onInternalLink?(path: string): void;
  /** What a bare in-app link reads as (a message link: "#channel › Message", as on Discord). */
  internalLabel?(url: string): string | undefined;
}

const colorOf = (c: number) => `#${c.toString(16).padStart(6, '0')}`;

export function formatTimestamp(unix: number, style: TimestampStyle, now = Date.now()): string {
  const d = new Date(unix * 1000);
  if (Number.isNaN(d.getTime())) return 'Invalid Date';
  const opts: Record<Exclude<TimestampStyle, 'R'>, Intl.DateTimeFormatOptions> = {
    t: { hour: 'numeric', minute: '2-digit' },
    T: { hour: 'numeric', minute: '2-digit', second: '2-digit' },
    d: { year: 'numeric', month: '2-digit', day: '2-digit' },
    D: { year: 'numeric', month: 'long', day: 'numeric' },
    f: { year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit' },
    F: { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit' },
  };
  if (style !== 'R') return new Intl.DateTimeFormat(undefined, opts[style]).format(d);
  const diff = (d.getTime() - now) / 1000;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 31_536_000],
    ['month', 2_592_000],
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
    ['second', 1],
  ];
  const [unit, secs] = units.find(([, s]) => Math.abs(diff) >= s) ?? ['second', 1];
  return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(Math.round(diff / secs), unit);
}

function Spoiler({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState(false);
  return (
    <span
      className={`md-spoiler${shown ? ' shown' : ''}`}
      role={shown ? undefined : 'button'}
      tabIndex={shown ? undefined : 0}
      aria-label={shown ? undefined : 'Spoiler, click to reveal'}
      onClick={(e) => {
        if (!shown) e.preventDefault();
        setShown(true);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') setShown(true);
      }}
    >
      <span className="md-spoiler-text" aria-hidden={!shown}>
        {children}
      </span>
    </span>
  );
}

function CodeBlock({ lang, text }: { lang: string | null; text: string }) {
  const tokens = highlight(text, lang);
  return (
    <pre className="md-codeblock" data-lang={lang ?? undefined}>
      <code>{tokens ? tokens.map((t, i) => (t.kind === 'plain' ? t.text : <span key={i} className={`hl-${t.kind}`}>{t.text}</span>)) : text}</code>
    </pre>
  );
}

function Mention({ label, kind, color, self, onClick }: { label: string; kind: string; color?: string; self?: boolean; onClick?: (el: HTMLElement) => void }) {
  return (
    <span
      className={`md-mention md-mention-${kind}${self ? ' self' : ''}`}
      style={color ? { color, backgroundColor: `${color}1f` } : undefined}
      role={onClick ? 'button' : undefined}
      tabIndex={onClick ? 0 : undefined}
      onClick={onClick ? (e) => onClick(e.currentTarget) : undefined}
      onKeyDown={onClick ? (e) => e.key === 'Enter' && onClick(e.currentTarget) : undefined}
      data-testid="mention"
    >
      {label}
    </span>
  );
}

function renderNodes(nodes: Node[], ctx: MarkdownContext): ReactNode[] {
  return nodes.map((n, i) => <Fragment key={i}>{renderNode(n, ctx)}</Fragment>);
}

function renderNode(n: Node, ctx: MarkdownContext): ReactNode {
  switch (n.type) {
    case 'text':
      return n.text;
    case 'strong':
      return <strong>{renderNodes(n.children, ctx)}</strong>;
    case 'em':
      return <em>{renderNodes(n.children, ctx)}</em>;
    case 'underline':
      return <u>{renderNodes(n.children, ctx)}</u>;
    case 'strike':
      return <s>{renderNodes(n.children, ctx)}</s>;
    case 'spoiler':
      return <Spoiler>{renderNodes(n.children, ctx)}</Spoiler>;
    case 'code':
      return <code className="md-code">{n.text}</code>;
    case 'codeBlock':
      return <CodeBlock lang={n.lang} text={n.text} />;
    case 'quote':
      return <blockquote className="md-quote">{renderNodes(n.children, ctx)}</blockquote>;
    case 'heading': {
      const H = `h${n.level}` as const;
      return <H className="md-heading">{renderNodes(n.children, ctx)}</H>;
    }
    case 'subtext':
      return <small className="md-subtext">{renderNodes(n.children, ctx)}</small>;
    case 'list': {
      const items = n.items.map((item, i) => <li key={i}>{renderNodes(item, ctx)}</li>);
      return n.ordered ? (
        <ol className="md-list" start={n.start}>
          {items}
        </ol>
      ) : (
        <ul className="md-list">{items}</ul>
      );
    }
    case 'link': {
      const inside = ctx.internalLink?.(n.url);
      const open = ctx.onInternalLink;
      if (inside && open) {
        // A message link opens here (no new tab), as on Discord; a modified click still gets a tab.
        const only = n.children.length === 1 && n.children[0]!.type === 'text' ? n.children[0]!.text : null;
        const pill = only === n.url ? ctx.internalLabel?.(n.url) : undefined;
        return (
          <a
            className={pill ? 'md-link md-message-link' : 'md-link'}
            href={n.url}
            title={n.url}
            data-internal="true"
            onClick={(e) => {
              if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
              e.preventDefault();
              open(inside);
            }}
          >
            {pill ?? renderNodes(n.children, ctx)}
          </a>
        );
      }
      return (
        <a className="md-link" href={n.url} target="_blank" rel="noopener noreferrer" title={n.url}>
          {renderNodes(n.children, ctx)}
        </a>
      );
    }
    case 'user': {
      const name = ctx.userName(n.id);
      const click = ctx.onUserClick;
      return <Mention kind="user" label={`@${name ?? 'unknown-user'}`} self={n.id === ctx.me} onClick={name && click ? (el) => click(n.id, el) : undefined} />;
    }
    case 'role': {
      const role = ctx.role(n.id);
      return <Mention kind="role" label={`@${role?.name ?? 'unknown-role'}`} color={role?.color ? colorOf(role.color) : undefined} />;
    }
    case 'channel': {
      const name = ctx.channelName(n.id);
      const click = ctx.onChannelClick;
      return <Mention kind="channel" label={`#${name ?? 'unknown-channel'}`} onClick={name && click ? () => click(n.id) : undefined} />;
    }
    case 'everyone':
      return ctx.mentionEveryone ? <Mention kind="everyone" label={`@${n.which}`} /> : `@${n.which}`;
    case 'emoji':
      return <img className="md-emoji" src={emojiUrl(n.id, n.animated)} alt={`:${n.name}:`} title={`:${n.name}:`} draggable={false} data-testid="custom-emoji" />;
    case 'timestamp': {
      const d = new Date(n.unix * 1000);
      const valid = !Number.isNaN(d.getTime());
      return (
        <time className="md-timestamp" dateTime={valid ? d.toISOString() : undefined} title={valid ? formatTimestamp(n.unix, 'F') : undefined}>
          {formatTimestamp(n.unix, n.style)}
        </time>
      );
    }
  }
}

/** A message's content as React elements. */
export function Markdown({ content, ctx, jumbo = false }: { content: string; ctx: MarkdownContext; /** Large emoji when the content is nothing else (message bodies, not snippets). */ jumbo?: boolean }) {
  const nodes = parse(content);
  return jumbo && isJumbo(nodes) ? <span className="md-jumbo">{renderNodes(nodes, ctx)}</span> : <>{renderNodes(nodes, ctx)}</>;
}
