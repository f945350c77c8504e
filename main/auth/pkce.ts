import { createHash, randomBytes } from 'node:crypto';

/** RFC 7636: a 43-char base64url verifier (32 random bytes) and its S256 challenge. */
export interface PkcePair {
  codeVerifier: string;
  codeChallenge: string;
  method: 'S256';
}

export function createPkcePair(): PkcePair {
  const codeVerifier = randomBytes(32).toString('base64url');
  return { codeVerifier, codeChallenge: s256Challenge(codeVerifier), method: 'S256' };
}

export function s256Challenge(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

/** Unguessable `state`, checked on the callback (CSRF / stray request protection). */
export function randomState(): string {
  return randomBytes(24).toString('base64url');
}
