/**
 * Role keys are stored only as hashes: whoever reads the registry file cannot join a board.
 *
 * SHA-256 and not a slow password hash (scrypt, argon2): the keys are 192-bit random strings,
 * so guessing one from its hash is out of reach however fast the hash is. Slow hashes exist
 * to protect low-entropy human passwords, and here one would only cost CPU on every connection
 * and hand attackers a cheap way to load the server.
 */
import { createHash, timingSafeEqual } from 'node:crypto'

/** The SHA-256 of the key, as lowercase hex. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

/** Whether `key` hashes to `hash`, compared in constant time. False for a malformed hash. */
export function keyMatches(key: string, hash: string): boolean {
  const actual = createHash('sha256').update(key, 'utf8').digest()
  const expected = Buffer.from(hash, 'hex')
  // timingSafeEqual throws on different lengths; a hash of the wrong length simply does not
  // match (its length is no secret).
  if (expected.length !== actual.length) return false
  return timingSafeEqual(actual, expected)
}
