import { useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import { setState, useStore } from '../../state/store';
import { enqueue } from '../../state/outbox';
import { resetTyping, typed } from './actions';
import { Icon } from '../../components/Icon';

export const MAX_LENGTH = 2000;
const MAX_HEIGHT_PX = 240;

/** Enter sends, Shift+Enter adds a line; grows with its text up to a limit; counts down near 2000 characters. */
export function Composer({ channelId, channelName, onSent }: { channelId: string; channelName: string; onSent: () => void }) {
  const text = useStore((s) => s.drafts[channelId]) ?? '';
  const setText = (value: string) => setState((s) => ({ drafts: { ...s.drafts, [channelId]: value } }));
  const ref = useRef<HTMLTextAreaElement>(null);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [text]);

  useLayoutEffect(() => {
    ref.current?.focus();
  }, [channelId]);

  const content = text.trim();
  const over = text.length > MAX_LENGTH;

  function send() {
    if (!content || over) return;
    enqueue(channelId, content);
    setText('');
    resetTyping();
    onSent();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  }

  return (
    <form
      className="composer"
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
      <button type="submit" className="send" disabled={!content || over} aria-label="Send message">
        <Icon name="send" size={20} />
      </button>
    </form>
  );
}
