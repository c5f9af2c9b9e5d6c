import type { Suggestion } from './autocomplete';

/** The list above the composer; the composer owns the keys (arrows move, Enter/Tab pick, Escape closes). */
export function Suggestions({ items, active, title, onPick }: { items: Suggestion[]; active: number; title: string; onPick: (s: Suggestion) => void }) {
  if (items.length === 0) return null;
  return (
    <div className="suggestions" role="listbox" aria-label={title} data-testid="suggestions">
      <p className="suggestions-title">{title}</p>
      {items.map((s, i) => (
        <button
          key={s.key}
          type="button"
          role="option"
          aria-selected={i === active}
          className={`suggestion${i === active ? ' active' : ''}`}
          // mousedown keeps the focus in the textarea.
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(s);
          }}
        >
          <span className="suggestion-label">{s.label}</span>
          {s.detail && <span className="suggestion-detail">{s.detail}</span>}
        </button>
      ))}
    </div>
  );
}
