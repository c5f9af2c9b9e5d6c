import { useState } from 'react';
import { useStore, navigate, setTheme } from '../../state/store';
import { initials } from '../../components/util';
import { CreateGuildDialog } from './CreateGuildDialog';
import { logout } from '../auth/session';
import { Icon } from '../../components/Icon';
import { Avatar } from '../../components/Avatar';
import { badgeText, channelUnread, guildUnread, markGuildRead } from '../unread/unread';
import { byActivity, conversationName } from '../home/names';

/** Discord's CDN path of a guild icon (`a_` hashes are GIFs, shown animated). */
export const guildIconUrl = (id: string, hash: string, size: number) => `/icons/${id}/${hash}.${hash.startsWith('a_') ? 'gif' : 'webp'}?size=${size}`;

function GuildIcon({ id, name, icon, active }: { id: string; name: string; icon: string | null; active: boolean }) {
  const unread = useStore((s) => guildUnread(s.client, id).unread);
  const mentions = useStore((s) => guildUnread(s.client, id).mentions);
  return (
    <li className="rail-item" data-testid="guild-icon" data-unread={unread || undefined}>
      {(active || unread) && <span className={`pill${active ? ' active' : ''}`} aria-hidden="true" />}
      <button
        type="button"
        className={`guild-icon${active ? ' active' : ''}`}
        title={name}
        aria-label={name}
        aria-current={active ? 'page' : undefined}
        onClick={() => navigate(`/channels/${id}`)}
        onContextMenu={(e) => {
          // A quick "mark as read" for the whole server, as Discord's context menu offers.
          if (!unread) return;
          e.preventDefault();
          markGuildRead(id);
        }}
      >
        {icon ? <img className="guild-icon-image" src={guildIconUrl(id, icon, 96)} alt="" draggable={false} /> : initials(name)}
      </button>
      {mentions > 0 && (
        <span className="mention-badge rail-badge" data-testid="guild-badge">
          {badgeText(mentions)}
        </span>
      )}
    </li>
  );
}

/** DMs with something unread sit under the home button, as on Discord, each with its count. */
function UnreadDms() {
  const channels = useStore((s) => s.client.channels);
  const client = useStore((s) => s.client);
  const waiting = Object.values(channels)
    .filter((c) => !c.guild_id && channelUnread(client, c.id).mentions > 0)
    .sort(byActivity)
    .slice(0, 5);
  return (
    <>
      {waiting.map((c) => (
        <li key={c.id} className="rail-item">
          <button type="button" className="guild-icon dm-icon" title={conversationName(client, c)} aria-label={`${conversationName(client, c)}, unread`} onClick={() => navigate(`/channels/@me/${c.id}`)}>
            <Avatar id={c.recipients?.[0]?.id ?? c.id} name={conversationName(client, c)} size={48} />
          </button>
          <span className="mention-badge rail-badge">{badgeText(channelUnread(client, c.id).mentions)}</span>
        </li>
      ))}
    </>
  );
}

export function GuildRail({ activeGuildId }: { activeGuildId: string | null }) {
  const guilds = useStore((s) => s.client.guilds);
  const theme = useStore((s) => s.theme);
  const [creating, setCreating] = useState(false);
  return (
    <nav className="guild-rail" aria-label="Servers">
      <ul>
        <li className="rail-item">
          {activeGuildId === null && <span className="pill active" aria-hidden="true" />}
          <button
            type="button"
            className={`guild-icon home-icon${activeGuildId === null ? ' active' : ''}`}
            title="Direct Messages"
            aria-label="Direct Messages"
            aria-current={activeGuildId === null ? 'page' : undefined}
            onClick={() => navigate('/channels/@me')}
          >
            <Icon name="at" size={26} />
          </button>
        </li>
        <UnreadDms />
        <li className="rail-separator" aria-hidden="true" />
        {Object.values(guilds).map((g) => (
          <GuildIcon key={g.id} id={g.id} name={g.name} icon={g.icon} active={g.id === activeGuildId} />
        ))}
        <li>
          <button type="button" className="guild-icon add" title="Create a server" aria-label="Create a server" onClick={() => setCreating(true)}>
            <Icon name="plus" size={24} />
          </button>
        </li>
      </ul>
      <div className="rail-bottom">
        <button
          type="button"
          className="guild-icon small"
          title={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
          aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
        >
          <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
        </button>
        <button type="button" className="guild-icon small" title="Log out" aria-label="Log out" onClick={() => void logout()}>
          <Icon name="logout" />
        </button>
      </div>
      {creating && <CreateGuildDialog onClose={() => setCreating(false)} />}
    </nav>
  );
}
