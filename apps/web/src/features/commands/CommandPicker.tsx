/** The command picker above the composer (grouped by app) and the hint for the command being typed. */
import { OptionTypes, type ApplicationCommandOption } from '@concord/protocol';
import { Avatar } from '../../components/Avatar';
import { entryName, type CommandEntry, type Parsed } from './parse';
import type { CommandApp } from './state';
import './commands.css';

const TYPE_NAMES: Record<number, string> = {
  [OptionTypes.STRING]: 'text',
  [OptionTypes.INTEGER]: 'whole number',
  [OptionTypes.NUMBER]: 'number',
  [OptionTypes.BOOLEAN]: 'true/false',
  [OptionTypes.USER]: 'member',
  [OptionTypes.CHANNEL]: 'channel',
  [OptionTypes.ROLE]: 'role',
  [OptionTypes.MENTIONABLE]: 'member or role',
  [OptionTypes.ATTACHMENT]: 'file',
};

export function CommandList({
  entries,
  apps,
  active,
  onPick,
}: {
  entries: CommandEntry[];
  apps: CommandApp[];
  active: number;
  onPick: (e: CommandEntry) => void;
}) {
  // Grouped by app, in the order they come; `active` counts across groups.
  const groups = apps.map((a) => ({ app: a, items: entries.filter((e) => e.command.application_id === a.id) })).filter((g) => g.items.length > 0);
  let i = -1;
  return (
    <div className="suggestions command-picker" role="listbox" aria-label="Commands" data-testid="command-picker">
      {groups.map((g) => (
        <div key={g.app.id} role="group" aria-label={g.app.name}>
          <p className="command-group">
            <Avatar id={g.app.bot_id} name={g.app.name} size={16} />
            {g.app.name}
          </p>
          {g.items.map((e) => {
            i++;
            const on = i === active;
            return (
              <button
                key={`${e.command.id}:${e.path.join(' ')}`}
                type="button"
                role="option"
                aria-selected={on}
                className={`suggestion${on ? ' active' : ''}`}
                onMouseDown={(ev) => {
                  ev.preventDefault();
                  onPick(e);
                }}
              >
                <span className="suggestion-label">
                  <span className="command-name">/{entryName(e)}</span>
                  <span className="command-desc">{e.description}</span>
                </span>
                <span className="suggestion-detail">{e.options.filter((o) => o.required).map((o) => o.name).join(' ')}</span>
              </button>
            );
          })}
        </div>
      ))}
    </div>
  );
}

function OptionChip({ o, current, given }: { o: ApplicationCommandOption; current: boolean; given: boolean }) {
  return (
    <span className={`command-option${current ? ' current' : ''}${given && !current ? ' given' : ''}`} title={o.description}>
      {o.name}
      {o.required && <span className="required">*</span>}
    </span>
  );
}

/** What the command takes: its options (required ones starred), the one being typed explained, and problems. */
export function CommandHint({ parsed, app, showErrors }: { parsed: Parsed; app: CommandApp | undefined; showErrors: boolean }) {
  const { entry, current } = parsed;
  const typed = new Set<string>();
  const walk = (list: typeof parsed.options) => list.forEach((o) => (o.options ? walk(o.options) : typed.add(o.name)));
  walk(parsed.options);
  const focus = current?.option;
  return (
    <div className="command-hint" data-testid="command-hint" aria-live="polite">
      <div className="command-hint-head">
        <span className="command-name">/{entryName(entry)}</span>
        <span className="muted">{entry.description}</span>
        {app && <span className="muted small">· {app.name}</span>}
      </div>
      {entry.options.length > 0 && (
        <div className="command-options">
          {entry.options.map((o) => (
            <OptionChip key={o.name} o={o} current={focus?.name === o.name} given={typed.has(o.name)} />
          ))}
        </div>
      )}
      <p className="command-option-desc">
        {focus
          ? `${focus.name}: ${focus.description} (${TYPE_NAMES[focus.type] ?? 'value'})`
          : entry.options.length
            ? `Type an option as name:value, e.g. ${entry.options[0]!.name}:`
            : 'Press Enter to run it.'}
      </p>
      {showErrors && parsed.errors.length > 0 && (
        <p className="command-error" role="alert">
          {parsed.errors[0]}
        </p>
      )}
    </div>
  );
}
