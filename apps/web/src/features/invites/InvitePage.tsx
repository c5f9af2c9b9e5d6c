import { useEffect, useState } from 'react';
import type { Invite } from '@concord/protocol';
import { describeError, rest } from '../../state/api';
import { navigate, useStore } from '../../state/store';
import { AFTER_LOGIN_KEY } from '../auth/AuthPage';

/** /invite/:code — shows where the link leads; accepting needs an account, so visitors log in first and come back. */
export function InvitePage({ code }: { code: string }) {
  const token = useStore((s) => s.token);
  const guilds = useStore((s) => s.client.guilds);
  const [invite, setInvite] = useState<Invite | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    rest.getInvite(code).then(setInvite, (err: unknown) => setError(describeError(err)));
  }, [code]);

  const guildId = invite?.guild?.id;
  const alreadyMember = guildId ? Boolean(guilds[guildId]) : false;

  async function accept() {
    if (!token) {
      sessionStorage.setItem(AFTER_LOGIN_KEY, `/invite/${code}`);
      navigate('/register');
      return;
    }
    setBusy(true);
    try {
      await rest.acceptInvite(code);
      navigate(`/channels/${guildId}${invite?.channel ? `/${invite.channel.id}` : ''}`, true);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <main className="auth">
      <div className="auth-card" aria-live="polite">
        {error && <h1>This invite is invalid or has expired.</h1>}
        {error && <p className="form-error">{error}</p>}
        {!error && !invite && <p>Loading invite…</p>}
        {invite && (
          <>
            <p className="muted">You have been invited to join</p>
            <h1 data-testid="invite-guild-name">{invite.guild?.name}</h1>
            {invite.channel?.name && <p className="muted">#{invite.channel.name}</p>}
            {alreadyMember ? (
              <button type="button" className="primary" onClick={() => navigate(`/channels/${guildId}`, true)}>
                Open server
              </button>
            ) : (
              <button type="button" className="primary" disabled={busy} onClick={() => void accept()}>
                {token ? 'Accept invite' : 'Register to join'}
              </button>
            )}
            {!token && (
              <p className="muted">
                Have an account?{' '}
                <a
                  href="/login"
                  onClick={(e) => {
                    e.preventDefault();
                    sessionStorage.setItem(AFTER_LOGIN_KEY, `/invite/${code}`);
                    navigate('/login');
                  }}
                >
                  Log in
                </a>
              </p>
            )}
          </>
        )}
      </div>
    </main>
  );
}
