/**
 * A forum channel: its posts as cards (title, tags, the first message, replies, last activity), sorted by
 * latest activity or creation, filtered by tags, and the form that makes a post. A post opens in the side panel.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ChannelFlags, MAX_APPLIED_TAGS, type Channel, type ForumTag, type Message } from '@concord/protocol';
import { Icon } from '../../components/Icon';
import { ConnectionBanner } from '../../components/ConnectionBanner';
import { displayName } from '../../components/util';
import { describeError } from '../../state/api';
import { useStore } from '../../state/store';
import { openDrawer } from '../layout/ui';
import { archivedThreads, createPost, getMessage } from './actions';
import { openThread, useSidePanel } from './ui';
import { relativeTime } from './time';
import { SearchBox } from '../search/SearchBox';
import './threads.css';

type Sort = 'activity' | 'created';

function TagChip({ tag, selected, onClick }: { tag: ForumTag; selected?: boolean; onClick?: () => void }) {
  const label = (
    <>
      {tag.emoji_name && <span aria-hidden="true">{tag.emoji_name} </span>}
      {tag.name}
    </>
  );
  if (!onClick) return <span className="tag">{label}</span>;
  return (
    <button type="button" className={`tag${selected ? ' selected' : ''}`} aria-pressed={selected} onClick={onClick}>
      {label}
    </button>
  );
}

/** First messages of posts, fetched once each (a post's first message has the post's id). */
const firstMessages = new Map<string, Promise<Message | null>>();
function useFirstMessage(postId: string): Message | null | undefined {
  const [m, setM] = useState<Message | null | undefined>();
  useEffect(() => {
    let live = true;
    let p = firstMessages.get(postId);
    if (!p) {
      p = getMessage(postId, postId).catch(() => null);
      firstMessages.set(postId, p);
    }
    void p.then((x) => live && setM(x));
    return () => {
      live = false;
    };
  }, [postId]);
  return m;
}

function PostCard({ post, tags, forumId, guildId, active }: { post: Channel; tags: Map<string, ForumTag>; forumId: string; guildId: string; active: boolean }) {
  const first = useFirstMessage(post.id);
  const author = useStore((s) => (post.owner_id ? s.client.users[post.owner_id] : undefined));
  const member = useStore((s) => (post.owner_id ? s.client.guilds[guildId]?.members[post.owner_id] : undefined));
  const replies = post.message_count ?? 0;
  return (
    <li>
      <button type="button" className={`post-card${active ? ' active' : ''}`} onClick={() => openThread(forumId, post.id)} data-testid="post-card">
        {(post.applied_tags?.length ?? 0) > 0 && (
          <span className="post-tags">
            {post.applied_tags!.map((id) => {
              const tag = tags.get(id);
              return tag ? <TagChip key={id} tag={tag} /> : null;
            })}
          </span>
        )}
        <span className="post-title">{post.name}</span>
        <span className="post-preview">
          {author && <strong>{displayName(author, member)}: </strong>}
          {first === undefined ? '…' : (first?.content ?? '')}
        </span>
        <span className="post-meta muted small">
          <Icon name="thread" size={14} /> {replies} · {relativeTime(post.last_message_id ?? post.id)}
          {post.thread_metadata?.archived && ' · archived'}
        </span>
      </button>
    </li>
  );
}

function NewPostForm({ forum, onDone }: { forum: Channel; onDone: () => void }) {
  const [title, setTitle] = useState('');
  const [content, setContent] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const tags = forum.available_tags ?? [];
  const requireTag = ((forum.flags ?? 0) & ChannelFlags.REQUIRE_TAG) !== 0;

  const toggle = (id: string) =>
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : p.length >= MAX_APPLIED_TAGS ? p : [...p, id]));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (requireTag && picked.length === 0) return setError('Pick at least one tag.');
    setBusy(true);
    setError(null);
    try {
      const post = await createPost(forum.id, { name: title.trim(), content: content.trim(), applied_tags: picked });
      onDone();
      openThread(forum.id, post.id);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <form className="new-post" onSubmit={(e) => void submit(e)} aria-label="New post">
      <input autoFocus aria-label="Post title" placeholder="Title" maxLength={100} value={title} onChange={(e) => setTitle(e.target.value)} />
      <textarea aria-label="Post message" placeholder="Enter a message" maxLength={2000} rows={4} value={content} onChange={(e) => setContent(e.target.value)} />
      {tags.length > 0 && (
        <div className="tag-picker" role="group" aria-label="Tags">
          <span className="muted small">
            <Icon name="tag" size={14} /> Tags{requireTag ? ' (required)' : ''} · up to {MAX_APPLIED_TAGS}
          </span>
          {tags.map((t) => (
            <TagChip key={t.id} tag={t} selected={picked.includes(t.id)} onClick={() => toggle(t.id)} />
          ))}
        </div>
      )}
      {error && <p className="form-error">{error}</p>}
      <div className="new-post-actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy || !title.trim() || !content.trim()}>
          Post
        </button>
      </div>
    </form>
  );
}

