/** Reaction chips: click toggles one's own; hovering (or focusing) one says who reacted, as on Discord. */
import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { Reaction, User } from '@concord/protocol';
import { displayName } from '../../components/util';
import { getState } from '../../state/store';
import { emojiUrl } from '../emoji/custom';
import { emojiByChar } from '../emoji/data';
import { addReaction, listReactors, removeReaction } from './actions';
import { whoReacted } from './links';
import type { DisplayMessage } from './rows';

/** `:thumbsup:` for an emoji the picker knows by name, the character itself otherwise. */
function emojiLabel(r: Reaction): string {
  const name = r.emoji.name ?? '?';
  if (r.emoji.id) return `:${name}:`;
  const short = emojiByChar(name);
  return short ? `:${short}:` : name;
}

function Chip({ m, r, guildId }: { m: DisplayMessage & { id: string }; r: Reaction; guildId: string | null }) {
  const [tip, setTip] = useState<string | null>(null);
  // Where the chip is on screen: the tooltip goes on body, above the list's clipping and transforms.
  const [at, setAt] = useState<{ x: number; y: number; arrow: number }>({ x: 0, y: 0, arrow: 0 });
  const chip = useRef<HTMLButtonElement>(null);
  // What was fetched, for which count: a chip whose count changed asks again.
  const cache = useRef<{ count: number; users: User[] } | null>(null);
  const hovering = useRef(false);
  // A guild emoji goes by `:name:` (its image is the chip), a Unicode one by its character.
  const label = r.emoji.id ? `:${r.emoji.name ?? 'emoji'}:` : (r.emoji.name ?? '?');
  const face = r.emoji.id ? <img src={emojiUrl(r.emoji.id, r.emoji.animated ?? false, 32)} alt={label} draggable={false} /> : label;
  const tipId = `who-${m.id}-${r.emoji.id ?? label}`;

  const names = (users: User[]) => {
    const s = getState().client;
    const guild = guildId ? s.guilds[guildId] : undefined;
    return users.map((u) => displayName(s.users[u.id] ?? u, guild?.members[u.id]));
  };

  async function show() {
    hovering.current = true;
    const box = chip.current?.getBoundingClientRect();
    // Kept inside the window (the tooltip is at most 240 px wide); the arrow still points at the chip.
    if (box) {
      const center = box.left + box.width / 2;
      const x = Math.min(Math.max(center, 128), window.innerWidth - 128);
      setAt({ x, y: box.top, arrow: center - x });
    }
    const text = (users: User[]) => whoReacted(names(users), r.count, emojiLabel(r));
    if (cache.current?.count === r.count) return setTip(text(cache.current.users));
    setTip(whoReacted([], r.count, emojiLabel(r)));
    const users = await listReactors(m.channelId, m.id, r.emoji, 3);
    if (!users) return;
    cache.current = { count: r.count, users };
    if (hovering.current) setTip(text(users));
  }
  const hide = () => {
    hovering.current = false;
    setTip(null);
  };
  // A click while hovering (one's own reaction, or someone else's arriving) changes the count: the open tooltip follows.
  useEffect(() => {
    if (hovering.current) void show();
  }, [r.count]);

  return (
    <span className="reaction-wrap" onMouseEnter={() => void show()} onMouseLeave={hide}>
      <button
        ref={chip}
        type="button"
        className={`reaction${r.me ? ' me' : ''}`}
        aria-pressed={r.me}
        aria-label={`${label}, ${r.count} reaction${r.count === 1 ? '' : 's'}${r.me ? ', including you' : ''}`}
        aria-describedby={tip ? tipId : undefined}
        data-testid="reaction"
        data-emoji={label}
        onFocus={() => void show()}
        onBlur={hide}
        onClick={() => void (r.me ? removeReaction(m.channelId, m.id, r.emoji) : addReaction(m.channelId, m.id, r.emoji))}
      >
        <span className="reaction-emoji">{face}</span>
        <span className="reaction-count">{r.count}</span>
      </button>
      {tip &&
        createPortal(
          <span className="reaction-tooltip" role="tooltip" id={tipId} data-testid="reaction-tooltip" style={{ left: at.x, top: at.y, ['--arrow' as string]: `${at.arrow}px` }}>
            <span className="reaction-tooltip-emoji" aria-hidden="true">
              {face}
            </span>
            {tip}
          </span>,
          document.body,
        )}
    </span>
  );
}

export function Reactions({ m, guildId }: { m: DisplayMessage; guildId: string | null }) {
  if (!m.reactions?.length || !m.id) return null;
  const msg = m as DisplayMessage & { id: string };
  return (
    <div className="reactions" data-testid="reactions">
      {m.reactions.map((r) => (
        <Chip key={`${r.emoji.id ?? ''}${r.emoji.name ?? '?'}`} m={msg} r={r} guildId={guildId} />
      ))}
    </div>
  );
}
