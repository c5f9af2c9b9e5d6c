import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Permissions } from '@concord/protocol';
import { getState, setDraft, setState, useStore } from '../../state/store';
import { enqueue } from '../../state/outbox';
import { resetTyping, typed } from './actions';
import { Icon } from '../../components/Icon';
import { displayName } from '../../components/util';
import { replaceShortcodes } from '../emoji/data';
import { EmojiPicker } from '../emoji/EmojiPicker';
import { useGuildPermission } from './context';
import { cancelReply, setEditing, toggleReplyMention, useMessageUi } from './ui';
import './messages.css';

export const MAX_LENGTH = 2000;
const MAX_HEIGHT_PX = 240;

/** Seconds left of the reader's slowmode in a channel, ticking down once a second. */
function useCooldown(channelId: string): number {
  const until = useStore((s) => s.slowmode?.[channelId] ?? 0);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (until <= Date.now()) return;
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [until]);
  return Math.max(0, Math.ceil((until - now) / 1000));
}

function ReplyBar({ channelId }: { channelId: string }) {
  const reply = useMessageUi((s) => s.replyTo[channelId]);
  const target = useStore((s) => (reply ? s.client.messages[channelId]?.find((m) => m.id === reply.messageId) : undefined));
  const guildId = useStore((s) => s.client.channels[channelId]?.guild_id ?? null);
  const member = useStore((s) => (guildId && target ? s.client.guilds[guildId]?.members[target.author.id] : undefined));
  if (!reply || !target) return null;
  return (
    <div className="reply-bar" data-testid="reply-bar">
      <span>
        Replying to <strong>{displayName(target.author, member)}</strong>
      </span>
      <span className="reply-bar-actions">
        <button
          type="button"
          className={`link-button plain mention-toggle${reply.mention ? ' on' : ''}`}
          aria-pressed={reply.mention}
          title={reply.mention ? 'Click to not ping the author' : 'Click to ping the author'}
          onClick={() => toggleReplyMention(channelId)}
        >
          @{reply.mention ? 'ON' : 'OFF'}
        </button>
        <button type="button" className="icon-button" aria-label="Cancel reply" onClick={() => cancelReply(channelId)}>
          <Icon name="close" size={16} />
        </button>
      </span>
    </div>
  );
}

/**
 * Enter sends, Shift+Enter adds a line; grows with its text up to a limit; counts down near 2000 characters.
 * Up-arrow in an empty composer edits the reader's last message; Escape drops a reply being composed.
 */
export function Composer({ channelId, channelName, onSent }: { channelId: string; channelName: string; onSent: () => void }) {
  const text = useStore((s) => s.drafts[channelId]) ?? '';
  const setText = (value: string) => setDraft(channelId, value);
  const ref = useRef<HTMLTextAreaElement>(null);
  const reply = useMessageUi((s) => s.replyTo[channelId]);
  const channel = useStore((s) => s.client.channels[channelId]);
  const guildId = channel?.guild_id ?? null;
  const manageMessages = useGuildPermission(guildId, Permissions.MANAGE_MESSAGES);
  const manageChannels = useGuildPermission(guildId, Permissions.MANAGE_CHANNELS);
  // The server exempts these from slowmode too.
  const exempt = manageMessages || manageChannels;
  const slowmode = exempt ? 0 : (channel?.rate_limit_per_user ?? 0);
  const cooldown = useCooldown(channelId);
  const [picking, setPicking] = useState(false);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [text]);

  useLayoutEffect(() => {
    ref.current?.focus();
  }, [channelId, reply?.messageId]);

  const content = text.trim();
  const over = text.length > MAX_LENGTH;
  const waiting = slowmode > 0 && cooldown > 0;

  function send() {
    if (!content || over || waiting) return;
    enqueue(channelId, replaceShortcodes(content), reply);
    if (reply) cancelReply(channelId);
    if (slowmode > 0) setState((s) => ({ slowmode: { ...s.slowmode, [channelId]: Date.now() + slowmode * 1000 } }));
    setText('');
    resetTyping();
    onSent();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    } else if (e.key === 'ArrowUp' && text === '' && !e.shiftKey && !e.altKey) {
      const me = getState().client.user?.id;
      const mine = getState().client.messages[channelId]?.findLast((m) => m.author.id === me && m.type !== 6);
      if (mine) {
        e.preventDefault();
        setEditing(mine.id);
      }
    } else if (e.key === 'Escape' && reply) {
      e.preventDefault();
      cancelReply(channelId);
    }
  }

  return (
    <div className="composer-wrap">
      <ReplyBar channelId={channelId} />
      <form
        className={`composer${reply ? ' replying' : ''}`}
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <textarea
          ref={ref}
          rows={1}
          name="message"
          aria-label={`Message #${channelName}`}
          aria-describedby="composer-count"
          placeholder={`Message #${channelName}`}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value.trim()) typed(channelId);
          }}
          onKeyDown={onKeyDown}
        />
        <span id="composer-count" className={`counter${over ? ' over' : ''}`} aria-live="polite" data-testid="composer-counter">
          {text.length > MAX_LENGTH - 200 ? `${MAX_LENGTH - text.length}` : ''}
        </span>
        <span className="composer-emoji">
          <button type="button" className="icon-button" aria-label="Insert emoji" title="Emoji" onClick={() => setPicking((p) => !p)}>
            <Icon name="smile" size={20} />
          </button>
          {picking && (
            <EmojiPicker
              onPick={(emoji) => {
                setPicking(false);
                setText(text + emoji);
                ref.current?.focus();
              }}
              onClose={() => setPicking(false)}
            />
          )}
        </span>
        <button type="submit" className="send" disabled={!content || over || waiting} aria-label="Send message">
          <Icon name="send" size={20} />
        </button>
      </form>
      {slowmode > 0 && (
        <p className="slowmode" data-testid="slowmode" aria-live="polite">
          {waiting ? `Slowmode: you can send again in ${cooldown} s` : `Slowmode is on: one message every ${slowmode} s`}
        </p>
      )}
    </div>
  );
}
