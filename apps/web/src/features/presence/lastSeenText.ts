/** How a last-seen time reads, WhatsApp-style, in this browser's time zone. */
const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
const dayStart = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();

/** "Last seen today at 14:05", "... yesterday at 09:30", or a date (with the year when it is not this one). */
export function lastSeenText(iso: string, now = new Date()): string {
  const at = new Date(iso);
  const days = Math.round((dayStart(now) - dayStart(at)) / 86_400_000);
  if (days <= 0) return `Last seen today at ${hhmm(at)}`;
  if (days === 1) return `Last seen yesterday at ${hhmm(at)}`;
  const date = at.toLocaleDateString(undefined, { day: 'numeric', month: 'short', ...(at.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }) });
  return `Last seen ${date}`;
}
