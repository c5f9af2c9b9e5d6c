/**
 * Ed25519 as Discord signs HTTP interactions: the signature (hex) of the timestamp followed by the body, in
 * `X-Signature-Ed25519`, with the timestamp (Unix seconds) in `X-Signature-Timestamp`. The public key is
 * the application's `verify_key` (32 bytes, hex).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function newKeyPair(): { public_key: string; private_key: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return { public_key: spki.subarray(SPKI_PREFIX.length).toString('hex'), private_key: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64') };
}

export function signBody(privateKey: string, timestamp: string, body: string): string {
  const key = createPrivateKey({ key: Buffer.from(privateKey, 'base64'), format: 'der', type: 'pkcs8' });
  return sign(null, Buffer.from(timestamp + body), key).toString('hex');
}

/** What a receiver does with the headers (the kit's HTTP bots and tests use it). */
export function verifySignature(publicKeyHex: string, signatureHex: string, timestamp: string, body: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(publicKeyHex, 'hex')]), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(timestamp + body), key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}
