/** The channel header's threads button and its popout: the channel's active threads, then archived ones. */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Channel } from '@concord/protocol';
import { Icon } from '../../components/Icon';
import { describeError } from '../../state/api';
import { useStore } from '../../state/store';
import { archivedThreads } from './actions';
import { openThread, startNewThread } from './ui';
import { relativeTime } from './time';

function ThreadItem({ t, onOpen }: { t: Channel; onOpen: () => void }) {
  const owner = useStore((s) => (t.owner_id ? s.client.users[t.owner_id] : undefined));
  const last = t.last_message_id ?? t.id;
  return (
    <li>
      <button type="button" className="thread-item" onClick={onOpen} data-testid="thread-item">
        <span className="thread-item-name">{t.name}</span>
        <span className="muted small">
          {owner ? `${owner.global_name ?? owner.username} · ` : ''}
          {t.message_count ?? 0} {t.message_count === 1 ? 'message' : 'messages'} · {relativeTime(last)}
        </span>
      </button>
    </li>
  );
}

export function ThreadsButton({ channelId }: { channelId: string }) {
  const [open, setOpen] = useState(false);
  const [archived, setArchived] = useState<Channel[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const channels = useStore((s) => s.client.channels);
  const active = useMemo(
    () => Object.values(channels).filter((c) => c.parent_id === channelId && c.thread_metadata && !c.thread_metadata.archived).sort((a, b) => (a.id < b.id ? 1 : -1)),
    [channels, channelId],
  );
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    archivedThreads(channelId).then(
      (r) => live && (setArchived(r.threads), setError(null)),
      (err: unknown) => live && setError(describeError(err)),
    );
    const onDown = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      live = false;
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, channelId]);

  const pick = (t: Channel) => {
    setOpen(false);
    openThread(channelId, t.id);
  };

  return (
    <div className="threads-menu" ref={ref}>
      <button type="button" className="icon-button" aria-label="Threads" aria-expanded={open} title="Threads" onClick={() => setOpen((o) => !o)}>
        <Icon name="thread" size={20} />
      </button>
      {open && (
        <div className="popout threads-popout" role="dialog" aria-label="Threads" data-testid="threads-popout">
          <h2>
            <Icon name="thread" size={18} /> Threads
            <button
              type="button"
              className="primary small"
              onClick={() => {
                setOpen(false);
                startNewThread(channelId);
              }}
            >
              Create
            </button>
          </h2>
          {active.length === 0 && archived?.length === 0 && (
            <div className="empty-threads">
              <p>
                <strong>There are no threads.</strong>
              </p>
              <p className="muted">Stay focused on a conversation with a thread — a temporary text channel.</p>
            </div>
          )}
          {active.length > 0 && (
            <>
              <h3>{active.length} active {active.length === 1 ? 'thread' : 'threads'}</h3>
              <ul>
                {active.map((t) => (
                  <ThreadItem key={t.id} t={t} onOpen={() => pick(t)} />
                ))}
              </ul>
            </>
          )}
          {error && <p className="form-error">{error}</p>}
          {archived && archived.length > 0 && (
            <>
              <h3>Older threads</h3>
              <ul>
                {archived.map((t) => (
                  <ThreadItem key={t.id} t={t} onOpen={() => pick(t)} />
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
