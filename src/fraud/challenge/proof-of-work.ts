import { createChallenge, verifySolution, type Challenge, type Solution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';

/**
 * The ALTCHA proof-of-work (altcha-lib 2, PoW v2) this service asks of a client: PBKDF2/SHA-256
 * with `COST` iterations per try, and a secret counter below `MAX_COUNTER` the client must find
 * by trying them in turn. Chosen so that the sign-up page solves one in under a second on this
 * project's 2-core machine (measured: docs/performance.md, "Proof of work"); checking one costs
 * the server one derivation.
 */
export const ALGORITHM = 'PBKDF2/SHA-256';
export const COST = 2000;
export const MAX_COUNTER = 600;

/** What GET /v1/challenges answers: the challenge as altcha-lib made it, signed. */
export type SignedChallenge = Challenge;

/** The send body's `challenge`: base64 of the JSON `{ challenge, solution }` the solver produces. */
export interface ChallengePayload {
  challenge: Challenge;
  solution: Solution;
}

export async function createSignedChallenge(
  secret: string,
  expiresAt: Date,
  counter: number,
): Promise<SignedChallenge> {
  return createChallenge({
    algorithm: ALGORITHM,
    cost: COST,
    counter,
    deriveKey,
    expiresAt,
    hmacSignatureSecret: secret,
  });
}

// Far above any real payload (≈ 500 bytes): decoding is bounded before JSON.parse sees it.
const MAX_PAYLOAD_LENGTH = 4096;

/** The payload decoded and shaped, or undefined for anything else (never throws). */
export function decodePayload(encoded: unknown): ChallengePayload | undefined {
  if (typeof encoded !== 'string' || encoded.length > MAX_PAYLOAD_LENGTH) return undefined;
  if (!/^[A-Za-z0-9+/=_-]+$/.test(encoded)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || !isObject(parsed.challenge) || !isObject(parsed.solution))
    return undefined;
  const { challenge, solution } = parsed;
  const parameters = challenge.parameters;
  if (!isObject(parameters) || typeof challenge.signature !== 'string') return undefined;
  if (parameters.algorithm !== ALGORITHM || parameters.cost !== COST) return undefined;
  if (typeof solution.counter !== 'number' || !Number.isSafeInteger(solution.counter)) {
    return undefined;
  }
  if (typeof solution.derivedKey !== 'string' || solution.derivedKey.length > 256) return undefined;
  return parsed as unknown as ChallengePayload;
}

/** Whether the payload solves a challenge this service signed, and it has not expired. */
export async function solutionIsValid(payload: ChallengePayload, secret: string): Promise<boolean> {
  try {
    const result = await verifySolution({
      challenge: payload.challenge,
      solution: payload.solution,
      deriveKey,
      hmacSignatureSecret: secret,
    });
    return result.verified;
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
