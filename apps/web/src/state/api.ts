/** The REST client shared by the app, and the one place that turns its errors into words. */
import { NetworkError, RestClient, RestError } from '@concord/client';
import { getState, notify } from './store';

export const rest = new RestClient({
  // Served by the Concord server itself (or Vite's proxy in development): same origin.
  baseUrl: '',
  token: getState().token,
  maxRateLimitRetries: 1,
  maxRateLimitWaitMs: 3000,
  onRateLimited: ({ retryAfterMs, willRetry }) => {
    if (willRetry) notify(`Slow down: retrying in ${(retryAfterMs / 1000).toFixed(1)} s.`);
  },
});

export function describeError(err: unknown): string {
  if (err instanceof RestError) {
    if (err.status === 429) return `You are doing that too fast. Try again in ${((err.retryAfterMs ?? 1000) / 1000).toFixed(1)} s.`;
    if (err.code === 200000) return 'AutoMod blocked this message.';
    if (err.status === 403) return "You don't have permission to do that.";
    if (err.status === 401) return 'Your session has expired. Log in again.';
    // "login: Login or password is invalid." reads better without the field's name.
    return err.detail.replace(/^[\w.]+: /, '');
  }
  if (err instanceof NetworkError) return "Can't reach the server. Check your connection.";
  return err instanceof Error ? err.message : String(err);
}

/** For actions whose failure the user should hear about as a short notice. */
export function reportError(err: unknown): void {
  if ((err as { name?: string }).name === 'AbortError') return;
  notify(describeError(err));
}
