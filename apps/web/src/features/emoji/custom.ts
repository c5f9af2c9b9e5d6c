/** Custom guild emoji on the web: their CDN path on this origin, and how they are written in message text. */
import type { GuildEmoji } from '@concord/protocol';

/** `/emojis/:id.webp?size=` (GIF for animated ones, so they move), as Discord's CDN serves them. */
export function emojiUrl(id: string, animated: boolean, size = 48): string {
  return `/emojis/${id}.${animated ? 'gif' : 'webp'}?size=${size}`;
}

/** What the text of a message says for a custom emoji: `<:name:id>`, `<a:name:id>` when animated. */
export const emojiMarkup = (e: Pick<GuildEmoji, 'id' | 'name' | 'animated'>) => `<${e.animated ? 'a' : ''}:${e.name}:${e.id}>`;

/** A guild's emoji whose name starts with (then contains) the query. */
export function searchGuildEmoji(emojis: readonly GuildEmoji[], query: string, limit = 48): GuildEmoji[] {
  const q = query.trim().toLowerCase().replace(/^:|:$/g, '');
  if (!q) return emojis.slice(0, limit);
  const starts = emojis.filter((e) => e.name.toLowerCase().startsWith(q));
  const contains = emojis.filter((e) => !starts.includes(e) && e.name.toLowerCase().includes(q));
  return [...starts, ...contains].slice(0, limit);
}
