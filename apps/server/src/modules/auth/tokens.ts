import { createHash, randomBytes } from 'node:crypto';

/**
 * Tokens are opaque: the user id (base64url, as Discord does, so tools can mask them) and 32 random
 * bytes. Only the SHA-256 of a token is stored, so a database leak yields no usable tokens.
 */
export function newToken(userId: string): string {
  return `${Buffer.from(userId).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
