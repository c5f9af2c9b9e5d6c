/** A message's action rows as Discord draws them: buttons in their styles, link buttons, and select menus. */
import { useEffect, useRef, useState } from 'react';
import { ButtonStyles, ComponentTypes, type ActionRow, type ChildComponent, type Message } from '@concord/protocol';
import { Icon } from '../../components/Icon';
import { displayName } from '../../components/util';
import { useStore } from '../../state/store';
import { isBusy, pressComponent, useCommands } from './state';
import './commands.css';

const STYLE_CLASS: Record<number, string> = {
  [ButtonStyles.PRIMARY]: 'primary',
  [ButtonStyles.SECONDARY]: 'secondary',
  [ButtonStyles.SUCCESS]: 'success',
  [ButtonStyles.DANGER]: 'danger',
  [ButtonStyles.LINK]: 'secondary',
  [ButtonStyles.PREMIUM]: 'primary',
};

function Button({ message, c }: { message: Message; c: Extract<ChildComponent, { type: 2 }> }) {
  const busy = useCommands((s) => isBusy(s, message.id, c.custom_id ?? ''));
  const label = (
    <>
      {c.emoji?.name && <span className="component-emoji">{c.emoji.name}</span>}
      {c.label && <span>{c.label}</span>}
    </>
  );
  if (c.style === ButtonStyles.LINK && c.url) {
    const safe = /^https?:\/\//i.test(c.url);
    return (
      <a
        className={`component-button secondary${c.disabled || !safe ? ' disabled' : ''}`}
        href={safe && !c.disabled ? c.url : undefined}
        target="_blank"
        rel="noopener noreferrer"
        title={c.url}
        data-testid="component-button"
      >
        {label}
        <Icon name="external" size={14} />
      </a>
    );
  }
  return (
    <button
      type="button"
      className={`component-button ${STYLE_CLASS[c.style] ?? 'secondary'}${busy ? ' busy' : ''}`}
      disabled={Boolean(c.disabled) || busy}
      aria-busy={busy || undefined}
      data-testid="component-button"
      onClick={() => void pressComponent(message, c)}
    >
      {busy ? <span className="dots" aria-label="Waiting for the app" /> : label}
    </button>
  );
}

interface Choice {
  value: string;
  label: string;
  description?: string;
  emoji?: string;
}

/** Options of a user, role, mentionable or channel select, from what the client knows of the guild. */
function useEntityChoices(message: Message, type: number, channelTypes?: number[] | null): Choice[] {
  const guildId = useStore((s) => s.client.channels[message.channel_id]?.guild_id ?? null);
  const guild = useStore((s) => (guildId ? s.client.guilds[guildId] : undefined));
  const channels = useStore((s) => s.client.channels);
  if (!guild) return [];
  const users = Object.values(guild.members)
    .filter((m) => m.user)
    .map((m) => ({ value: m.user!.id, label: displayName(m.user, m), description: m.user!.username }));
  const roles = Object.values(guild.roles)
    .filter((r) => r.id !== guild.id)
    .map((r) => ({ value: r.id, label: `@${r.name}` }));
  if (type === ComponentTypes.USER_SELECT) return users;
  if (type === ComponentTypes.ROLE_SELECT) return roles;
  if (type === ComponentTypes.MENTIONABLE_SELECT) return [...users, ...roles];
  return guild.channelIds
    .map((id) => channels[id])
    .filter((c): c is NonNullable<typeof c> => Boolean(c) && (!channelTypes?.length || channelTypes.includes(c!.type)) && c!.type !== 4)
    .map((c) => ({ value: c.id, label: `#${c.name ?? ''}` }));
}

function Select({ message, c }: { message: Message; c: Extract<ChildComponent, { type: 3 | 5 | 6 | 7 | 8 }> }) {
  const [open, setOpen] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const ref = useRef<HTMLDivElement>(null);
  const busy = useCommands((s) => isBusy(s, message.id, c.custom_id));
  const entity = useEntityChoices(message, c.type, 'channel_types' in c ? c.channel_types : undefined);
  const choices: Choice[] =
    c.type === ComponentTypes.STRING_SELECT ? c.options.map((o) => ({ value: o.value, label: o.label, description: o.description ?? undefined, emoji: o.emoji?.name ?? undefined })) : entity;
  const min = c.min_values ?? 1;
  const max = c.max_values ?? 1;

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [open]);

  const submit = (values: string[]) => {
    setOpen(false);
    setPicked(values);
    if (values.length >= min) void pressComponent(message, c, values);
  };
  const toggle = (v: string) => {
    if (max === 1) return submit([v]);
    setPicked((p) => (p.includes(v) ? p.filter((x) => x !== v) : p.length < max ? [...p, v] : p));
  };
  const summary = picked.length ? choices.filter((x) => picked.includes(x.value)).map((x) => x.label).join(', ') : (c.placeholder ?? 'Make a selection');

  return (
    <div className={`component-select${open ? ' open' : ''}`} ref={ref}>
      <button
        type="button"
        className="select-trigger"
        disabled={Boolean(c.disabled) || busy}
        aria-haspopup="listbox"
        aria-expanded={open}
        data-testid="component-select"
        onClick={() => setOpen((o) => !o)}
      >
        <span className={picked.length ? '' : 'muted'}>{busy ? 'Sending…' : summary}</span>
        <Icon name="chevron" size={18} />
      </button>
      {open && (
        <div className="select-menu" role="listbox" aria-multiselectable={max > 1}>
          {choices.length === 0 && <p className="muted small select-empty">Nothing to choose</p>}
          {choices.map((o) => (
            <button key={o.value} type="button" role="option" aria-selected={picked.includes(o.value)} className="select-option" onClick={() => toggle(o.value)}>
              {o.emoji && <span className="component-emoji">{o.emoji}</span>}
              <span className="select-option-text">
                <span>{o.label}</span>
                {o.description && <span className="muted small">{o.description}</span>}
              </span>
              {max > 1 && <span className={`check${picked.includes(o.value) ? ' on' : ''}`} aria-hidden="true" />}
            </button>
          ))}
          {max > 1 && (
            <div className="select-footer">
              <span className="muted small">
                {min === max ? `Pick ${min}` : `Pick ${min}–${max}`}
              </span>
              <button type="button" className="primary" disabled={picked.length < min} onClick={() => submit(picked)}>
                Done
              </button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}

export function MessageComponents({ message }: { message: Message }) {
  const rows = message.components as ActionRow[];
  const failed = useCommands((s) => Boolean(s.failed[message.id]));
  if (!rows?.length) return null;
  return (
    <div className="components" data-testid="components">
      {rows.map((row, i) => (
        <div className="component-row" key={i}>
          {row.components.map((c, j) =>
            c.type === ComponentTypes.BUTTON ? (
              <Button key={c.custom_id ?? c.url ?? j} message={message} c={c} />
            ) : c.type === ComponentTypes.TEXT_INPUT ? null : (
              <Select key={c.custom_id} message={message} c={c} />
            ),
          )}
        </div>
      ))}
      {failed && (
        <p className="interaction-failed" role="alert">
          This interaction failed
        </p>
      )}
    </div>
  );
}
