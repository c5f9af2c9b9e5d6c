import { useMemo, useState } from 'react';
import { ProfileDialog } from '../attachments/ProfileDialog';
import { ChannelTypes, type Channel } from '@concord/protocol';
import { navigate, useStore } from '../../state/store';
import { closeDrawer } from '../layout/ui';
import { canManageChannels, groupChannels } from '../../state/selectors';
import { CreateChannelDialog } from './CreateChannelDialog';
import { InviteDialog } from '../invites/InviteDialog';
import { displayName } from '../../components/util';
import { Avatar } from '../../components/Avatar';
import { Icon } from '../../components/Icon';
import { ServerSettings } from '../settings/ServerSettings';
import { canOpenSettings } from '../settings/actions';

type Dialog = { kind: 'channel'; parentId: string | null } | { kind: 'category' } | { kind: 'invite' } | { kind: 'settings' } | null;

export function ChannelSidebar({ guildId, channelId }: { guildId: string; channelId: string | null }) {
  const guild = useStore((s) => s.client.guilds[guildId]);
  const allChannels = useStore((s) => s.client.channels);
  const me = useStore((s) => s.client.user);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [profileOpen, setProfileOpen] = useState(false);
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
                  {c.type === ChannelTypes.GUILD_TEXT ? (
                    <a
                      href={`/channels/${guildId}/${c.id}`}
                      className={`channel${c.id === channelId ? ' active' : ''}`}
                      aria-current={c.id === channelId ? 'page' : undefined}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(`/channels/${guildId}/${c.id}`);
                        // On a phone the list is a drawer: picking a channel (even the open one) closes it.
                        closeDrawer();
                      }}
                    >
                      <span aria-hidden="true">#</span> {c.name}
                    </a>
                  ) : (
                    <span className="channel voice" title="Voice channels are not supported in this client yet">
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
      {me && (
        <footer className="me">
          <button type="button" className="me-avatar" aria-label="Change avatar" title="Change avatar" onClick={() => setProfileOpen(true)}>
            <Avatar id={me.id} name={displayName(me)} size={32} />
          </button>
          <span className="me-name">{displayName(me)}</span>
        </footer>
      )}
      {profileOpen && <ProfileDialog onClose={() => setProfileOpen(false)} />}
      {dialog?.kind === 'channel' && <CreateChannelDialog guildId={guildId} parentId={dialog.parentId} categories={groups.flatMap((g) => (g.category ? [g.category] : []))} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'category' && <CreateChannelDialog guildId={guildId} category onClose={() => setDialog(null)} />}
      {dialog?.kind === 'settings' && <ServerSettings guildId={guildId} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'invite' && inviteChannel && <InviteDialog channelId={inviteChannel} guildName={guild.name} onClose={() => setDialog(null)} />}
    </aside>
  );
}
