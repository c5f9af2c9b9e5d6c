import { snowflakeTimestamp } from '@concord/protocol';

/** "5m ago", "3h ago", "2d ago", then the date: how long since a snowflake was made. */
export function relativeTime(id: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - snowflakeTimestamp(id)) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  if (s < 30 * 86400) return `${Math.floor(s / 86400)}d ago`;
  return new Date(snowflakeTimestamp(id)).toLocaleDateString();
}
