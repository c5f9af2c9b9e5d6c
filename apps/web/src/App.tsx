import { useEffect, useMemo } from 'react';
import { ChannelTypes, type Channel } from '@concord/protocol';
import { navigate, useStore } from './state/store';
import { connectGateway, disconnectGateway } from './gateway/dispatch';
import { AuthPage } from './features/auth/AuthPage';
import { InvitePage } from './features/invites/InvitePage';
import { GuildRail } from './features/guilds/GuildRail';
import { ChannelSidebar } from './features/channels/ChannelSidebar';
import { ChannelView } from './features/channels/ChannelView';
import { MemberList } from './features/members/MemberList';
import { Notices } from './components/Notices';
import { InteractionModal } from './features/commands/ModalDialog';
import { ConnectionBanner } from './components/ConnectionBanner';
import { firstTextChannel } from './state/selectors';
import { closeDrawer, openDrawer, useLayout } from './features/layout/ui';
import { Icon } from './components/Icon';
import { ThreadPanel } from './features/threads/ThreadPanel';
import { SearchPanel } from './features/search/SearchResults';
import { useSidePanel } from './features/threads/ui';
import { HomeSidebar } from './features/home/HomeSidebar';
import { FriendsPage } from './features/home/FriendsPage';
import { GroupMembers } from './features/home/GroupMembers';
import { titlePrefix } from './features/unread/unread';
import { UserPopout } from './features/profile/UserPopout';
import { jumpTo } from './features/messages/ui';
import './features/home/home.css';
import './features/layout/layout.css';

type Route =
  | { name: 'login' | 'register' }
  | { name: 'invite'; code: string }
  | { name: 'channels'; guildId: string | null; channelId: string | null; messageId?: string };

function parse(path: string): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'login' || parts[0] === 'register') return { name: parts[0] };
  if (parts[0] === 'invite' && parts[1]) return { name: 'invite', code: parts[1] };
  // A fourth part is a message link's message: the channel opens scrolled to it.
  if (parts[0] === 'channels' && parts[1] && parts[1] !== '@me') return { name: 'channels', guildId: parts[1], channelId: parts[2] ?? null, messageId: parts[3] };
  // Home: the friends page, or a DM / group DM.
  return { name: 'channels', guildId: null, channelId: parts[0] === 'channels' ? (parts[2] ?? null) : null, messageId: parts[0] === 'channels' ? parts[3] : undefined };
}

export function App() {
  const path = useStore((s) => s.path);
  const token = useStore((s) => s.token);
  const theme = useStore((s) => s.theme);
  const route = parse(path);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    if (!token) return;
    connectGateway(token);
    return () => disconnectGateway();
  }, [token]);

  // Logged in on /login or /register: go to the app.
  const loggedInOnAuthPage = Boolean(token) && (route.name === 'login' || route.name === 'register');
  useEffect(() => {
    if (loggedInOnAuthPage) navigate('/channels/@me', true);
  }, [loggedInOnAuthPage]);

  if (route.name === 'invite') {
    return (
      <>
        <InvitePage code={route.code} />
        <Notices />
      </>
    );
  }
  if (loggedInOnAuthPage) return null;
  if (!token || route.name !== 'channels') {
    return (
      <>
        <AuthPage mode={route.name === 'register' ? 'register' : 'login'} />
        <Notices />
      </>
    );
  }
  return (
    <>
      <Shell guildId={route.guildId} channelId={route.channelId} messageId={route.messageId} />
      <UserPopout />
      <InteractionModal />
      <Notices />
    </>
  );
}

