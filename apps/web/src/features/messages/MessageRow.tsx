import { memo, useEffect, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { Channel, EmbedInput, Message } from '@concord/protocol';
import { Avatar } from '../../components/Avatar';
import { displayName, formatTime } from '../../components/util';
import { discard, retry } from '../../state/outbox';
import { addReaction, deleteMessage, editMessage, setPinned } from './actions';
import { Reactions } from './Reactions';
import type { DisplayMessage } from './rows';
import { Icon, type IconName } from '../../components/Icon';
import { useStore } from '../../state/store';
import { Markdown } from '../markdown/render';
import { Embed, asEmbeds } from './Embed';
import { parse, plainText } from '../markdown/parse';
import { EmojiPicker, type PickedEmoji } from '../emoji/EmojiPicker';
import { MANAGE_MESSAGES, useGuildPermission, useMarkdownContext, useMentionsMe } from './context';
import { jumpTo, setEditing, startReply, useMessageUi } from './ui';
import { Menu, copyText, type MenuItem } from '../../components/Menu';
import { notify } from '../../state/store';
import { messageLink } from './links';
import { openPopout } from '../profile/popout';
import { MemberMenu } from '../settings/MemberMenu';
import { MessageComponents } from '../commands/Components';
import { dismissEphemeral, useCommands } from '../commands/state';
import { openThread, startNewThread } from '../threads/ui';
import { ReceiptTicks } from './Receipts';
import { MessageAttachments } from '../attachments/Attachments';
import { formatSize } from '../attachments/uploads';
import './messages.css';

const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;

/** "<person> used /name" above an app's answer, as Discord shows it. */
function InteractionLine({ m, guildId }: { m: DisplayMessage; guildId: string | null }) {
  const meta = (m.source?.interaction_metadata ?? m.source?.interaction) as { user?: { id: string; username: string; global_name?: string | null }; name?: string; command_type?: number } | undefined;
  const userId = meta?.user?.id;
  const user = useStore((s) => (userId ? s.client.users[userId] : undefined)) ?? meta?.user;
  const member = useStore((s) => (guildId && userId ? s.client.guilds[guildId]?.members[userId] : undefined));
  if (!meta?.user || !meta.name) return null;
  const name = displayName(user as Parameters<typeof displayName>[0], member);
  return (
    <div className="interaction-line" data-testid="interaction-line">
      <Avatar id={meta.user.id} name={name} size={16} />
      <strong>{name}</strong> used <span className="command-name">{meta.command_type === 1 || meta.command_type === undefined ? `/${meta.name}` : meta.name}</span>
    </div>
  );
}

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

/** Files an embed shows (`attachment://name`, resolved by the server to the file's URL) are not shown again, as on Discord. */
function withoutEmbedded<A extends { url: string }>(attachments: readonly A[], embeds: EmbedInput[]): readonly A[] {
  if (attachments.length === 0 || embeds.length === 0) return attachments;
  const used = new Set(embeds.flatMap((e) => [e.image?.url, e.thumbnail?.url, e.author?.icon_url, e.footer?.icon_url]));
  return attachments.filter((a) => !used.has(a.url));
}

/** "X pinned a message to this channel." (type 6), as Discord shows it. */
/** The frame of a system message (pin notice, join, AutoMod alert): an icon in the gutter, a line of text. */
function SystemShell({ m, icon, kind, children }: { m: DisplayMessage; icon: IconName; kind?: string; children: ReactNode }) {
  return (
    <article className={`message system${kind ? ` ${kind}` : ''}`} data-testid="message" data-type={m.type} data-status={m.status} data-message-id={m.id ?? undefined}>
      <div className={`gutter system-icon${kind ? ` ${kind}-icon` : ''}`} aria-hidden="true">
        <Icon name={icon} size={16} />
      </div>
      <div className="body">{children}</div>
    </article>
  );
}

function SystemRow({ m, name }: { m: DisplayMessage; name: string }) {
  return (
    <SystemShell m={m} icon="pin">
        <span className="author">{name}</span> pinned{' '}
        {m.replyToId ? (
          <button type="button" className="link-button plain" onClick={() => m.replyToId && jumpTo(m.channelId, m.replyToId)}>
            a message
          </button>
        ) : (
          'a message'
        )}{' '}
        to this channel. <time className="muted small">{formatTime(m.timestamp)}</time>
    </SystemShell>
  );
}

/** Said in turn, chosen by the message's id so every reader sees the same line for the same join. */
const WELCOMES = [
  (n: string) => <>Welcome, <b>{n}</b>. Say hi!</>,
  (n: string) => <><b>{n}</b> just joined the server.</>,
  (n: string) => <><b>{n}</b> is here. Make yourselves at home.</>,
  (n: string) => <>Everyone, say hello to <b>{n}</b>!</>,
  (n: string) => <><b>{n}</b> dropped in.</>,
  (n: string) => <>Glad you made it, <b>{n}</b>.</>,
];

function JoinRow({ m, name }: { m: DisplayMessage; name: string }) {
  const pick = m.id ? Number(BigInt(m.id) % BigInt(WELCOMES.length)) : 0;
  return (
    <SystemShell m={m} icon="arrowIn" kind="join">
      {WELCOMES[pick]!(name)} <time className="muted small">{formatTime(m.timestamp)}</time>
    </SystemShell>
  );
}

/** An AutoMod alert (type 24): who wrote what, and the rule that caught it; the message itself was not posted. */
function AutoModRow({ m, name }: { m: DisplayMessage; name: string }) {
  const rule = asEmbeds(m.embeds)[0]?.fields?.find((f) => f.name === 'rule_name')?.value;
  return (
    <SystemShell m={m} icon="shield" kind="automod-alert">
      <div>
        <strong>AutoMod</strong> blocked a message by <span className="author">{name}</span>
        {rule ? ` (rule “${rule}”)` : ''}. <time className="muted small">{formatTime(m.timestamp)}</time>
      </div>
      <blockquote className="automod-quote">{m.content}</blockquote>
    </SystemShell>
  );
}

/** Under a starter message: the thread's name and size; opens it in the side panel (Discord's "N Messages ›"). */
function ThreadChip({ thread, parentId }: { thread: Channel; parentId: string }) {
  const live = useStore((s) => s.client.channels[thread.id]) ?? thread;
  const count = live.message_count ?? 0;
  return (
    <button type="button" className="thread-chip" data-testid="thread-chip" onClick={() => openThread(parentId, thread.id)}>
      <span className="thread-chip-name">{live.name}</span>
      <span className="thread-chip-count">
        {count} {count === 1 ? 'Message' : 'Messages'} ›
      </span>
    </button>
  );
}

export const MessageRow = memo(function MessageRow({ message: m, head, own, guildId }: Props) {
  const editing = useMessageUi((s) => s.editing === m.id && m.id !== null);
  const flash = useMessageUi((s) => s.jump?.messageId === m.id && m.id !== null);
  const [draft, setDraft] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [picking, setPicking] = useState(false);
  // The message's menu (right-click, or the hover bar's "More"), and the author's (right-click on the name).
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const [authorMenu, setAuthorMenu] = useState<{ x: number; y: number } | null>(null);
  // Messages of someone the reader blocked are collapsed, as on Discord, until asked for.
  const blocked = useStore((s) => s.client.relationships[m.author.id]?.type === 2);
  const [reveal, setReveal] = useState(false);
  // The author as known now (a rename reaches every guild as GUILD_MEMBER_UPDATE), else as the message carried them.
  const author = useStore((s) => s.client.users[m.author.id]) ?? m.author;
  const member = useStore((s) => (guildId ? s.client.guilds[guildId]?.members[m.author.id] : undefined));
  const name = displayName(author, member);
  const sent = m.status === 'sent' && m.id !== null;
  const canManage = useGuildPermission(guildId, MANAGE_MESSAGES);
  const ctx = useMarkdownContext(guildId, m.mentions, m.mentionEveryone);
  const mentionsMe = useMentionsMe(guildId, m.mentions, m.mentionRoles, m.mentionEveryone);
  // Threads start in text and announcement channels, not in threads or DMs.
  const threadable = useStore((s) => {
    const type = s.client.channels[m.channelId]?.type;
    return Boolean(guildId) && (type === 0 || type === 5);
  });

  // Opened from the pencil or by Up-arrow in the composer: start from the message's text.
  useEffect(() => {
    if (editing) setDraft(m.content);
  }, [editing]);

  const flags = m.source?.flags ?? 0;
  const ephemeral = Boolean(flags & EPHEMERAL);
  const thinking = Boolean(flags & LOADING);
  const dismissed = useCommands((s) => (m.id ? Boolean(s.dismissed[m.id]) : false));
  if (m.type === 6) return <SystemRow m={m} name={name} />;
  if (m.type === 24) return <AutoModRow m={m} name={name} />;
  if (m.type === 7) return <JoinRow m={m} name={name} />;
  if (dismissed) return null;
  if (blocked && !reveal) {
    return (
      <article className={`message blocked${head ? ' head' : ''}`} data-testid="message" data-blocked="true" aria-label="Blocked message">
        <div className="message-main">
          <div className="gutter" />
          <p className="blocked-line muted">
            Blocked message —{' '}
            <button type="button" className="link-button" onClick={() => setReveal(true)}>
              Show message
            </button>
          </p>
        </div>
      </article>
    );
  }

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

  const canDelete = own || canManage;
  const menuItems = (): MenuItem[] => {
    const id = m.id!;
    const items: MenuItem[] = [
      { label: 'Add Reaction', onSelect: () => setPicking(true) },
      ...(own ? [{ label: 'Edit Message', onSelect: openEditor }] : []),
      { label: 'Reply', onSelect: () => startReply(m.channelId, id) },
      ...(threadable && !m.thread ? [{ label: 'Create Thread', onSelect: () => startNewThread(m.channelId, id) }] : []),
      ...(canManage ? [{ label: m.pinned ? 'Unpin Message' : 'Pin Message', onSelect: () => void setPinned(m.channelId, id, !m.pinned) }] : []),
      { label: 'Copy Text', separator: true, onSelect: () => void copyText(m.content).then((ok) => ok && notify('Copied to clipboard.')) },
      { label: 'Copy Message Link', onSelect: () => void copyText(messageLink(guildId, m.channelId, id)).then((ok) => ok && notify('Message link copied.')) },
      { label: 'Copy Message ID', onSelect: () => void copyText(id) },
    ];
    if (canDelete) items.push({ label: 'Delete Message', danger: true, separator: true, onSelect: onDelete, hint: 'Shift: no confirmation' });
    return items;
  };

  function onContextMenu(e: MouseEvent) {
    // The browser's own menu stays for links, selected text and the editor, as Discord's web client does.
    const t = e.target as Element;
    if (!sent || editing || ephemeral || t.closest('a, textarea') || String(window.getSelection() ?? '')) return;
    e.preventDefault();
    setMenu({ x: e.clientX, y: e.clientY });
  }

  const profile = (e: MouseEvent<HTMLElement>) => openPopout(m.author.id, guildId, e.currentTarget);
  const profileMenu = (e: MouseEvent) => {
    if (!guildId) return;
    e.preventDefault();
    e.stopPropagation();
    setAuthorMenu({ x: e.clientX, y: e.clientY });
  };

  const react = (picked: PickedEmoji) => {
    setPicking(false);
    if (m.id) void addReaction(m.channelId, m.id, picked.emoji);
  };

  return (
    <article
      className={`message${head ? ' head' : ''}${ephemeral ? ' ephemeral' : ''} status-${m.status}${mentionsMe ? ' mentioned' : ''}${flash ? ' flash' : ''}${picking || menu ? ' active' : ''}`}
      data-testid="message"
      data-status={m.status}
      data-message-id={m.id ?? undefined}
      data-nonce={m.nonce ?? undefined}
      data-mentioned={mentionsMe || undefined}
      data-ephemeral={ephemeral || undefined}
      aria-label={`${name} at ${formatTime(m.timestamp)}`}
      onContextMenu={onContextMenu}
    >
      {m.replyToId && <ReplyLine m={m} guildId={guildId} />}
      {m.source?.interaction_metadata && <InteractionLine m={m} guildId={guildId} />}
      <div className="message-main">
        <div className="gutter">
          {head ? (
            <button type="button" className="avatar-button" aria-label={`${name}'s profile`} data-popout-trigger="" onClick={profile} onContextMenu={profileMenu}>
              <Avatar id={m.author.id} name={name} />
            </button>
          ) : (
            <time className="hover-time">{formatTime(m.timestamp)}</time>
          )}
        </div>
        <div className="body">
          {head && (
            <header>
              <span
                className="author clickable-name"
                role="button"
                tabIndex={0}
                data-popout-trigger=""
                data-testid="author"
                onClick={profile}
                onKeyDown={(e) => e.key === 'Enter' && openPopout(m.author.id, guildId, e.currentTarget)}
                onContextMenu={profileMenu}
              >
                {name}
              </span>
              {author.bot && <span className="badge">{m.source?.application_id ? 'APP' : 'BOT'}</span>}
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
              {thinking ? (
                <span className="thinking" data-testid="thinking">
                  {name} is thinking <span className="dots" aria-hidden="true" />
                </span>
              ) : (
                <Markdown content={m.content} ctx={ctx} jumbo />
              )}
              {m.edited && <span className="edited" title="Edited"> (edited)</span>}
              {own && !guildId && (m.id && sent ? <ReceiptTicks channelId={m.channelId} messageId={m.id} /> : m.status !== 'failed' && <span className="receipt pending" data-testid="receipt" data-state="pending" title="Sending"><Icon name="clock" size={14} /></span>)}
            </div>
          )}
          <MessageAttachments attachments={withoutEmbedded(m.attachments, asEmbeds(m.embeds))} />
          {m.pendingFiles && (
            <ul className="pending-files" data-testid="pending-files" aria-label="Files waiting to be sent">
              {m.pendingFiles.map((f, i) => (
                <li key={i}>
                  <Icon name="clock" size={14} /> {f.name} <span className="muted">{formatSize(f.size)}</span>
                </li>
              ))}
            </ul>
          )}
          {asEmbeds(m.embeds).map((e, i) => (
            <Embed key={i} embed={e} ctx={ctx} />
          ))}
          {m.source && !thinking && <MessageComponents message={m.source} />}
          {ephemeral && (
            <p className="ephemeral-note" data-testid="ephemeral-note">
              <Icon name="eye" size={14} /> Only you can see this ·{' '}
              <button type="button" className="link-button" onClick={() => m.id && dismissEphemeral(m.id)}>
                Dismiss message
              </button>
            </p>
          )}
          <Reactions m={m} guildId={guildId} />
          {m.thread && <ThreadChip thread={m.thread} parentId={m.channelId} />}
          {m.status === 'queued' && <p className="status-line">{m.error ?? 'Waiting for connection…'}</p>}
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
      {sent && !editing && !confirmDelete && !ephemeral && (
        <div className="message-actions" role="toolbar" aria-label="Message actions">
          <button type="button" className="icon-button" aria-label="Add reaction" title="Add Reaction" onClick={() => setPicking((p) => !p)}>
            <Icon name="smile" />
          </button>
          <button type="button" className="icon-button" aria-label="Reply" title="Reply" onClick={() => m.id && startReply(m.channelId, m.id)}>
            <Icon name="reply" />
          </button>
          {threadable && (
            <button
              type="button"
              className="icon-button"
              aria-label={m.thread ? 'Open thread' : 'Create thread'}
              title={m.thread ? 'Open Thread' : 'Create Thread'}
              onClick={() => m.id && (m.thread ? openThread(m.channelId, m.thread.id) : startNewThread(m.channelId, m.id))}
            >
              <Icon name="thread" />
            </button>
          )}
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
          {canDelete && (
            <button type="button" className="icon-button danger" aria-label="Delete message" title="Delete (Shift-click: no confirmation)" onClick={onDelete}>
              <Icon name="trash" />
            </button>
          )}
          <button
            type="button"
            className="icon-button more"
            aria-label="More"
            title="More"
            aria-haspopup="menu"
            onClick={(e) => {
              const r = e.currentTarget.getBoundingClientRect();
              setMenu(menu ? null : { x: r.left, y: r.bottom + 4 });
            }}
          >
            ···
          </button>
        </div>
      )}
      {menu && m.id && <Menu x={menu.x} y={menu.y} label="Message actions" items={menuItems()} onClose={() => setMenu(null)} />}
      {authorMenu && guildId && createPortal(<MemberMenu guildId={guildId} userId={m.author.id} name={name} x={authorMenu.x} y={authorMenu.y} onClose={() => setAuthorMenu(null)} />, document.body)}
      {picking && <EmojiPicker guildId={guildId} onPick={react} onClose={() => setPicking(false)} />}
    </article>
  );
}, samePropsShallow);

/** Rows are rebuilt on every change; re-render only those whose message actually changed. */
function samePropsShallow(a: Props, b: Props): boolean {
  if (a.head !== b.head || a.own !== b.own || a.guildId !== b.guildId) return false;
  const keys = Object.keys(a.message) as (keyof DisplayMessage)[];
  return keys.length === Object.keys(b.message).length && keys.every((k) => a.message[k] === b.message[k]);
}