export function ForumView({ guildId, channelId }: { guildId: string; channelId: string }) {
  const forum = useStore((s) => s.client.channels[channelId]);
  const channels = useStore((s) => s.client.channels);
  const openPost = useSidePanel((s) => (s.panel?.kind === 'thread' ? s.panel.threadId : null));
  const [archived, setArchived] = useState<Channel[]>([]);
  const [sort, setSort] = useState<Sort>(forum?.default_sort_order === 1 ? 'created' : 'activity');
  const [filter, setFilter] = useState<string[]>([]);
  const [composing, setComposing] = useState(false);

  useEffect(() => {
    let live = true;
    archivedThreads(channelId).then(
      (r) => live && setArchived(r.threads),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [channelId]);

  const tags = useMemo(() => new Map((forum?.available_tags ?? []).map((t) => [t.id, t])), [forum?.available_tags]);
  const posts = useMemo(() => {
    const active = Object.values(channels).filter((c) => c.parent_id === channelId && c.thread_metadata);
    const seen = new Set(active.map((c) => c.id));
    const all = [...active, ...archived.filter((c) => !seen.has(c.id))];
    const key = (c: Channel) => (sort === 'created' ? c.id : (c.last_message_id ?? c.id));
    return all
      .filter((c) => filter.every((t) => c.applied_tags?.includes(t)))
      .sort((a, b) => (BigInt(key(b)) > BigInt(key(a)) ? 1 : -1));
  }, [channels, archived, channelId, sort, filter]);

  if (!forum) return <main className="channel-view empty">Channel not found.</main>;
  const name = forum.name ?? 'forum';
  return (
    <main className="channel-view forum-view" aria-label={name}>
      <header className="channel-header">
        <button type="button" className="icon-button drawer-toggle" aria-label="Open channels" onClick={() => openDrawer('left')}>
          <Icon name="menu" size={22} />
        </button>
        <h1>
          <Icon name="forum" size={20} /> {name}
        </h1>
        {forum.topic && <p className="topic">{forum.topic}</p>}
        <SearchBox guildId={guildId} />
      </header>
      <ConnectionBanner />
      <div className="forum-scroller">
        <div className="forum-toolbar">
          {!composing && (
            <button type="button" className="primary new-post-button" onClick={() => setComposing(true)}>
              <Icon name="plus" size={16} /> New Post
            </button>
          )}
          <label className="forum-sort">
            <span className="muted small">Sort by</span>
            <select value={sort} onChange={(e) => setSort(e.target.value as Sort)} aria-label="Sort posts">
              <option value="activity">Recently Active</option>
              <option value="created">Date Posted</option>
            </select>
          </label>
        </div>
        {composing && <NewPostForm forum={forum} onDone={() => setComposing(false)} />}
        {tags.size > 0 && (
          <div className="tag-filter" role="group" aria-label="Filter by tag">
            {[...tags.values()].map((t) => (
              <TagChip key={t.id} tag={t} selected={filter.includes(t.id)} onClick={() => setFilter((f) => (f.includes(t.id) ? f.filter((x) => x !== t.id) : [...f, t.id]))} />
            ))}
          </div>
        )}
        {posts.length === 0 ? (
          <div className="forum-empty">
            <Icon name="forum" size={40} />
            <h2>{filter.length ? 'No posts with these tags' : 'There are no posts yet'}</h2>
            <p className="muted">{filter.length ? 'Try other tags.' : 'Be the first to start a conversation.'}</p>
          </div>
        ) : (
          <ul className="post-list" aria-label="Posts">
            {posts.map((p) => (
              <PostCard key={p.id} post={p} tags={tags} forumId={channelId} guildId={guildId} active={p.id === openPost} />
            ))}
          </ul>
        )}
      </div>
    </main>
  );
}
