import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ChannelTypes, type Channel } from '@concord/protocol';
import { navigate, useStore } from '../../state/store';
import { closeDrawer } from '../layout/ui';
import { canManageChannels, groupChannels } from '../../state/selectors';
import { CreateChannelDialog } from './CreateChannelDialog';
import { InviteDialog } from '../invites/InviteDialog';
import { Icon } from '../../components/Icon';
import { ServerSettings } from '../settings/ServerSettings';
import { UserPanel } from '../presence/UserPanel';
import { canOpenSettings } from '../settings/actions';
import { LeaveServerDialog } from '../settings/LeaveServerDialog';
import { badgeText, channelUnread, followedThreads } from '../unread/unread';
import { openThread, useSidePanel } from '../threads/ui';
import { VoiceChannelMembers, VoicePanel } from '../voice/VoiceUi';
import { joinVoice } from '../voice/voice';

type Dialog = { kind: 'channel'; parentId: string | null } | { kind: 'category' } | { kind: 'invite' } | { kind: 'settings' } | { kind: 'leave' } | null;

function ChannelLink({ guildId, channelId, name, active, forum = false }: { guildId: string; channelId: string; name: string; active: boolean; forum?: boolean }) {
  const unread = useStore((s) => channelUnread(s.client, channelId).unread);
  const mentions = useStore((s) => channelUnread(s.client, channelId).mentions);
  return (
    <a
      href={`/channels/${guildId}/${channelId}`}
      className={`channel${active ? ' active' : ''}${unread && !active ? ' unread' : ''}`}
      data-testid="channel-link"
      data-unread={unread || undefined}
      aria-current={active ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        navigate(`/channels/${guildId}/${channelId}`);
        // On a phone the list is a drawer: picking a channel (even the open one) closes it.
        closeDrawer();
      }}
    >
      {forum ? <Icon name="forum" size={16} /> : <span aria-hidden="true">#</span>} <span className="channel-name">{name}</span>
      {mentions > 0 && (
        <span className="mention-badge" data-testid="channel-badge" aria-label={`${mentions} mentions`}>
          {badgeText(mentions)}
        </span>
      )}
    </a>
  );
}

/**
 * The threads the user follows in a channel, under it as on Discord (a spine from the parent, unread ones bright,
 * mentions with a badge). A click opens the parent with the thread in the side panel.
 */
function FollowedThreads({ guildId, parentId }: { guildId: string; parentId: string }) {
  const threads = useStore(useShallow((s) => followedThreads(s.client, parentId)));
  const openId = useSidePanel((s) => (s.panel?.kind === 'thread' && s.panel.parentId === parentId ? s.panel.threadId : null));
  if (threads.length === 0) return null;
  return (
    <ul className="followed-threads" aria-label="Threads">
      {threads.map((t) => (
        <li key={t.id}>
          <ThreadLink guildId={guildId} parentId={parentId} thread={t} active={t.id === openId} />
        </li>
      ))}
    </ul>
  );
}

function ThreadLink({ guildId, parentId, thread, active }: { guildId: string; parentId: string; thread: Channel; active: boolean }) {
  const unread = useStore((s) => channelUnread(s.client, thread.id).unread);
  const mentions = useStore((s) => channelUnread(s.client, thread.id).mentions);
  return (
    <a
      href={`/channels/${guildId}/${thread.id}`}
      className={`channel thread-link${active ? ' active' : ''}${unread && !active ? ' unread' : ''}`}
      data-testid="thread-link"
      data-unread={unread || undefined}
      aria-current={active ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        navigate(`/channels/${guildId}/${parentId}`);
        openThread(parentId, thread.id);
        closeDrawer();
      }}
    >
      <span className="channel-name">{thread.name}</span>
      {mentions > 0 && (
        <span className="mention-badge" data-testid="thread-badge" aria-label={`${mentions} mentions`}>
          {badgeText(mentions)}
        </span>
      )}
    </a>
  );
}

