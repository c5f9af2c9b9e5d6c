import { memo, useEffect, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { Message, Reaction } from '@concord/protocol';
import { Avatar } from '../../components/Avatar';
import { displayName, formatTime } from '../../components/util';
import { discard, retry } from '../../state/outbox';
import { addReaction, deleteMessage, editMessage, removeReaction, setPinned } from './actions';
import type { DisplayMessage } from './rows';
import { Icon } from '../../components/Icon';
import { useStore } from '../../state/store';
import { Markdown } from '../markdown/render';
import { parse, plainText } from '../markdown/parse';
import { EmojiPicker } from '../emoji/EmojiPicker';
import { MANAGE_MESSAGES, useGuildPermission, useMarkdownContext, useMentionsMe } from './context';
import { jumpTo, setEditing, startReply, useMessageUi } from './ui';
import './messages.css';

interface Props {
  message: DisplayMessage;
  head: boolean;
  own: boolean;
  guildId: string | null;
}

const NO_USERS: [] = [];

/** One line of a message for a reply bar or a pin: markdown read as plain text, cut short. */
export function snippet(content: string, max = 100): string {
  const text = plainText(parse(content)).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function ReplyLine({ m, guildId }: { m: DisplayMessage; guildId: string | null }) {
  const ref = m.referenced;
  const loaded = useStore((s) => (m.replyToId ? s.client.messages[m.channelId]?.find((x) => x.id === m.replyToId) : undefined));
  const target: Message | undefined | null = loaded ?? ref;
  const author = useStore((s) => (target ? s.client.users[target.author.id] : undefined)) ?? target?.author;
  const member = useStore((s) => (guildId && target ? s.client.guilds[guildId]?.members[target.author.id] : undefined));
  const ctx = useMarkdownContext(guildId, target?.mentions ?? NO_USERS, target?.mention_everyone ?? false);
  if (!m.replyToId) return null;
  if (!target) {
    return (
      <div className="reply-line" data-testid="reply-line">
        <span className="reply-spine" aria-hidden="true" />
        <span className="muted">{ref === null ? 'Original message was deleted' : 'Replying to a message'}</span>
      </div>
    );
  }
  return (
    <button type="button" className="reply-line" data-testid="reply-line" onClick={() => jumpTo(m.channelId, target.id)} title="Jump to the message">
      <span className="reply-spine" aria-hidden="true" />
      <Avatar id={target.author.id} name={displayName(author, member)} size={16} />
      <span className="reply-author">@{displayName(author, member)}</span>
      <span className="reply-snippet">{target.content ? <Markdown content={snippet(target.content, 140)} ctx={ctx} /> : <em>Click to see attachment</em>}</span>
    </button>
  );
}

function Reactions({ m }: { m: DisplayMessage }) {
  if (!m.reactions?.length || !m.id) return null;
  const id = m.id;
  const toggle = (r: Reaction) => void (r.me ? removeReaction(m.channelId, id, r.emoji) : addReaction(m.channelId, id, r.emoji));
  return (
    <div className="reactions" data-testid="reactions">
      {m.reactions.map((r) => {
        const label = r.emoji.name ?? '?';
        return (
          <button
            key={`${r.emoji.id ?? ''}${label}`}
            type="button"
            className={`reaction${r.me ? ' me' : ''}`}
            aria-pressed={r.me}
            aria-label={`${label}, ${r.count} reaction${r.count === 1 ? '' : 's'}${r.me ? ', including you' : ''}`}
            title={`${r.count} reacted with ${label}`}
            data-testid="reaction"
            data-emoji={label}
            onClick={() => toggle(r)}
          >
            <span className="reaction-emoji">{label}</span>
            <span className="reaction-count">{r.count}</span>
          </button>
        );
      })}
    </div>
  );
}

/** "X pinned a message to this channel." (type 6), as Discord shows it. */
function SystemRow({ m, name }: { m: DisplayMessage; name: string }) {
  return (
    <article className="message system" data-testid="message" data-type={m.type} data-message-id={m.id ?? undefined}>
      <div className="gutter system-icon" aria-hidden="true">
        <Icon name="pin" size={16} />
      </div>
      <div className="body">
        <span className="author">{name}</span> pinned{' '}
        {m.replyToId ? (
          <button type="button" className="link-button plain" onClick={() => m.replyToId && jumpTo(m.channelId, m.replyToId)}>
            a message
          </button>
        ) : (
          'a message'
        )}{' '}
        to this channel. <time className="muted small">{formatTime(m.timestamp)}</time>
      </div>
    </article>
  );
}

/** An AutoMod alert (type 24): who wrote what, and the rule that caught it; the message itself was not posted. */
function AutoModRow({ m, name }: { m: DisplayMessage; name: string }) {
  const rule = m.embeds?.[0]?.fields?.find((f) => f.name === 'rule_name')?.value;
  return (
    <article className="message system automod-alert" data-testid="message" data-type={m.type} data-message-id={m.id ?? undefined}>
      <div className="gutter system-icon" aria-hidden="true">
        <Icon name="shield" size={16} />
      </div>
      <div className="body">
        <div>
          <strong>AutoMod</strong> blocked a message by <span className="author">{name}</span>
          {rule ? ` (rule “${rule}”)` : ''}. <time className="muted small">{formatTime(m.timestamp)}</time>
        </div>
        <blockquote className="automod-quote">{m.content}</blockquote>
      </div>
    </article>
  );
}

export const MessageRow = memo(function MessageRow({ message: m, head, own, guildId }: Props) {
  const editing = useMessageUi((s) => s.editing === m.id && m.id !== null);
  const flash = useMessageUi((s) => s.jump?.messageId === m.id && m.id !== null);
  const [draft, setDraft] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [picking, setPicking] = useState(false);
  // The author as known now (a rename reaches every guild as GUILD_MEMBER_UPDATE), else as the message carried them.
  const author = useStore((s) => s.client.users[m.author.id]) ?? m.author;
  const member = useStore((s) => (guildId ? s.client.guilds[guildId]?.members[m.author.id] : undefined));
  const name = displayName(author, member);
  const sent = m.status === 'sent' && m.id !== null;
  const canManage = useGuildPermission(guildId, MANAGE_MESSAGES);
  const ctx = useMarkdownContext(guildId, m.mentions, m.mentionEveryone);
  const mentionsMe = useMentionsMe(guildId, m.mentions, m.mentionRoles, m.mentionEveryone);

  // Opened from the pencil or by Up-arrow in the composer: start from the message's text.
  useEffect(() => {
    if (editing) setDraft(m.content);
  }, [editing]);

  if (m.type === 6) return <SystemRow m={m} name={name} />;
  if (m.type === 24) return <AutoModRow m={m} name={name} />;

  const openEditor = () => setEditing(m.id);

  async function save() {
    const content = draft.trim();
    if (!m.id || !content || content.length > 2000) return;
    if (content === m.content || (await editMessage(m.channelId, m.id, content))) setEditing(null);
  }

  function onEditKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Escape') {
      e.preventDefault();
      setEditing(null);
    } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void save();
    }
  }

  function onDelete(e: MouseEvent) {
    // Shift-click deletes at once, as on Discord.
    if (e.shiftKey && m.id) void deleteMessage(m.channelId, m.id);
    else setConfirmDelete(true);
  }

  const react = (emoji: string) => {
    setPicking(false);
    if (m.id) void addReaction(m.channelId, m.id, { id: null, name: emoji });
  };

  return (
    <article
      className={`message${head ? ' head' : ''} status-${m.status}${mentionsMe ? ' mentioned' : ''}${flash ? ' flash' : ''}${picking ? ' active' : ''}`}
      data-testid="message"
      data-status={m.status}
      data-message-id={m.id ?? undefined}
      data-nonce={m.nonce ?? undefined}
      data-mentioned={mentionsMe || undefined}
      aria-label={`${name} at ${formatTime(m.timestamp)}`}
    >
      {m.replyToId && <ReplyLine m={m} guildId={guildId} />}
      <div className="message-main">
        <div className="gutter">{head ? <Avatar id={m.author.id} name={name} /> : <time className="hover-time">{formatTime(m.timestamp)}</time>}</div>
        <div className="body">
          {head && (
            <header>
              <span className="author">{name}</span>
              {author.bot && <span className="badge">BOT</span>}
              <time dateTime={new Date(m.timestamp).toISOString()}>{formatTime(m.timestamp)}</time>
            </header>
          )}
          {editing ? (
            <div className="edit">
              <textarea aria-label="Edit message" value={draft} autoFocus maxLength={2000} onChange={(e) => setDraft(e.target.value)} onKeyDown={onEditKey} />
              <p className="muted small">Enter to save · Escape to cancel</p>
            </div>
          ) : (
            <div className="content" data-testid="message-content">
              <Markdown content={m.content} ctx={ctx} />
              {m.edited && <span className="edited" title="Edited"> (edited)</span>}
            </div>
          )}
          <Reactions m={m} />
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
              <span className="muted small"> · Shift-click the bin to skip this</span>
            </p>
          )}
        </div>
      </div>
      {sent && !editing && !confirmDelete && (
        <div className="message-actions" role="toolbar" aria-label="Message actions">
          <button type="button" className="icon-button" aria-label="Add reaction" title="Add Reaction" onClick={() => setPicking((p) => !p)}>
            <Icon name="smile" />
          </button>
          <button type="button" className="icon-button" aria-label="Reply" title="Reply" onClick={() => m.id && startReply(m.channelId, m.id)}>
            <Icon name="reply" />
          </button>
          {canManage && (
            <button
              type="button"
              className="icon-button"
              aria-label={m.pinned ? 'Unpin message' : 'Pin message'}
              title={m.pinned ? 'Unpin' : 'Pin'}
              onClick={() => m.id && void setPinned(m.channelId, m.id, !m.pinned)}
            >
              <Icon name="pin" />
            </button>
          )}
          {own && (
            <button type="button" className="icon-button" aria-label="Edit message" title="Edit" onClick={openEditor}>
              <Icon name="edit" />
            </button>
          )}
          {(own || canManage) && (
            <button type="button" className="icon-button danger" aria-label="Delete message" title="Delete (Shift-click: no confirmation)" onClick={onDelete}>
              <Icon name="trash" />
            </button>
          )}
        </div>
      )}
      {picking && <EmojiPicker onPick={react} onClose={() => setPicking(false)} />}
    </article>
  );
}, samePropsShallow);

/** Rows are rebuilt on every change; re-render only those whose message actually changed. */
function samePropsShallow(a: Props, b: Props): boolean {
  if (a.head !== b.head || a.own !== b.own || a.guildId !== b.guildId) return false;
  const keys = Object.keys(a.message) as (keyof DisplayMessage)[];
  return keys.length === Object.keys(b.message).length && keys.every((k) => a.message[k] === b.message[k]);
}
