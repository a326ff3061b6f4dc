// altcha-lib is imported from /vendor/altcha/, where the server serves the installed package's
// browser files; web/tsconfig.json maps that path to the same files for their types, so the
// specifiers stay as the browser needs them.
import { solveChallengeWorkers } from '/vendor/altcha/pow.js';
import type { Challenge } from '/vendor/altcha/types.js';

const WORKER_SCRIPT = '/js/challenge-worker.js';
// Far beyond a solve on any phone (about a second on a slow one): past it, the send says why.
const SOLVE_TIMEOUT_MS = 30_000;

/** A challenge the page could not get or solve; the send is answered with its 428 then. */
export class ProofOfWorkFailed extends Error {
  override readonly name = 'ProofOfWorkFailed';
}

/**
 * Fetches a proof-of-work challenge and solves it in Web Workers (altcha-lib's solver), off the
 * page's thread so nothing on screen stalls. Returns the send's `challenge`: base64 of the JSON
 * `{ challenge, solution }`, as the server reads it.
 */
export async function solveProofOfWork(challengeUrl: string): Promise<string> {
  const challenge = await fetchChallenge(challengeUrl);
  const solution = await solveChallengeWorkers({
    challenge,
    // A few workers share the counters; more only compete for the same cores.
    concurrency: Math.min(4, Math.max(1, navigator.hardwareConcurrency || 1)),
    createWorker: () => new Worker(WORKER_SCRIPT, { type: 'module' }),
    timeout: SOLVE_TIMEOUT_MS,
  });
  if (!solution) throw new ProofOfWorkFailed('the challenge was not solved in time');
  return btoa(JSON.stringify({ challenge, solution }));
}

async function fetchChallenge(url: string): Promise<Challenge> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
  } catch {
    throw new ProofOfWorkFailed('the challenge could not be fetched');
  }
  if (!response.ok) throw new ProofOfWorkFailed(`the challenge answered ${response.status}`);
  return (await response.json()) as Challenge;
}