export function ChannelSidebar({ guildId, channelId }: { guildId: string; channelId: string | null }) {
  const guild = useStore((s) => s.client.guilds[guildId]);
  const allChannels = useStore((s) => s.client.channels);
  const me = useStore((s) => s.client.user);
  const [dialog, setDialog] = useState<Dialog>(null);
  const groups = useMemo(() => groupChannels((guild?.channelIds ?? []).map((id) => allChannels[id]).filter((c): c is Channel => Boolean(c))), [guild, allChannels]);
  if (!guild) return <aside className="sidebar" />;
  const manage = canManageChannels(guild, me?.id);
  const inviteChannel = channelId ?? groups.flatMap((g) => g.channels).find((c) => c.type === ChannelTypes.GUILD_TEXT)?.id;

  return (
    <aside className="sidebar" aria-label="Channels">
      <header className="sidebar-header">
        <h2 title={guild.name}>{guild.name}</h2>
        <div className="header-actions">
          {inviteChannel && (
            <button type="button" className="icon-button" title="Invite people" aria-label="Invite people" onClick={() => setDialog({ kind: 'invite' })}>
              <Icon name="invite" />
            </button>
          )}
          {canOpenSettings(guild, me?.id) && (
            <button type="button" className="icon-button" title="Server settings" aria-label="Server settings" onClick={() => setDialog({ kind: 'settings' })}>
              <Icon name="edit" />
            </button>
          )}
          {manage && (
            <button type="button" className="icon-button" title="Create category" aria-label="Create category" onClick={() => setDialog({ kind: 'category' })}>
              <Icon name="folder" />
            </button>
          )}
          {me && me.id !== guild.owner_id && (
            <button type="button" className="icon-button" title="Leave server" aria-label="Leave server" onClick={() => setDialog({ kind: 'leave' })}>
              <Icon name="logout" />
            </button>
          )}
        </div>
      </header>
      <div className="channel-groups">
        {groups.map((group) => (
          <section key={group.category?.id ?? 'none'} className="channel-group" aria-label={group.category?.name ?? 'Channels'}>
            {group.category && (
              <div className="category">
                <span>{group.category.name}</span>
                {manage && (
                  <button
                    type="button"
                    className="icon-button"
                    title={`Create channel in ${group.category.name}`}
                    aria-label={`Create channel in ${group.category.name}`}
                    onClick={() => setDialog({ kind: 'channel', parentId: group.category!.id })}
                  >
                    <Icon name="plus" size={16} />
                  </button>
                )}
              </div>
            )}
            <ul>
              {group.channels.map((c) => (
                <li key={c.id}>
                  {c.type === ChannelTypes.GUILD_TEXT || c.type === ChannelTypes.GUILD_FORUM || c.type === ChannelTypes.GUILD_MEDIA ? (
                    <>
                      <ChannelLink guildId={guildId} channelId={c.id} name={c.name ?? ''} active={c.id === channelId} forum={c.type !== ChannelTypes.GUILD_TEXT} />
                      <FollowedThreads guildId={guildId} parentId={c.id} />
                    </>
                  ) : c.type === ChannelTypes.GUILD_VOICE ? (
                    <>
                      <a
                        href={`/channels/${guildId}/${c.id}`}
                        className={`channel voice${c.id === channelId ? ' active' : ''}`}
                        aria-current={c.id === channelId ? 'page' : undefined}
                        onClick={(e) => {
                          e.preventDefault();
                          // As on Discord, a click joins the channel and opens it.
                          void joinVoice(guildId, c.id);
                          navigate(`/channels/${guildId}/${c.id}`);
                          closeDrawer();
                        }}
                      >
                        <Icon name="speaker" size={16} /> {c.name}
                      </a>
                      <VoiceChannelMembers guildId={guildId} channelId={c.id} />
                    </>
                  ) : (
                    <span className="channel">
                      <Icon name="speaker" size={16} /> {c.name}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          </section>
        ))}
        {manage && (
          <button type="button" className="link-button" onClick={() => setDialog({ kind: 'channel', parentId: null })}>
            + Create channel
          </button>
        )}
      </div>
      <VoicePanel />
      <UserPanel />
      {dialog?.kind === 'channel' && <CreateChannelDialog guildId={guildId} parentId={dialog.parentId} categories={groups.flatMap((g) => (g.category ? [g.category] : []))} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'category' && <CreateChannelDialog guildId={guildId} category onClose={() => setDialog(null)} />}
      {dialog?.kind === 'settings' && <ServerSettings guildId={guildId} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'leave' && <LeaveServerDialog guildId={guildId} name={guild.name} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'invite' && inviteChannel && <InviteDialog channelId={inviteChannel} guildName={guild.name} onClose={() => setDialog(null)} />}
    </aside>
  );
}
