/** Message links (Discord's https://host/channels/{guild|@me}/{channel}/{message}) and who-reacted wording. */

export function messageLink(guildId: string | null, channelId: string, messageId: string, origin = location.origin): string {
  return `${origin}/channels/${guildId ?? '@me'}/${channelId}/${messageId}`;
}

/** The path of a link to a message on this server, or null when the URL is anything else. */
export function messagePath(href: string, origin = location.origin): { path: string; guildId: string | null; channelId: string; messageId: string } | null {
  let url: URL;
  try {
    url = new URL(href, origin);
  } catch {
    return null;
  }
  if (url.origin !== origin) return null;
  const m = /^\/channels\/(@me|\d{1,20})\/(\d{1,20})\/(\d{1,20})\/?$/.exec(url.pathname);
  if (!m) return null;
  return { path: url.pathname.replace(/\/$/, ''), guildId: m[1] === '@me' ? null : m[1]!, channelId: m[2]!, messageId: m[3]! };
}

/**
 * Discord's tooltip: "alice reacted with :x:", "alice and bob …", "alice, bob and carol …",
 * "alice, bob, carol and 2 others …". `names` are the first reactors fetched; `count` is the chip's total.
 */
export function whoReacted(names: readonly string[], count: number, emoji: string): string {
  const shown = names.slice(0, 3);
  const others = Math.max(0, count - shown.length);
  let who: string;
  if (shown.length === 0) who = `${count} ${count === 1 ? 'person' : 'people'}`;
  else if (others > 0) who = `${shown.join(', ')} and ${others} other${others === 1 ? '' : 's'}`;
  else if (shown.length === 1) who = shown[0]!;
  else who = `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
  return `${who} reacted with ${emoji}`;
}
