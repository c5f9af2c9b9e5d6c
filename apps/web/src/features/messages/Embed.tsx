/**
 * A bot's or webhook's rich embed, laid out as Discord does: a colour bar, author, title (a link when it has a
 * url), description and field values in markdown, inline fields up to three a row, a thumbnail on the right, an
 * image below, and the footer with its timestamp. Only http(s) URLs become links or images.
 */
import type { EmbedInput } from '@concord/protocol';
import { Markdown, type MarkdownContext } from '../markdown/render';
import { safeUrl } from '../markdown/parse';

const hex = (color: number | null | undefined) => (color == null ? undefined : `#${color.toString(16).padStart(6, '0')}`);

/** The embeds of a message as the server sent them (validated on the way in; still checked here, field by field). */
export function asEmbeds(list: readonly unknown[] | undefined): EmbedInput[] {
  return (list ?? []).filter((e): e is EmbedInput => typeof e === 'object' && e !== null);
}

/** An image only when it is a web URL (attachment:// names a file the message itself carries). */
const imageUrl = (url: string | undefined) => (url && /^https?:/i.test(url) ? safeUrl(url) : null);

function Link({ href, children }: { href: string | undefined; children: React.ReactNode }) {
  const safe = href ? safeUrl(href) : null;
  return safe ? (
    <a href={safe} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ) : (
    <>{children}</>
  );
}

export function Embed({ embed: e, ctx }: { embed: EmbedInput; ctx: MarkdownContext }) {
  const thumb = imageUrl(e.thumbnail?.url);
  const image = imageUrl(e.image?.url);
  const authorIcon = imageUrl(e.author?.icon_url);
  const footerIcon = imageUrl(e.footer?.icon_url);
  const when = e.timestamp ? new Date(e.timestamp) : null;
  // Consecutive inline fields share a row, three at most; a field that is not inline takes a row of its own.
  const rows: { name: string; value: string; inline?: boolean }[][] = [];
  for (const f of e.fields ?? []) {
    const last = rows.at(-1);
    if (f.inline && last && last.length < 3 && last.every((x) => x.inline)) last.push(f);
    else rows.push([f]);
  }
  return (
    <article className="embed" data-testid="embed" style={{ borderLeftColor: hex(e.color) }}>
      <div className={`embed-grid${thumb ? ' with-thumb' : ''}`}>
        {e.provider?.name && <div className="embed-provider">{e.provider.name}</div>}
        {e.author?.name && (
          <div className="embed-author">
            {authorIcon && <img src={authorIcon} alt="" width={24} height={24} />}
            <Link href={e.author.url}>{e.author.name}</Link>
          </div>
        )}
        {e.title && (
          <div className="embed-title">
            <Link href={e.url}>{e.title}</Link>
          </div>
        )}
        {e.description && (
          <div className="embed-description">
            <Markdown content={e.description} ctx={ctx} />
          </div>
        )}
        {rows.length > 0 && (
          <div className="embed-fields">
            {rows.map((row, i) => (
              <div key={i} className="embed-field-row" style={{ gridTemplateColumns: `repeat(${row.length}, minmax(0, 1fr))` }}>
                {row.map((f, j) => (
                  <div key={j} className="embed-field">
                    <div className="embed-field-name">{f.name}</div>
                    <div className="embed-field-value">
                      <Markdown content={f.value} ctx={ctx} />
                    </div>
                  </div>
                ))}
              </div>
            ))}
          </div>
        )}
        {thumb && <img className="embed-thumbnail" src={thumb} alt="" loading="lazy" />}
        {image && (
          <img
            className="embed-image"
            src={image}
            alt=""
            loading="lazy"
            // The size the embed says, reserved before the image loads so the list does not jump.
            style={e.image?.width && e.image?.height ? { aspectRatio: `${e.image.width} / ${e.image.height}` } : undefined}
          />
        )}
        {(e.footer?.text || when) && (
          <div className="embed-footer">
            {footerIcon && <img src={footerIcon} alt="" width={20} height={20} />}
            <span>
              {e.footer?.text}
              {e.footer?.text && when && ' • '}
              {when && <time dateTime={when.toISOString()}>{when.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' })}</time>}
            </span>
          </div>
        )}
      </div>
    </article>
  );
}
