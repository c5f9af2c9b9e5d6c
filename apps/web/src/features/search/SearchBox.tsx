/** The channel header's search box: Discord's filter syntax with suggestions; Enter opens the results panel. */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Icon } from '../../components/Icon';
import { useStore } from '../../state/store';
import { openSearch, useSidePanel } from '../threads/ui';
import { applySuggestion, suggest } from './query';
import './search.css';

export function SearchBox({ guildId }: { guildId: string }) {
  const current = useSidePanel((s) => (s.panel?.kind === 'search' ? s.panel.query : ''));
  const [text, setText] = useState(current);
  const [focused, setFocused] = useState(false);
  const [index, setIndex] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const guild = useStore((s) => s.client.guilds[guildId]);
  const users = useStore((s) => s.client.users);
  const channels = useStore((s) => s.client.channels);
  const values = useMemo(
    () => ({
      users: guild ? Object.keys(guild.members).map((id) => users[id]?.username ?? guild.members[id]?.user?.username).filter((n): n is string => Boolean(n)) : [],
      channels: guild ? guild.channelIds.map((id) => channels[id]).filter((c) => c && (c.type === 0 || c.type === 5 || c.type === 15)).map((c) => c!.name ?? '') : [],
    }),
    [guild, users, channels],
  );
  const suggestions = focused ? suggest(text, values) : [];

  function submit() {
    if (!text.trim()) return;
    openSearch(guildId, text.trim());
    input.current?.blur();
  }

  function onKey(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' && suggestions.length) {
      e.preventDefault();
      setIndex((i) => (i + 1) % suggestions.length);
    } else if (e.key === 'ArrowUp' && suggestions.length) {
      e.preventDefault();
      setIndex((i) => (i - 1 + suggestions.length) % suggestions.length);
    } else if (e.key === 'Tab' && suggestions.length && /\S$/.test(text)) {
      e.preventDefault();
      setText(applySuggestion(text, suggestions[index % suggestions.length]!.insert));
      setIndex(0);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape') {
      setText('');
      input.current?.blur();
    }
  }

  return (
    <div className={`search-box${focused ? ' focused' : ''}`} role="search">
      <input
        ref={input}
        type="search"
        aria-label="Search"
        placeholder="Search"
        value={text}
        onChange={(e) => (setText(e.target.value), setIndex(0))}
        onFocus={() => setFocused(true)}
        onBlur={() => setTimeout(() => setFocused(false), 120)}
        onKeyDown={onKey}
        data-testid="search-input"
      />
      <Icon name="search" size={16} />
      {suggestions.length > 0 && (
        <ul className="search-suggestions" role="listbox" aria-label="Search options">
          {!/\S$/.test(text) || !/:/.test(text.split(/\s/).pop() ?? '') ? <li className="muted small heading">Search options</li> : null}
          {suggestions.map((s, i) => (
            <li key={s.label} role="option" aria-selected={i === index % suggestions.length}>
              <button
                type="button"
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  setText(applySuggestion(text, s.insert));
                  input.current?.focus();
                }}
              >
                {s.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
