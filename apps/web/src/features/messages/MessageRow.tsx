import { memo, useState, type KeyboardEvent } from 'react';
import { Avatar } from '../../components/Avatar';
import { displayName, formatTime } from '../../components/util';
import { discard, retry } from '../../state/outbox';
import { deleteMessage, editMessage } from './actions';
import type { DisplayMessage } from './rows';
import { Icon } from '../../components/Icon';
import { useStore } from '../../state/store';

interface Props {
  message: DisplayMessage;
  head: boolean;
  own: boolean;
}

export const MessageRow = memo(function MessageRow({ message: m, head, own }: Props) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  // The author as known now (a rename reaches every guild as GUILD_MEMBER_UPDATE), else as the message carried them.
  const author = useStore((s) => s.client.users[m.author.id]) ?? m.author;
  const name = displayName(author);
  const sent = m.status === 'sent' && m.id !== null;

  async function save() {
    const content = draft.trim();
    if (!m.id || !content || content.length > 2000) return;
    if (content === m.content || (await editMessage(m.channelId, m.id, content))) setEditing(false);
  }

  function onEditKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Escape') {
      e.preventDefault();
      setEditing(false);
    } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void save();
    }
  }

  return (
    <article
      className={`message${head ? ' head' : ''} status-${m.status}`}
      data-testid="message"
      data-status={m.status}
      data-message-id={m.id ?? undefined}
      data-nonce={m.nonce ?? undefined}
      aria-label={`${name} at ${formatTime(m.timestamp)}`}
    >
      <div className="gutter">{head ? <Avatar id={m.author.id} name={name} /> : <time className="hover-time">{formatTime(m.timestamp)}</time>}</div>
      <div className="body">
        {head && (
          <header>
            <span className="author">{name}</span>
            <time dateTime={new Date(m.timestamp).toISOString()}>{formatTime(m.timestamp)}</time>
          </header>
        )}
        {editing ? (
          <div className="edit">
            <textarea
              aria-label="Edit message"
              value={draft}
              autoFocus
              maxLength={2000}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={onEditKey}
            />
            <p className="muted small">Enter to save · Escape to cancel</p>
          </div>
        ) : (
          <div className="content" data-testid="message-content">
            {m.content}
            {m.edited && <span className="edited"> (edited)</span>}
          </div>
        )}
        {m.status === 'queued' && <p className="status-line">Waiting for connection…</p>}
        {m.status === 'sending' && <span className="sr-only">Sending…</span>}
        {m.status === 'failed' && (
          <p className="status-line failed" role="alert">
            {m.error ? `Not sent: ${m.error.replace(/\.$/, '')}.` : 'Not sent.'}{' '}
            <button type="button" className="link-button" onClick={() => m.nonce && retry(m.nonce)}>
              Retry
            </button>{' '}
            <button type="button" className="link-button" onClick={() => m.nonce && discard(m.nonce)}>
              Discard
            </button>
          </p>
        )}
        {confirmDelete && (
          <p className="status-line">
            Delete this message?{' '}
            <button type="button" className="link-button danger" autoFocus onClick={() => m.id && void deleteMessage(m.channelId, m.id)}>
              Delete
            </button>{' '}
            <button type="button" className="link-button" onClick={() => setConfirmDelete(false)}>
              Cancel
            </button>
          </p>
        )}
      </div>
      {own && sent && !editing && !confirmDelete && (
        <div className="message-actions">
          <button
            type="button"
            className="icon-button"
            aria-label="Edit message"
            title="Edit"
            onClick={() => {
              setDraft(m.content);
              setEditing(true);
            }}
          >
            <Icon name="edit" />
          </button>
          <button type="button" className="icon-button" aria-label="Delete message" title="Delete" onClick={() => setConfirmDelete(true)}>
            <Icon name="trash" />
          </button>
        </div>
      )}
    </article>
  );
}, samePropsShallow);

/** Rows are rebuilt on every change; re-render only those whose message actually changed. */
function samePropsShallow(a: Props, b: Props): boolean {
  if (a.head !== b.head || a.own !== b.own) return false;
  const keys = Object.keys(a.message) as (keyof DisplayMessage)[];
  return keys.length === Object.keys(b.message).length && keys.every((k) => a.message[k] === b.message[k]);
}
