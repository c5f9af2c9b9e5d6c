import argon2 from 'argon2';
import { type LoginBody, type RegisterBody } from '@concord/protocol';
import { errors } from '../../lib/errors.js';
import { UniqueViolation } from '../../store/db.js';
import { RateLimitedError } from '../../http/ratelimit.js';
import type { Deps } from '../deps.js';
import type { UserRecord } from '../users/store.js';
import { hashToken, newToken } from './tokens.js';

type AuthDeps = Pick<Deps, 'users' | 'ids' | 'config' | 'applications'>;
type LoginDeps = AuthDeps & Pick<Deps, 'limits'>;

export function hashOptions(deps: Pick<Deps, 'config'>) {
  return { type: argon2.argon2id, memoryCost: deps.config.argon2MemoryKib, timeCost: deps.config.argon2TimeCost, parallelism: 1 };
}

export async function register(deps: AuthDeps, body: RegisterBody): Promise<{ token: string; user_id: string }> {
  const email = body.email.toLowerCase();
  if (await deps.users.getByEmail(email)) throw errors.invalidField(['email'], 'EMAIL_ALREADY_REGISTERED', 'Email is already registered.');
  if (await deps.users.getByUsername(body.username)) {
    throw errors.invalidField(['username'], 'USERNAME_ALREADY_TAKEN', 'Username is unavailable. Try adding numbers, letters, underscores _ , or periods.');
  }
  const user: UserRecord = {
    id: deps.ids.next(),
    username: body.username,
    email,
    password_hash: await argon2.hash(body.password, hashOptions(deps)),
    global_name: body.global_name ?? null,
    avatar: null,
    bot: false,
    flags: 0,
    created_at: Date.now(),
  };
  try {
    await deps.users.create(user);
  } catch (err) {
    // Two registrations raced past the checks above; the unique index decides.
    if (err instanceof UniqueViolation) {
      const field = err.target.includes('email') ? 'email' : 'username';
      throw errors.invalidField([field], field === 'email' ? 'EMAIL_ALREADY_REGISTERED' : 'USERNAME_ALREADY_TAKEN', `That ${field} is already taken.`);
    }
    throw err;
  }
  const token = newToken(user.id);
  await deps.users.addToken(hashToken(token), user.id, Date.now());
  return { token, user_id: user.id };
}

/** A hash of nothing anyone knows, verified against for unknown accounts so they take as long as known ones. */
const dummyHashes = new Map<string, Promise<string>>();
function dummyHash(deps: AuthDeps): Promise<string> {
  const key = `${deps.config.argon2MemoryKib}:${deps.config.argon2TimeCost}`;
  let hash = dummyHashes.get(key);
  if (!hash) dummyHashes.set(key, (hash = argon2.hash(newToken('0'), hashOptions(deps))));
  return hash;
}

/**
 * `login` is the email (or, as a convenience, the username). Attempts are limited per address (the route's
 * bucket) and per account name, known or not, so guessing one password from many addresses is slow too; the
 * window is short, so the owner is kept out for at most a minute after an attack stops.
 */
export async function login(deps: LoginDeps, body: LoginBody): Promise<{ token: string; user_id: string }> {
  const key = body.login.toLowerCase();
  const r = await deps.limits.consume('auth.login.account', key);
  if (r && !r.allowed) throw new RateLimitedError(r.resetAfterMs / 1000, false);
  const user = key.includes('@') ? await deps.users.getByEmail(key) : await deps.users.getByUsername(key);
  const hash = user?.password_hash ?? (await dummyHash(deps));
  const verified = await argon2.verify(hash, body.password);
  const ok = verified && !!user?.password_hash;
  if (!user || !ok) {
    const e = errors.invalidField(['login'], 'INVALID_LOGIN', 'Login or password is invalid.');
    e.errors!.password = { _errors: [{ code: 'INVALID_LOGIN', message: 'Login or password is invalid.' }] };
    throw e;
  }
  const token = newToken(user.id);
  await deps.users.addToken(hashToken(token), user.id, Date.now());
  return { token, user_id: user.id };
}

/** Revokes the token, and ends the gateway sessions it opened (they close with 4004, as on Discord). */
export async function logout(deps: Pick<Deps, 'tx'>, user: UserRecord, token: string): Promise<void> {
  // A bot's token is its application's only one: revoking it would lock the bot out for good.
  if (user.bot) throw errors.usersOnly();
  const userId = user.id;
  const tokenHash = hashToken(token);
  await deps.tx(async (tx) => {
    await tx.users.revokeToken(tokenHash);
    tx.control(userId, { type: 'TOKEN_REVOKED', token_hash: tokenHash });
  });
}

/**
 * `Authorization: <token>` for people, `Bot <token>` for bots. Anything else, or a token of the wrong
 * kind, is 401: callers treat 401 as "this token is dead", so it is never used for other failures.
 */
export async function authenticate(deps: AuthDeps, header: string | undefined): Promise<{ user: UserRecord; token: string }> {
  if (!header) throw errors.unauthorized();
  const bot = header.startsWith('Bot ');
  const token = (bot ? header.slice(4) : header.startsWith('Bearer ') ? header.slice(7) : header).trim();
  const user = await userForToken(deps, token);
  if (!user || user.bot !== bot) throw errors.unauthorized();
  return { user, token };
}

export async function userForToken(deps: AuthDeps, token: string): Promise<UserRecord | undefined> {
  if (token.length === 0 || token.length > 512) return undefined;
  const userId = await deps.users.userIdForToken(hashToken(token));
  return userId ? deps.users.get(userId) : undefined;
}
