import { useState, type FormEvent } from 'react';
import { describeError, rest } from '../../state/api';
import { navigate, saveToken } from '../../state/store';

/** Where to go after logging in: back to an invite the visitor opened, or the app. */
export const AFTER_LOGIN_KEY = 'concord.afterLogin';

export function AuthPage({ mode }: { mode: 'login' | 'register' }) {
  const [email, setEmail] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const auth = mode === 'register' ? await rest.register({ email, username, password }) : await rest.login({ login: email, password });
      rest.token = auth.token;
      saveToken(auth.token);
      const next = sessionStorage.getItem(AFTER_LOGIN_KEY);
      sessionStorage.removeItem(AFTER_LOGIN_KEY);
      navigate(next ?? '/channels/@me', true);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  const other = mode === 'login' ? '/register' : '/login';
  return (
    <main className="auth">
      <form className="auth-card" onSubmit={(e) => void submit(e)} aria-labelledby="auth-title">
        <h1 id="auth-title">{mode === 'login' ? 'Welcome back' : 'Create an account'}</h1>
        <label>
          {mode === 'login' ? 'Email or username' : 'Email'}
          <input
            name="email"
            type={mode === 'login' ? 'text' : 'email'}
            autoComplete={mode === 'login' ? 'username' : 'email'}
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        {mode === 'register' && (
          <label>
            Username
            <input
              name="username"
              autoComplete="username"
              required
              minLength={2}
              maxLength={32}
              pattern="[a-zA-Z0-9_.]+"
              title="Letters, numbers, underscores and periods"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </label>
        )}
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            minLength={mode === 'register' ? 8 : 1}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {mode === 'login' ? 'Log in' : 'Register'}
        </button>
        <p className="muted">
          {mode === 'login' ? 'Need an account? ' : 'Already have an account? '}
          <a
            href={other}
            onClick={(e) => {
              e.preventDefault();
              navigate(other);
            }}
          >
            {mode === 'login' ? 'Register' : 'Log in'}
          </a>
        </p>
      </form>
    </main>
  );
}
