import { useEffect, useRef, useState } from 'react';
import { searchEmoji } from './data';
import './emoji.css';

/** A small searchable grid; Enter picks the first match, Escape closes. */
export function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  const results = searchEmoji(query);

  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose]);

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
          } else if (e.key === 'Enter' && results[0]) {
            e.preventDefault();
            onPick(results[0].char);
          }
        }}
      />
      <div className="emoji-grid" role="listbox" aria-label="Emoji">
        {results.map((e) => (
          <button key={e.char} type="button" role="option" aria-selected={false} className="emoji-cell" title={`:${e.names[0]}:`} aria-label={`:${e.names[0]}:`} onClick={() => onPick(e.char)}>
            {e.char}
          </button>
        ))}
        {results.length === 0 && <p className="muted small">No emoji match “{query}”.</p>}
      </div>
    </div>
  );
}
