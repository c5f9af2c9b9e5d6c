/**
 * The virtualised message list (@tanstack/react-virtual), newest at the bottom.
 *
 * Scrolling rules: while the reader is at the bottom the list sticks there as messages arrive and rows are
 * measured; scrolled away, new messages raise a "new messages" button instead of moving the view. Near the
 * top, the previous page is fetched; after it is prepended the view is moved down by the height it added,
 * so what the reader was looking at stays put (the virtualiser then corrects for measured heights itself).
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Message, User } from '@concord/protocol';
import { getState, notify, useStore, type OutboxEntry } from '../../state/store';
import { jumpToPresent, loadAround, loadLatest, loadNewer, loadOlder } from './actions';
import { buildRows, type Row } from './rows';
import { MessageRow } from './MessageRow';
import { useMessageUi } from './ui';
import { markRead } from '../unread/unread';
import { formatTime } from '../../components/util';

const NO_MESSAGES: Message[] = [];
const STICK_PX = 80;
const LOAD_OLDER_PX = 600;

function estimate(row: Row | undefined): number {
  if (!row) return 40;
  if (row.kind === 'top') return 96;
  if (row.kind === 'day' || row.kind === 'unread') return row.kind === 'day' ? 40 : 24;
  return row.head ? 64 : 26;
}

export function MessageList({
  channelId,
  channelName,
  me,
  stickSignal,
  intro,
}: {
  channelId: string;
  channelName: string;
  me: User;
  stickSignal: number;
  /** What the start of the history shows (a thread shows its starter message); a channel's welcome otherwise. */
  intro?: ReactNode;
}) {
  const loaded = useStore((s) => s.client.messages[channelId]) ?? NO_MESSAGES;
  const outbox = useStore((s) => s.outbox);
  const history = useStore((s) => s.history[channelId]);
  const guildId = useStore((s) => s.client.channels[channelId]?.guild_id ?? null);
  const jump = useMessageUi((s) => (s.jump?.channelId === channelId ? s.jump : null));
  // Where the reader had stopped when the channel opened (the list remounts per channel): the divider stays there
  // while they read, until they mark the channel read or send something.
  const [lastRead, setLastRead] = useState<string | null>(() => {
    const s = getState().client;
    const last = s.channels[channelId]?.last_message_id;
    const rs = s.readStates[channelId];
    return last && rs && BigInt(last) > BigInt(rs.last_message_id) ? rs.last_message_id : null;
  });
  useEffect(() => {
    if (stickSignal) setLastRead(null);
  }, [stickSignal]);

  useEffect(() => {
    if (!history) void loadLatest(channelId);
  }, [channelId, history]);

  // After a jump into older history, what arrives live beyond the continuous part waits until it is reached.
  const newerThan = history?.newerThan;
  const messages = useMemo(() => (newerThan ? loaded.filter((m) => BigInt(m.id) <= BigInt(newerThan)) : loaded), [loaded, newerThan]);
  const pending = useMemo(() => Object.values(outbox).filter((e: OutboxEntry) => e.channelId === channelId), [outbox, channelId]);
  const rows = useMemo(
    () => buildRows(messages, pending, me, history?.hasMore ?? true, history?.loading ?? true, lastRead),
    [messages, pending, me, history, lastRead],
  );

  const scrollRef = useRef<HTMLDivElement>(null);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => estimate(rows[i]),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 8,
  });

  const stick = useRef(true);
  const [unseen, setUnseen] = useState(false);
  const firstMessageKey = rows.find((r) => r.kind === 'message')?.key;
  const lastMessage = rows.length > 1 ? rows[rows.length - 1] : undefined;
  const prev = useRef({ first: firstMessageKey, last: lastMessage?.key, total: 0 });

  // Sending a message always brings the reader back to the bottom (to the present, after a jump into the past).
  useEffect(() => {
    if (stickSignal) {
      stick.current = true;
      setUnseen(false);
      if (getState().history[channelId]?.newerThan) void jumpToPresent(channelId);
    }
  }, [stickSignal]);
  if (newerThan) stick.current = false;

  const total = virtualizer.getTotalSize();
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const p = prev.current;
    if (stick.current) el.scrollTop = el.scrollHeight;
    else if (p.first && firstMessageKey !== p.first && p.total) el.scrollTop += total - p.total;
    if (!stick.current && lastMessage?.key !== p.last && lastMessage?.kind === 'message' && lastMessage.message.author.id !== me.id) setUnseen(true);
    prev.current = { first: firstMessageKey, last: lastMessage?.key, total };
  });

  // A jump (a reply's quote, a pin, a message link) scrolls the message to the middle; one that is not loaded
  // brings the page around it instead of the list (as on Discord), continued in both directions by scrolling.
  useEffect(() => {
    if (!jump) return;
    let cancelled = false;
    void (async () => {
      const has = () => getState().client.messages[channelId]?.some((m) => m.id === jump.messageId);
      if (!has()) {
        stick.current = false;
        await loadAround(channelId, jump.messageId);
      }
      // Let the rows of a page just loaded render first.
      await new Promise((r) => setTimeout(r, 50));
      if (cancelled) return;
      const index = rowsRef.current.findIndex((r) => r.kind === 'message' && r.message.id === jump.messageId);
      if (index < 0) {
        notify('That message is no longer in this channel.');
        return;
      }
      stick.current = false;
      virtualizer.scrollToIndex(index, { align: 'center' });
    })();
    return () => {
      cancelled = true;
    };
  }, [jump?.n]); // the virtualizer and rows are read when the jump runs

  // Read while looking at the bottom of a visible tab: the newest message is acked (debounced in markRead).
  const newest = useStore((s) => s.client.channels[channelId]?.last_message_id);
  useEffect(() => {
    const read = () => {
      if (stick.current && document.visibilityState === 'visible' && history && !history.loading) markRead(channelId);
    };
    read();
    document.addEventListener('visibilitychange', read);
    window.addEventListener('focus', read);
    return () => {
      document.removeEventListener('visibilitychange', read);
      window.removeEventListener('focus', read);
    };
  }, [channelId, newest, history]);

  function markAllRead() {
    setLastRead(null);
    markRead(channelId, true);
  }

  function onKeyDown(e: React.KeyboardEvent) {
    // Discord's shortcut: Escape marks the channel read.
    if (e.key === 'Escape' && lastRead) markAllRead();
  }

  function onScroll() {
    const el = scrollRef.current;
    if (!el) return;
    const wasStuck = stick.current;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    if (stick.current && !wasStuck) markRead(channelId);
    if (stick.current && unseen) setUnseen(false);
    if (el.scrollTop < LOAD_OLDER_PX) void loadOlder(channelId);
    if (getState().history[channelId]?.newerThan) {
      stick.current = false;
      if (el.scrollHeight - el.scrollTop - el.clientHeight < LOAD_OLDER_PX) void loadNewer(channelId);
    }
  }

  function jumpToBottom() {
    stick.current = true;
    setUnseen(false);
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }

  const viewport = virtualizer.scrollRect?.height ?? 0;
  // Few messages sit at the bottom, as in any chat, not at the top.
  const pad = Math.max(0, viewport - total);

  const dividerIndex = lastRead ? rows.findIndex((r) => r.kind === 'unread') : -1;
  const firstVisible = virtualizer.getVirtualItems()[0]?.index ?? 0;
  const unreadSince = dividerIndex >= 0 ? rows.slice(dividerIndex).find((r) => r.kind === 'message') : undefined;
  const unreadCount = dividerIndex >= 0 ? rows.slice(dividerIndex).filter((r) => r.kind === 'message' && r.message.author.id !== me.id).length : 0;

  return (
    <div className="message-pane" onKeyDown={onKeyDown}>
      {dividerIndex >= 0 && unreadSince?.kind === 'message' && (
        <div className={`unread-bar${firstVisible > dividerIndex ? ' above' : ''}`} role="status" data-testid="unread-bar">
          <button type="button" className="unread-jump" onClick={() => ((stick.current = false), virtualizer.scrollToIndex(dividerIndex, { align: 'start' }))}>
            {unreadCount >= 50 ? '50+' : unreadCount} new message{unreadCount === 1 ? '' : 's'} since {formatTime(unreadSince.message.timestamp)}
          </button>
          <button type="button" className="unread-mark" onClick={markAllRead}>
            Mark As Read
          </button>
        </div>
      )}
      <div ref={scrollRef} className="scroller" onScroll={onScroll} role="log" aria-label={`Messages in ${channelName}`} data-testid="message-scroller" tabIndex={0}>
        <div style={{ height: total + pad, position: 'relative', width: '100%' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="row"
                style={{ transform: `translateY(${item.start + pad}px)` }}
              >
                {row.kind === 'top' ? (
                  <div className="channel-start">
                    {row.hasMore ? (
                      <p className="muted">{row.loading ? 'Loading messages…' : ''}</p>
                    ) : intro ? (
                      intro
                    ) : (
                      <>
                        <h2>{guildId ? `Welcome to ${channelName}!` : channelName}</h2>
                        <p className="muted">
                          {guildId ? `This is the start of the ${channelName} channel.` : `This is the beginning of your direct message history with ${channelName}.`}
                        </p>
                      </>
                    )}
                  </div>
                ) : row.kind === 'unread' ? (
                  <div className="unread-divider" role="separator" aria-label="New messages" data-testid="unread-divider">
                    <span>New</span>
                  </div>
                ) : row.kind === 'day' ? (
                  <div className="day-separator" role="separator" aria-label={row.label}>
                    <span>{row.label}</span>
                  </div>
                ) : (
                  <MessageRow message={row.message} head={row.head} own={row.message.author.id === me.id} guildId={guildId} />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {newerThan && (
        <div className="present-bar" role="status" data-testid="present-bar">
          <span>You're viewing older messages</span>
          <button type="button" className="present-jump" onClick={() => void jumpToPresent(channelId).then(jumpToBottom)}>
            Jump to Present
          </button>
        </div>
      )}
      {unseen && !newerThan && (
        <button type="button" className="jump" onClick={jumpToBottom}>
          New messages ↓
        </button>
      )}
    </div>
  );
}
