import { DISCORD_EPOCH } from '@concord/protocol';

/**
 * A client nonce shaped like a snowflake (what Discord clients send): the time in the high bits keeps nonces
 * roughly ordered, 22 random low bits keep two tabs apart. Always 25 characters or fewer, as the server requires.
 */
export function makeNonce(now = Date.now()): string {
  const random = BigInt(Math.floor(Math.random() * 0x400000));
  return (((BigInt(now) - DISCORD_EPOCH) << 22n) | random).toString();
}
