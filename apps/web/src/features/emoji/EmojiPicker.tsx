import { useEffect, useRef, useState } from 'react';
import type { GuildEmoji } from '@concord/protocol';
import { useStore } from '../../state/store';
import { searchEmoji } from './data';
import { emojiMarkup, emojiUrl, searchGuildEmoji } from './custom';
import './emoji.css';

/** What was picked: the text a message says for it, and the emoji as reactions name it. */
export interface PickedEmoji {
  text: string;
  emoji: { id: string | null; name: string; animated?: boolean };
}

const NO_EMOJI: GuildEmoji[] = [];

export const pickCustom = (e: GuildEmoji): PickedEmoji => ({ text: emojiMarkup(e), emoji: { id: e.id, name: e.name, animated: e.animated } });

/** A small searchable grid: the guild's own emoji first (as Discord lists them), then unicode ones; Enter picks the first match, Escape closes. */
export function EmojiPicker({ guildId, onPick, onClose }: { guildId?: string | null; onPick: (picked: PickedEmoji) => void; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  const guild = useStore((s) => (guildId ? s.client.guilds[guildId] : undefined));
  const custom = searchGuildEmoji(guild?.emojis ?? NO_EMOJI, query);
  const results = searchEmoji(query);

  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose]);

  const first = custom[0] ? pickCustom(custom[0]) : results[0] ? { text: results[0].char, emoji: { id: null, name: results[0].char } } : undefined;
  return (
    <div className="emoji-picker" ref={ref} role="dialog" aria-label="Pick an emoji" data-testid="emoji-picker">
      <input
        autoFocus
        type="search"
        placeholder="Find the perfect emoji"
        aria-label="Search emoji"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onClose();
          } else if (e.key === 'Enter' && first) {
            e.preventDefault();
            onPick(first);
          }
        }}
      />
      <div className="emoji-scroll">
        {custom.length > 0 && (
          <>
            <h3 className="emoji-section">{guild?.name}</h3>
            <div className="emoji-grid" role="listbox" aria-label={`${guild?.name ?? 'Server'} emoji`} data-testid="guild-emoji">
              {custom.map((e) => (
                <button key={e.id} type="button" role="option" aria-selected={false} className="emoji-cell" title={`:${e.name}:`} aria-label={`:${e.name}:`} onClick={() => onPick(pickCustom(e))}>
                  <img src={emojiUrl(e.id, e.animated)} alt="" draggable={false} />
                </button>
              ))}
            </div>
          </>
        )}
        {custom.length > 0 && results.length > 0 && <h3 className="emoji-section">Emoji</h3>}
        <div className="emoji-grid" role="listbox" aria-label="Emoji">
          {results.map((e) => (
            <button key={e.char} type="button" role="option" aria-selected={false} className="emoji-cell" title={`:${e.names[0]}:`} aria-label={`:${e.names[0]}:`} onClick={() => onPick({ text: e.char, emoji: { id: null, name: e.char } })}>
              {e.char}
            </button>
          ))}
          {results.length === 0 && custom.length === 0 && <p className="muted small">No emoji match “{query}”.</p>}
        </div>
      </div>
    </div>
  );
}
