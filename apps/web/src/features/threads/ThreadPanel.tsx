/**
 * The panel beside a channel (Discord's side panel at desktop widths, full screen on a phone): a thread's
 * messages and composer, or the form that starts a thread from a message or on its own.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { Channel, Message } from '@concord/protocol';
import { Icon } from '../../components/Icon';
import { displayName, formatDay, formatTime } from '../../components/util';
import { describeError } from '../../state/api';
import { useStore } from '../../state/store';
import { Markdown } from '../markdown/render';
import { Composer } from '../messages/Composer';
import { MessageList } from '../messages/MessageList';
import { useMarkdownContext } from '../messages/context';
import { getChannel, getMessage, startThread, startThreadFromMessage } from './actions';
import { closePanel, openThread, useSidePanel } from './ui';
import './threads.css';

/** A thread as the client knows it (active threads live in the store), else as fetched (an archived one). */
function useThread(threadId: string): Channel | undefined {
  const known = useStore((s) => s.client.channels[threadId]);
  const [fetched, setFetched] = useState<Channel | undefined>();
  useEffect(() => {
    if (known) return;
    let live = true;
    getChannel(threadId).then(
      (c) => live && setFetched(c),
      () => live && setFetched(undefined),
    );
    return () => {
      live = false;
    };
  }, [threadId, known]);
  return known ?? fetched;
}

function Quote({ m, guildId }: { m: Message; guildId: string | null }) {
  const ctx = useMarkdownContext(guildId, m.mentions, m.mention_everyone);
  const member = useStore((s) => (guildId ? s.client.guilds[guildId]?.members[m.author.id] : undefined));
  const at = Date.parse(m.timestamp);
  return (
    <div className="thread-starter" data-testid="thread-starter">
      <header>
        <span className="author">{displayName(m.author, member)}</span>
        <time className="muted small">
          {formatDay(at)} {formatTime(at)}
        </time>
      </header>
      <div className="content">
        <Markdown content={m.content} ctx={ctx} />
      </div>
    </div>
  );
}

/** The starter message of a thread started from one (it lives in the parent channel). */
function useStarter(parentId: string, messageId: string | undefined): Message | undefined {
  const loaded = useStore((s) => (messageId ? s.client.messages[parentId]?.find((m) => m.id === messageId) : undefined));
  const [fetched, setFetched] = useState<Message | undefined>();
  useEffect(() => {
    if (loaded || !messageId) return;
    let live = true;
    getMessage(parentId, messageId).then(
      (m) => live && setFetched(m),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [parentId, messageId, loaded]);
  return loaded ?? fetched;
}

function PanelHeader({ title, icon = 'thread' }: { title: string; icon?: 'thread' | 'search' }) {
  return (
    <header className="panel-header">
      <Icon name={icon} size={20} />
      <h2 title={title}>{title}</h2>
      <button type="button" className="icon-button" aria-label="Close" title="Close" onClick={closePanel}>
        <Icon name="close" size={20} />
      </button>
    </header>
  );
}

function ThreadView({ parentId, threadId, guildId }: { parentId: string; threadId: string; guildId: string }) {
  const thread = useThread(threadId);
  const me = useStore((s) => s.client.user);
  const [sent, setSent] = useState(0);
  const fromMessage = useStore((s) => s.client.channels[parentId]?.type !== 15 && s.client.channels[parentId]?.type !== 16);
  const starter = useStarter(parentId, fromMessage ? threadId : undefined);
  if (!me) return null;
  const name = thread?.name ?? 'thread';
  const archived = thread?.thread_metadata?.archived;
  return (
    <>
      <PanelHeader title={name} />
      {archived && <p className="panel-note">This thread is archived. Sending a message reopens it.</p>}
      <MessageList
        key={threadId}
        channelId={threadId}
        channelName={name}
        me={me}
        stickSignal={sent}
        intro={
          <div className="thread-intro">
            <div className="thread-intro-icon">
              <Icon name="thread" size={28} />
            </div>
            <h2>{name}</h2>
            {starter ? <Quote m={starter} guildId={guildId} /> : <p className="muted">The start of the thread.</p>}
          </div>
        }
      />
      <Composer key={`c${threadId}`} channelId={threadId} channelName={name} onSent={() => setSent((n) => n + 1)} />
    </>
  );
}

function NewThread({ parentId, messageId, guildId }: { parentId: string; messageId?: string; guildId: string }) {
  const starter = useStarter(parentId, messageId);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Discord suggests the starter's text as the name.
  useEffect(() => {
    if (starter && !name) setName(starter.content.replace(/\s+/g, ' ').trim().slice(0, 40) || 'New Thread');
  }, [starter]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const clean = name.trim();
    if (!clean || busy) return;
    setBusy(true);
    setError(null);
    try {
      const t = messageId ? await startThreadFromMessage(parentId, messageId, clean) : await startThread(parentId, clean);
      openThread(parentId, t.id);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <>
      <PanelHeader title="New Thread" />
      <form className="new-thread" onSubmit={(e) => void submit(e)}>
        {starter && <Quote m={starter} guildId={guildId} />}
        <label>
          <span className="label">Thread name</span>
          <input autoFocus value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="New Thread" aria-label="Thread name" />
        </label>
        {error && <p className="form-error">{error}</p>}
        <button type="submit" className="primary" disabled={busy || !name.trim()}>
          Create Thread
        </button>
      </form>
    </>
  );
}

/** The side panel of the open channel, or nothing. */
export function ThreadPanel({ guildId, channelId }: { guildId: string; channelId: string | null }) {
  const panel = useSidePanel((s) => s.panel);
  const parentId = panel && panel.kind !== 'search' ? panel.parentId : null;
  // Another channel opened: the panel belonged to the previous one.
  useEffect(() => {
    if (parentId && parentId !== channelId) closePanel();
  }, [channelId, parentId]);
  if (!panel || panel.kind === 'search' || panel.parentId !== channelId) return null;
  return (
    <aside className="side-panel thread-panel" aria-label={panel.kind === 'thread' ? 'Thread' : 'New thread'} data-testid="thread-panel">
      {panel.kind === 'thread' ? (
        <ThreadView key={panel.threadId} parentId={panel.parentId} threadId={panel.threadId} guildId={guildId} />
      ) : (
        <NewThread key={panel.messageId ?? 'standalone'} parentId={panel.parentId} messageId={panel.messageId} guildId={guildId} />
      )}
    </aside>
  );
}

export { PanelHeader };
