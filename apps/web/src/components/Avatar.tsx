import { hueFor, initials } from './util';

export function Avatar({ id, name, size = 40 }: { id: string; name: string; size?: number }) {
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{ width: size, height: size, fontSize: size * 0.4, background: `hsl(${hueFor(id)} 55% 45%)` }}
    >
      {initials(name)}
    </span>
  );
}
