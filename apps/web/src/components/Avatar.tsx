import { useStore } from '../state/store';
import { hueFor, initials } from './util';

/** The person's avatar image when they set one (Discord's CDN path on this server), else initials on a stable hue. */
export function Avatar({ id, name, size = 40 }: { id: string; name: string; size?: number }) {
  const hash = useStore((s) => s.client.users[id]?.avatar ?? null);
  // Only a stored image's hash names a file here (a webhook's avatar override is a URL elsewhere).
  if (hash && /^(a_)?[0-9a-f]{32}$/.test(hash)) {
    // The smallest of Discord's sizes that stays sharp on a 2x screen.
    const want = [16, 32, 64, 128, 256, 512].find((n) => n >= size * 2) ?? 512;
    return <img className="avatar" aria-hidden="true" alt="" src={`/avatars/${id}/${hash}.webp?size=${want}`} width={size} height={size} data-testid="avatar-image" />;
  }
  return (
    <span className="avatar" aria-hidden="true" style={{ width: size, height: size, fontSize: size * 0.4, background: `hsl(${hueFor(id)} 55% 45%)` }}>
      {initials(name)}
    </span>
  );
}
