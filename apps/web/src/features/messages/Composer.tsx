import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
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
import { applySuggestion, findTrigger, rank, type Suggestion } from './autocomplete';
import { Suggestions } from './Suggestions';
import { searchEmoji } from '../emoji/data';
import { emojiMarkup, searchGuildEmoji } from '../emoji/custom';
import { ChannelTypes, OptionTypes } from '@concord/protocol';
import { entriesOf, entryName, matchEntry, parseOptions, pickerQuery, withFocus, type CommandEntry } from '../commands/parse';
import { clearAutocomplete, loadIndex, requestAutocomplete, runCommand, useCommands } from '../commands/state';
import { CommandHint, CommandList } from '../commands/CommandPicker';
import { UploadTray } from '../attachments/Attachments';
import { addFiles, takeFiles, useUploads } from '../attachments/uploads';
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
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const guild = useStore((s) => (guildId ? s.client.guilds[guildId] : undefined));
  const channels = useStore((s) => s.client.channels);
  const trigger = findTrigger(text, caret);
  const open = trigger && dismissed !== trigger.start ? trigger : null;
  const suggestions: Suggestion[] = !open
    ? []
    : open.kind === '@'
      ? [
          ...rank(
            Object.values(guild?.members ?? {}).filter((m) => m.user),
            (m) => [m.nick ?? '', m.user!.global_name ?? '', m.user!.username],
            open.query,
          ).map((m) => ({ key: `u${m.user!.id}`, label: displayName(m.user, m), detail: m.user!.username, insert: `<@${m.user!.id}>` })),
          ...rank(Object.values(guild?.roles ?? {}).filter((r) => r.id !== guild?.id), (r) => [r.name], open.query, 4).map((r) => ({
            key: `r${r.id}`,
            label: `@${r.name}`,
            detail: 'role',
            insert: `<@&${r.id}>`,
          })),
          ...['everyone', 'here'].filter((n) => n.startsWith(open.query.toLowerCase())).map((n) => ({ key: n, label: `@${n}`, insert: `@${n}` })),
        ]
      : open.kind === '#'
        ? rank(
            (guild?.channelIds ?? []).map((id) => channels[id]!).filter((c) => c && c.type === ChannelTypes.GUILD_TEXT),
            (c) => [c.name ?? ''],
            open.query,
          ).map((c) => ({ key: c.id, label: `#${c.name}`, insert: `<#${c.id}>` }))
        : [
            ...searchGuildEmoji(guild?.emojis ?? [], open.query, 4).map((e) => ({ key: e.id, label: `:${e.name}:`, detail: guild?.name, insert: emojiMarkup(e) })),
            ...searchEmoji(open.query, 8).map((e) => ({ key: e.char, label: `${e.char}  :${e.names[0]}:`, insert: e.char })),
          ].slice(0, 8);

  // Commands: `/` opens the picker; a picked command shows its options, their choices and autocomplete.
  const isCommand = text.startsWith('/');
  const index = useCommands((s) => s.index[channelId]);
  const autocomplete = useCommands((s) => s.autocomplete);
  const [attempted, setAttempted] = useState(false);
  useEffect(() => {
    if (isCommand) void loadIndex(channelId);
  }, [isCommand, channelId]);
  const entries = useMemo(() => entriesOf(index?.application_commands ?? []), [index]);
  const matched = isCommand ? matchEntry(text, entries) : null;
  const parsed = matched ? parseOptions(matched.entry, matched.rest) : null;
  const query = isCommand ? pickerQuery(text) : null;
  const pickerItems: CommandEntry[] =
    query !== null && !(matched && (matched.rest !== '' || text.endsWith(' ')))
      ? entries.filter((e) => entryName(e).startsWith(query.toLowerCase())).slice(0, 25)
      : [];
  const current = parsed?.current ?? null;
  const focusedAuto = current && current.option.autocomplete ? current : null;
  useEffect(() => {
    if (!focusedAuto || !parsed || !matched) return;
    const t = setTimeout(() => void requestAutocomplete(channelId, matched.entry.command, withFocus(parsed, focusedAuto.option.name, focusedAuto.value)), 250);
    return () => clearTimeout(t);
  }, [focusedAuto?.option.name, focusedAuto?.value, matched?.entry.command.id]);
  useEffect(() => {
    if (!focusedAuto) clearAutocomplete();
  }, [Boolean(focusedAuto)]);
  const valueSuggestions: Suggestion[] = !current
    ? []
    : current.option.choices?.length
      ? rank(current.option.choices, (c) => [c.name], current.value).map((c) => ({ key: `c${c.name}`, label: c.name, insert: c.name }))
      : current.option.autocomplete
        ? (autocomplete?.choices ?? []).map((c) => ({ key: `a${c.name}`, label: c.name, insert: String(c.value) }))
        : current.option.type === OptionTypes.USER || current.option.type === OptionTypes.MENTIONABLE
          ? rank(
              Object.values(guild?.members ?? {}).filter((m) => m.user),
              (m) => [m.nick ?? '', m.user!.global_name ?? '', m.user!.username],
              current.value.replace(/^@/, ''),
              6,
            ).map((m) => ({ key: `u${m.user!.id}`, label: displayName(m.user, m), detail: m.user!.username, insert: `<@${m.user!.id}>` }))
          : current.option.type === OptionTypes.CHANNEL
            ? rank(
                (guild?.channelIds ?? []).map((id) => channels[id]!).filter((c) => c && c.type !== ChannelTypes.GUILD_CATEGORY),
                (c) => [c.name ?? ''],
                current.value.replace(/^#/, ''),
                6,
              ).map((c) => ({ key: c.id, label: `#${c.name}`, insert: `<#${c.id}>` }))
            : [];
  const valueShown = valueSuggestions.length > 0 && !/^<[@#]/.test(current?.value ?? '') && dismissed !== -1;
  const listLength = pickerItems.length > 0 ? pickerItems.length : valueShown ? valueSuggestions.length : suggestions.length;
  const shown = !isCommand && suggestions.length > 0;
  const activeIndex = Math.min(active, Math.max(0, listLength - 1));

  function pickCommand(e: CommandEntry) {
    const next = `/${entryName(e)} ${e.options.find((o) => o.required) ? `${e.options.find((o) => o.required)!.name}:` : ''}`;
    setText(next);
    setCaret(next.length);
    setActive(0);
    setAttempted(false);
    requestAnimationFrame(() => ref.current?.setSelectionRange(next.length, next.length));
  }

  function pickValue(v: Suggestion) {
    if (!current) return;
    // The value being typed is at the end: replace it, and offer the next option not given yet.
    const base = text.slice(0, text.length - current.value.length);
    const given = new Set([...(parsed?.entry.options ?? [])].filter((o) => new RegExp(`(^|\\s)${o.name}:`).test(base)).map((o) => o.name));
    const nextOption = parsed?.entry.options.find((o) => o.required && !given.has(o.name) && o.name !== current.option.name);
    const next = `${base}${v.insert} ${nextOption ? `${nextOption.name}:` : ''}`;
    setText(next);
    setCaret(next.length);
    setActive(0);
    clearAutocomplete();
    requestAnimationFrame(() => ref.current?.setSelectionRange(next.length, next.length));
  }

  async function runTyped() {
    if (!parsed) return;
    setAttempted(true);
    if (parsed.errors.length > 0) return;
    const ok = await runCommand(channelId, parsed.entry.command, parsed.options);
    if (ok) {
      setText('');
      setAttempted(false);
      onSent();
    }
  }

  function pick(s: Suggestion) {
    if (!open) return;
    const next = applySuggestion(text, caret, open, s);
    setText(next.text);
    setCaret(next.caret);
    setActive(0);
    requestAnimationFrame(() => ref.current?.setSelectionRange(next.caret, next.caret));
  }

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
  const files = useUploads((s) => s.byChannel[channelId]);
  const uploading = (files ?? []).some((f) => f.status === 'uploading');
  // Files that did not upload (offline) go with the message all the same: the outbox uploads them once online.
  const ready = (files ?? []).length > 0;
  const fileInput = useRef<HTMLInputElement>(null);

  function send() {
    if (isCommand && parsed) {
      void runTyped();
      return;
    }
    if ((!content && !ready) || over || waiting || uploading) return;
    const emojis = guildId ? (getState().client.guilds[guildId]?.emojis ?? []) : [];
    enqueue(channelId, replaceShortcodes(content, emojis), reply, ready ? takeFiles(channelId) : undefined);
    if (reply) cancelReply(channelId);
    if (slowmode > 0) setState((s) => ({ slowmode: { ...s.slowmode, [channelId]: Date.now() + slowmode * 1000 } }));
    setText('');
    resetTyping();
    onSent();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    const commandList = pickerItems.length > 0 ? 'commands' : valueShown ? 'values' : null;
    if (commandList) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((activeIndex + (e.key === 'ArrowDown' ? 1 : listLength - 1)) % listLength);
        return;
      }
      if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
        e.preventDefault();
        if (commandList === 'commands') pickCommand(pickerItems[activeIndex]!);
        else pickValue(valueSuggestions[activeIndex]!);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        if (commandList === 'commands') setText('');
        else setDismissed(-1);
        return;
      }
    }
    if (shown && open) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = suggestions.length;
        setActive((activeIndex + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
        return;
      }
      if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
        e.preventDefault();
        pick(suggestions[activeIndex]!);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setDismissed(open.start);
        return;
      }
    }
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
      {pickerItems.length > 0 && <CommandList entries={pickerItems} apps={index?.applications ?? []} active={activeIndex} onPick={pickCommand} />}
      {pickerItems.length === 0 && valueShown && <Suggestions items={valueSuggestions} active={activeIndex} title={current?.option.name ?? 'Options'} onPick={pickValue} />}
      {pickerItems.length === 0 && !valueShown && parsed && (
        <CommandHint parsed={parsed} app={index?.applications.find((a) => a.id === parsed.entry.command.application_id)} showErrors={attempted} />
      )}
      {isCommand && query !== null && pickerItems.length === 0 && !parsed && index && (
        <div className="command-hint" data-testid="command-hint">
          <span className="muted">{index.application_commands.length ? 'No command matches.' : 'No apps with commands here.'}</span>
        </div>
      )}
      {shown && open && (
        <Suggestions
          items={suggestions}
          active={activeIndex}
          title={open.kind === '@' ? 'Members' : open.kind === '#' ? 'Text channels' : 'Emoji matching'}
          onPick={pick}
        />
      )}
      <ReplyBar channelId={channelId} />
      <UploadTray channelId={channelId} />
      <form
        className={`composer${reply ? ' replying' : ''}`}
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <button type="button" className="icon-button composer-attach" aria-label="Upload a file" title="Upload a file" onClick={() => fileInput.current?.click()}>
          <Icon name="attach" size={22} />
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          data-testid="file-input"
          onChange={(e) => {
            if (e.target.files) addFiles(channelId, e.target.files);
            e.target.value = '';
          }}
        />
        <textarea
          ref={ref}
          onPaste={(e) => {
            // A pasted screenshot or copied file is an upload; pasted text stays text.
            if (e.clipboardData.files.length > 0) {
              e.preventDefault();
              addFiles(channelId, e.clipboardData.files);
            }
          }}
          rows={1}
          name="message"
          aria-label={`Message ${channelName}`}
          aria-describedby="composer-count"
          placeholder={`Message ${channelName}`}
          value={text}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
            setActive(0);
            setAttempted(false);
            if (dismissed === -1) setDismissed(null);
            // Running a command is not typing a message.
            if (e.target.value.trim() && !e.target.value.startsWith('/')) typed(channelId);
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
              guildId={guildId}
              onPick={(picked) => {
                setPicking(false);
                setText(text + picked.text);
                ref.current?.focus();
              }}
              onClose={() => setPicking(false)}
            />
          )}
        </span>
        <button
          type="submit"
          className="send"
          disabled={isCommand && parsed ? false : (!content && !ready) || over || waiting || uploading}
          aria-label={isCommand && parsed ? 'Run command' : uploading ? 'Uploading…' : 'Send message'}
        >
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
