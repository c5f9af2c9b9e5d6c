import { useState } from 'react';
import { useStore, navigate, setTheme } from '../../state/store';
import { initials } from '../../components/util';
import { CreateGuildDialog } from './CreateGuildDialog';
import { logout } from '../auth/session';
import { Icon } from '../../components/Icon';

export function GuildRail({ activeGuildId }: { activeGuildId: string | null }) {
  const guilds = useStore((s) => s.client.guilds);
  const theme = useStore((s) => s.theme);
  const [creating, setCreating] = useState(false);
  return (
    <nav className="guild-rail" aria-label="Servers">
      <ul>
        {Object.values(guilds).map((g) => (
          <li key={g.id}>
            <button
              type="button"
              className={`guild-icon${g.id === activeGuildId ? ' active' : ''}`}
              title={g.name}
              aria-label={g.name}
              aria-current={g.id === activeGuildId ? 'page' : undefined}
              onClick={() => navigate(`/channels/${g.id}`)}
            >
              {initials(g.name)}
            </button>
          </li>
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