function Shell({ guildId, channelId, messageId }: { guildId: string | null; channelId: string | null; messageId?: string }) {
  const user = useStore((s) => s.client.user);
  const guild = useStore((s) => (guildId ? s.client.guilds[guildId] : undefined));
  const drawer = useLayout((s) => s.drawer);
  const panel = useSidePanel((s) => (s.panel && (s.panel.kind === 'search' ? s.panel.guildId === guildId : s.panel.parentId === channelId) ? s.panel.kind : null));
  const connected = useStore((s) => s.connection.state === 'ready');
  const expectedGuilds = useLayout((s) => s.expectedGuilds);
  const groupMembersHidden = useLayout((s) => s.groupMembersHidden);
  // A guild READY did not announce will not arrive: the address is wrong, or the reader is not a member.
  const unknownGuild = Boolean(guildId) && !guild && connected && !expectedGuilds.has(guildId!);
  const channels = useStore((s) => s.client.channels);
  const groupOpen = !guildId && Boolean(channelId) && channels[channelId!]?.type === ChannelTypes.GROUP_DM;
  const defaultChannel = useMemo(
    () => (guild ? firstTextChannel(guild.channelIds.map((id) => channels[id]).filter((c): c is Channel => Boolean(c))) : undefined),
    [guild, channels],
  );

  // The tab shows where something waits: "(N)" mentions, or "•" when only unread.
  const prefix = useStore((s) => titlePrefix(s.client));
  useEffect(() => {
    const base = document.title.replace(/^(\(\d+\+?\) |• )/, '');
    document.title = prefix + base;
  });

  // Picking a channel (or a server) on a phone closes the drawer it was picked from.
  useEffect(() => closeDrawer(), [guildId, channelId]);

  // A message link (opened, or clicked in a message): once the channel is known, its list jumps to the message.
  const channelKnown = Boolean(channelId && channels[channelId]);
  useEffect(() => {
    if (channelKnown && messageId && /^\d{1,20}$/.test(messageId)) jumpTo(channelId!, messageId);
  }, [channelKnown, channelId, messageId]);

  // A guild without a channel in the address opens its first text channel.
  useEffect(() => {
    if (guild && !channelId && defaultChannel) navigate(`/channels/${guild.id}/${defaultChannel.id}`, true);
  }, [guild, channelId, defaultChannel]);

  if (!user) {
    return (
      <div className="loading-screen">
        <ConnectionBanner />
        <p>Loading Concord…</p>
      </div>
    );
  }
  return (
    <div className={`shell${guildId && guild ? '' : guildId ? ' home' : ' dm-home'}${groupOpen && !groupMembersHidden ? ' with-members' : ''}${drawer ? ` drawer-${drawer}` : ''}${panel && guild ? ' panel-open' : ''}`}>
      <button type="button" className="drawer-backdrop" aria-label="Close" tabIndex={-1} onClick={closeDrawer} />
      <GuildRail activeGuildId={guildId} />
      {!guildId ? (
        <>
          <HomeSidebar channelId={channelId} />
          {channelId && channels[channelId] && !channels[channelId]!.guild_id ? (
            <>
              <ChannelView guildId={null} channelId={channelId} />
              {groupOpen && <GroupMembers channelId={channelId} />}
            </>
          ) : channelId ? (
            <main className="channel-view empty">
              <button type="button" className="icon-button drawer-toggle" aria-label="Open conversations" onClick={() => openDrawer('left')}>
                <Icon name="menu" size={22} />
              </button>
              <ConnectionBanner />
              <p>{connected ? 'This conversation does not exist or you are not in it.' : 'Loading…'}</p>
            </main>
          ) : (
            <FriendsPage />
          )}
        </>
      ) : guild ? (
        <>
          <ChannelSidebar guildId={guildId} channelId={channelId} />
          {channelId && channels[channelId] ? (
            <ChannelView guildId={guildId} channelId={channelId} />
          ) : (
            <main className="channel-view empty">
              <button type="button" className="icon-button drawer-toggle" aria-label="Open channels" onClick={() => openDrawer('left')}>
                <Icon name="menu" size={22} />
              </button>
              <ConnectionBanner />
              <p>{channelId ? 'This channel does not exist or you cannot see it.' : 'Pick a channel.'}</p>
              {channelId && defaultChannel && (
                <p>
                  <a href={`/channels/${guildId}/${defaultChannel.id}`} onClick={(e) => (e.preventDefault(), navigate(`/channels/${guildId}/${defaultChannel.id}`))}>
                    Open #{defaultChannel.name}
                  </a>
                </p>
              )}
            </main>
          )}
          {panel === 'search' ? <SearchPanel guildId={guildId} /> : panel ? <ThreadPanel guildId={guildId} channelId={channelId} /> : <MemberList guildId={guildId} />}
        </>
      ) : (
        <main className="channel-view empty home">
          <ConnectionBanner />
          {guildId && unknownGuild ? (
            <>
              <h1>Server not found</h1>
              <p className="muted">This server does not exist, or you are not a member of it.</p>
              <p>
                <a href="/channels/@me" onClick={(e) => (e.preventDefault(), navigate('/channels/@me'))}>
                  Go home
                </a>
              </p>
            </>
          ) : (
            <p>Loading server…</p>
          )}
        </main>
      )}
    </div>
  );
}
