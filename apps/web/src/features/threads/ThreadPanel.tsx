/**
 * The panel beside a channel (Discord's side panel at desktop widths, full screen on a phone): a thread's
 * messages and composer, or the form that starts a thread from a message or on its own.
 */
import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { Channel, Message } from '@concord/protocol';
import { Icon } from '../../components/Icon';
import { displayName, formatDay, formatTime } from '../../components/util';
import { describeError, reportError } from '../../state/api';
import { useStore } from '../../state/store';
import { Markdown } from '../markdown/render';
import { Composer } from '../messages/Composer';
import { MessageList } from '../messages/MessageList';
import { useMarkdownContext } from '../messages/context';
import { MemberItems, type Row } from '../members/MemberList';
import { MemberMenu } from '../settings/MemberMenu';
import { memberColor } from '../settings/actions';
import { getChannel, getMessage, joinThread, leaveThread, startThread, startThreadFromMessage } from './actions';
import { loadThreadMembers, useThreadMembers } from './members';
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

function PanelHeader({ title, icon = 'thread', children }: { title: string; icon?: 'thread' | 'search'; children?: ReactNode }) {
  return (
    <header className="panel-header">
      <Icon name={icon} size={20} />
      <h2 title={title}>{title}</h2>
      {children}
      <button type="button" className="icon-button" aria-label="Close" title="Close" onClick={closePanel}>
        <Icon name="close" size={20} />
      </button>
    </header>
  );
}

/**
 * The thread's members, grouped online and offline as the server's member list is (Discord's thread member list),
 * with the current user's Join / Leave.
 */
function ThreadMemberList({ thread, guildId }: { thread: Channel; guildId: string }) {
  const known = useThreadMembers((s) => s.byThread[thread.id]);
  const guild = useStore((s) => s.client.guilds[guildId]);
  const presences = useStore((s) => s.client.presences);
  const connected = useStore((s) => s.connection.state === 'ready');
  const [menu, setMenu] = useState<{ id: string; name: string; x: number; y: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    loadThreadMembers(thread.id).catch((err: unknown) => setError(describeError(err)));
  }, [thread.id]);
  const rows = useMemo<Row[]>(
    () =>
      Object.entries(known ?? {})
        .map(([id, fromList]) => {
          // The guild's copy is the live one (renames, roles); the list's covers members not loaded there.
          const m = guild?.members[id] ?? fromList ?? undefined;
          const user = m?.user ?? { id, username: 'unknown', global_name: null };
          const status = connected ? (presences[id] ?? 'offline') : 'offline';
          return { id, name: displayName(user, m), bot: Boolean(m?.user?.bot), status, color: guild && m ? memberColor(guild, m.roles) : undefined };
        })
        .sort((a, b) => a.name.localeCompare(b.name)),
    [known, guild, presences, connected],
  );
  if (!guild) return null;
  const online = rows.filter((m) => m.status !== 'offline');
  const offline = rows.filter((m) => m.status === 'offline');
  return (
    <div className="members thread-members" aria-label="Thread members" data-testid="thread-members">
      {error && <p className="form-error">{error}</p>}
      {!known && !error && <p className="muted thread-members-note">Loading members…</p>}
      {known && (
        <>
          <h3>Online — {online.length}</h3>
          <MemberItems members={online} guildId={guild.id} ownerId={guild.owner_id} testId="thread-member-list" onMenu={setMenu} />
          {offline.length > 0 && <h3>Offline — {offline.length}</h3>}
          <MemberItems members={offline} guildId={guild.id} ownerId={guild.owner_id} testId="thread-member-list-offline" onMenu={setMenu} />
        </>
      )}
      {menu && <MemberMenu guildId={guildId} userId={menu.id} name={menu.name} x={menu.x} y={menu.y} onClose={() => setMenu(null)} />}
    </div>
  );
}

/** Join Thread for one who does not follow it (as Discord's header offers), Leave Thread for one who does. */
function FollowButton({ thread }: { thread: Channel }) {
  const followed = Boolean(thread.member);
  const [busy, setBusy] = useState(false);
  // Archived threads take no membership change (the server says 50083); Discord hides the button too.
  if (thread.thread_metadata?.archived) return null;
  const run = () => {
    setBusy(true);
    (followed ? leaveThread(thread.id) : joinThread(thread.id)).catch(reportError).finally(() => setBusy(false));
  };
  return (
    <button type="button" className={followed ? 'small secondary' : 'small primary'} disabled={busy} onClick={run} data-testid="thread-follow">
      {followed ? 'Leave Thread' : 'Join Thread'}
    </button>
  );
}

function ThreadView({ parentId, threadId, guildId }: { parentId: string; threadId: string; guildId: string }) {
  const thread = useThread(threadId);
  const me = useStore((s) => s.client.user);
  const [sent, setSent] = useState(0);
  const [showMembers, setShowMembers] = useState(false);
  const fromMessage = useStore((s) => s.client.channels[parentId]?.type !== 15 && s.client.channels[parentId]?.type !== 16);
  const starter = useStarter(parentId, fromMessage ? threadId : undefined);
  if (!me) return null;
  const name = thread?.name ?? 'thread';
  const archived = thread?.thread_metadata?.archived;
  const count = thread?.member_count;
  return (
    <>
      <PanelHeader title={name}>
        {thread && <FollowButton thread={thread} />}
        <button
          type="button"
          className={`icon-button${showMembers ? ' selected' : ''}`}
          aria-label={showMembers ? 'Hide member list' : 'Show member list'}
          aria-pressed={showMembers}
          title={count !== undefined ? `Members (${count})` : 'Members'}
          onClick={() => setShowMembers((v) => !v)}
          data-testid="thread-members-toggle"
        >
          <Icon name="members" size={20} />
        </button>
      </PanelHeader>
      {showMembers && thread && <ThreadMemberList thread={thread} guildId={guildId} />}
      {archived && !showMembers && <p className="panel-note">This thread is archived. Sending a message reopens it.</p>}
      {!showMembers && <MessageList
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
      />}
      {!showMembers && <Composer key={`c${threadId}`} channelId={threadId} channelName={name} onSent={() => setSent((n) => n + 1)} />}
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
