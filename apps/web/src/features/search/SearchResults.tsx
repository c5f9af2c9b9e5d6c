/**
 * Search results in the side panel: the total, messages grouped by channel with the matched words marked,
 * pages of 25; a result jumps to its message in history (loading around it), in its thread when it is in one.
 */
import { Fragment, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Channel, Message } from '@concord/protocol';
import { Icon } from '../../components/Icon';
import { displayName, formatTime } from '../../components/util';
import { describeError, rest } from '../../state/api';
import { getState, navigate, useStore } from '../../state/store';
import { jumpTo } from '../messages/ui';
import { PanelHeader } from '../threads/ThreadPanel';
import { openSearch, openThread, useSidePanel } from '../threads/ui';
import { parseQuery } from './query';
import './search.css';

const PAGE = 25;

interface Answer {
  total_results: number;
  messages: Message[][];
  threads: Channel[];
}

/** The text with each searched word marked, case and accents folded as the server matches. */
function highlight(text: string, words: string[]): ReactNode {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const folded = fold(text);
  // Folding can change lengths (rarely); then nothing is marked rather than the wrong part.
  if (folded.length !== text.length || words.length === 0) return text;
  const marks: [number, number][] = [];
  for (const w of words.map(fold).filter(Boolean)) {
    for (let i = folded.indexOf(w); i >= 0; i = folded.indexOf(w, i + w.length)) marks.push([i, i + w.length]);
  }
  if (marks.length === 0) return text;
  marks.sort((a, b) => a[0] - b[0]);
  const out: ReactNode[] = [];
  let at = 0;
  for (const [s, e] of marks) {
    if (s < at) continue;
    out.push(text.slice(at, s), <mark key={s}>{text.slice(s, e)}</mark>);
    at = e;
  }
  out.push(text.slice(at));
  return out;
}

function Result({ m, guildId, words, onJump }: { m: Message; guildId: string; words: string[]; onJump: () => void }) {
  const member = useStore((s) => s.client.guilds[guildId]?.members[m.author.id]);
  const at = Date.parse(m.timestamp);
  return (
    <li>
      <button type="button" className="search-result" onClick={onJump} data-testid="search-result" title="Jump to the message">
        <header>
          <span className="author">{displayName(m.author, member)}</span>
          <time className="muted small">
            {new Date(at).toLocaleDateString()} {formatTime(at)}
          </time>
        </header>
        <div className="content">{highlight(m.content, words)}</div>
        <span className="jump-hint small">Jump</span>
      </button>
    </li>
  );
}

export function SearchResults({ guildId, query, offset }: { guildId: string; query: string; offset: number }) {
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const channels = useStore((s) => s.client.channels);

  const parsed = useMemo(() => {
    const s = getState().client;
    const guild = s.guilds[guildId];
    const fold = (x: string) => x.toLowerCase();
    return parseQuery(query, {
      user: (name) =>
        Object.keys(guild?.members ?? {}).find((id) => {
          const u = s.users[id] ?? guild?.members[id]?.user;
          return u && (fold(u.username) === fold(name) || (u.global_name && fold(u.global_name) === fold(name)));
        }),
      channel: (name) => guild?.channelIds.find((id) => fold(s.channels[id]?.name ?? '') === fold(name)),
    });
  }, [guildId, query]);

  useEffect(() => {
    setAnswer(null);
    setError(null);
    if (!parsed.ok) return setError(parsed.error);
    let live = true;
    const params = new URLSearchParams(parsed.params);
    params.set('offset', String(offset));
    params.set('limit', String(PAGE));
    const load = (tries: number): void => {
      rest.request<Answer>('GET', `/guilds/${guildId}/messages/search?${params.toString()}`).then(
        (a) => {
          if (!live) return;
          // 202 while the index is being built: Discord's clients wait and ask again.
          if (!('messages' in a) && tries > 0) return void setTimeout(() => live && load(tries - 1), 2000);
          setAnswer(a);
        },
        (err: unknown) => live && setError(describeError(err)),
      );
    };
    load(5);
    return () => {
      live = false;
    };
  }, [parsed, guildId, offset]);

  const groups = useMemo(() => {
    const out: { channelId: string; messages: Message[] }[] = [];
    for (const [m] of answer?.messages ?? []) {
      if (!m) continue;
      const last = out[out.length - 1];
      if (last?.channelId === m.channel_id) last.messages.push(m);
      else out.push({ channelId: m.channel_id, messages: [m] });
    }
    return out;
  }, [answer]);

  function jump(m: Message) {
    const thread = answer?.threads.find((t) => t.id === m.channel_id) ?? (channels[m.channel_id]?.thread_metadata ? channels[m.channel_id] : undefined);
    if (thread?.parent_id) {
      navigate(`/channels/${guildId}/${thread.parent_id}`);
      openThread(thread.parent_id, thread.id);
    } else {
      navigate(`/channels/${guildId}/${m.channel_id}`);
      // The results stay open beside the channel, as on Discord.
      openSearch(guildId, query, offset);
    }
    jumpTo(m.channel_id, m.id);
  }

  const words = parsed.ok ? parsed.words : [];
  const total = answer?.total_results ?? 0;
  const channelName = (id: string) => {
    const c = channels[id] ?? answer?.threads.find((t) => t.id === id);
    return c?.name ?? 'unknown';
  };
  return (
    <>
      <PanelHeader title={answer ? `${total.toLocaleString()} ${total === 1 ? 'Result' : 'Results'}` : 'Searching…'} icon="search" />
      <div className="search-results" data-testid="search-results">
        {error && <p className="form-error">{error}</p>}
        {answer && total === 0 && (
          <div className="search-empty">
            <Icon name="search" size={40} />
            <p>No results found. Try other words or filters.</p>
          </div>
        )}
        {groups.map((g, i) => (
          <Fragment key={`${g.channelId}-${i}`}>
            <h3 className="result-channel">
              {channels[g.channelId]?.thread_metadata || answer?.threads.some((t) => t.id === g.channelId) ? <Icon name="thread" size={14} /> : <span aria-hidden="true">#</span>}{' '}
              {channelName(g.channelId)}
            </h3>
            <ul>
              {g.messages.map((m) => (
                <Result key={m.id} m={m} guildId={guildId} words={words} onJump={() => jump(m)} />
              ))}
            </ul>
          </Fragment>
        ))}
        {answer && total > PAGE && (
          <nav className="search-pages" aria-label="Result pages">
            <button type="button" disabled={offset === 0} onClick={() => openSearch(guildId, query, Math.max(0, offset - PAGE))}>
              Back
            </button>
            <span className="muted small">
              Page {offset / PAGE + 1} of {Math.ceil(Math.min(total, 5000) / PAGE)}
            </span>
            <button type="button" disabled={offset + PAGE >= Math.min(total, 5000)} onClick={() => openSearch(guildId, query, offset + PAGE)}>
              Next
            </button>
          </nav>
        )}
      </div>
    </>
  );
}

/** The search side panel when one is open for this guild. */
export function SearchPanel({ guildId }: { guildId: string }) {
  const panel = useSidePanel((s) => (s.panel?.kind === 'search' && s.panel.guildId === guildId ? s.panel : null));
  if (!panel) return null;
  return (
    <aside className="side-panel search-panel" aria-label="Search results">
      <SearchResults key={`${panel.query}|${panel.offset}`} guildId={guildId} query={panel.query} offset={panel.offset} />
    </aside>
  );
}
