import { useEffect, useRef, useState } from 'react';
import type { Message } from '@concord/protocol';
import { Icon } from '../../components/Icon';
import { displayName, formatDay, formatTime } from '../../components/util';
import { describeError } from '../../state/api';
import { useStore } from '../../state/store';
import { Markdown } from '../markdown/render';
import { listPins, setPinned } from '../messages/actions';
import { MANAGE_MESSAGES, useGuildPermission, useMarkdownContext } from '../messages/context';
import { jumpTo } from '../messages/ui';
import { useLayout } from '../layout/ui';
import './pins.css';

function PinnedItem({ m, guildId, canManage, onJump }: { m: Message; guildId: string | null; canManage: boolean; onJump: () => void }) {
  const ctx = useMarkdownContext(guildId, m.mentions, m.mention_everyone);
  const member = useStore((s) => (guildId ? s.client.guilds[guildId]?.members[m.author.id] : undefined));
  const at = Date.parse(m.timestamp);
  return (
    <li className="pinned" data-testid="pinned-message">
      <header>
        <span className="author">{displayName(m.author, member)}</span>
        <time className="muted small">
          {formatDay(at)} {formatTime(at)}
        </time>
      </header>
      <div className="content">
        <Markdown content={m.content} ctx={ctx} />
      </div>
      <div className="pinned-actions">
        <button type="button" className="link-button" onClick={onJump}>
          Jump
        </button>
        {canManage && (
          <button type="button" className="icon-button" aria-label="Unpin message" title="Unpin" onClick={() => void setPinned(m.channel_id, m.id, false)}>
            <Icon name="close" size={14} />
          </button>
        )}
      </div>
    </li>
  );
}

/** The channel header's pin button and its popout of pinned messages, newest pin first. */
export function PinsButton({ channelId, guildId }: { channelId: string; guildId: string | null }) {
  const [open, setOpen] = useState(false);
  const [pins, setPins] = useState<Message[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const version = useLayout((s) => s.pinsVersion[channelId] ?? 0);
  const canManage = useGuildPermission(guildId, MANAGE_MESSAGES);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    listPins(channelId).then(
      (list) => live && (setPins(list), setError(null)),
      (err: unknown) => live && setError(describeError(err)),
    );
    return () => {
      live = false;
    };
  }, [open, channelId, version]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="pins" ref={ref}>
      <button type="button" className="icon-button" aria-label="Pinned messages" aria-expanded={open} title="Pinned Messages" onClick={() => setOpen((o) => !o)}>
        <Icon name="pin" size={20} />
      </button>
      {open && (
        <div className="pins-popout" role="dialog" aria-label="Pinned messages" data-testid="pins-popout">
          <h2>Pinned Messages</h2>
          {error && <p className="form-error">{error}</p>}
          {pins === null && !error && <p className="muted">Loading…</p>}
          {pins?.length === 0 && <p className="muted">This channel doesn’t have any pinned messages… yet.</p>}
          {pins && pins.length > 0 && (
            <ul>
              {pins.map((m) => (
                <PinnedItem
                  key={m.id}
                  m={m}
                  guildId={guildId}
                  canManage={canManage}
                  onJump={() => {
                    setOpen(false);
                    jumpTo(channelId, m.id);
                  }}
                />
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
