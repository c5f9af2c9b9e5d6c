import { useEffect, useState } from 'react';
import { useStore } from '../../state/store';
import { displayName } from '../../components/util';

/** "X is typing…" from TYPING_START; each entry expires on its own (10 s) or when that person's message arrives. */
export function TypingIndicator({ channelId, guildId }: { channelId: string; guildId: string | null }) {
  const typing = useStore((s) => s.typing[channelId]);
  const users = useStore((s) => s.client.users);
  const members = useStore((s) => (guildId ? s.client.guilds[guildId]?.members : undefined));
  const [now, setNow] = useState(() => Date.now());
  const active = Object.entries(typing ?? {}).filter(([, until]) => until > now);

  useEffect(() => {
    if (!active.length) return;
    // Re-check when the soonest entry expires.
    const soonest = Math.min(...active.map(([, until]) => until));
    const t = setTimeout(() => setNow(Date.now()), Math.max(50, soonest - Date.now()));
    return () => clearTimeout(t);
  });
  useEffect(() => setNow(Date.now()), [typing]);

  const names = active.map(([id]) => displayName(users[id] ?? members?.[id]?.user, members?.[id]));
  let text = '';
  if (names.length === 1) text = `${names[0]} is typing…`;
  else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
  else if (names.length > 2) text = 'Several people are typing…';
  return (
    <div className="typing" aria-live="polite" data-testid="typing">
      {text}
    </div>
  );
}
