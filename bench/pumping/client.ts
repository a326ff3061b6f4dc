import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { Semaphore } from './semaphore';

/** One simulated client: its access token and the address it comes from (X-Forwarded-For). */
export interface Caller {
  readonly token: string;
  readonly ip: string;
}

/** An answer of the app, reduced to what the tally needs. */
export interface Answer {
  readonly status: number;
  /** The problem document's `code`, for a 4xx/5xx. */
  readonly code?: string;
  readonly detail?: string;
}

/** The outcome of asking for a code as the sign-up page does: a 428 is met by one solve and one retry. */
export interface AskOutcome {
  readonly answer: Answer;
  readonly challenged: boolean;
  readonly solved: boolean;
  /** Why a 428 was not met with a solved challenge, when the client tried. */
  readonly challengeFailure?: string;
}

/**
 * The simulation's HTTP client: every request of every simulated person goes through it, at most
 * `concurrency` at once (the rest wait their turn, as on a saturated uplink). Proof-of-work
 * solves run on the harness's own CPU, which the app shares: each party (the attacker, the
 * legitimate users) gets its own solver queue, so that neither's solves delay the other's, and a
 * solve is timed from its start, not from when it was queued.
 */
export class SimulationClient {
  private readonly slots: Semaphore;

  constructor(
    private readonly baseUrl: string,
    concurrency: number,
  ) {
    this.slots = new Semaphore(concurrency);
  }

  /** POST /v1/phone-verifications; on 428 (with a `solver`) solves a challenge and sends again. */
  async askForCode(caller: Caller, phone: string, solver?: Semaphore): Promise<AskOutcome> {
    const first = await this.send(caller, phone);
    if (first.status !== 428 || !solver) {
      return { answer: first, challenged: first.status === 428, solved: false };
    }
    const solved = await solver.use(() => this.solvedChallenge(caller.ip));
    if ('failure' in solved) {
      return { answer: first, challenged: true, solved: false, challengeFailure: solved.failure };
    }
    const answer = await this.send(caller, phone, solved.payload);
    return { answer, challenged: true, solved: true };
  }

  check(caller: Caller, phone: string, code: string): Promise<Answer> {
    return this.request('POST', '/v1/phone-verifications/check', caller, { phone, code });
  }

  private send(caller: Caller, phone: string, challenge?: string): Promise<Answer> {
    const body = challenge === undefined ? { phone } : { phone, challenge };
    return this.request('POST', '/v1/phone-verifications', caller, body);
  }

  /** A challenge from GET /v1/challenges, solved in Node with altcha-lib as the page's worker does. */
  private async solvedChallenge(ip: string): Promise<{ payload: string } | { failure: string }> {
    const { answer, body } = await this.exchange('GET', '/v1/challenges', { ip });
    if (answer.status !== 200) {
      return { failure: `GET /v1/challenges ${answer.status} ${answer.code ?? ''}`.trim() };
    }
    const challenge = body as Challenge;
    const solution = await solveChallenge({ challenge, deriveKey });
    if (!solution) return { failure: 'not solved within altcha-lib’s 90 s' };
    return { payload: Buffer.from(JSON.stringify({ challenge, solution })).toString('base64') };
  }

  private async request(
    method: string,
    path: string,
    caller: Caller,
    body: unknown,
  ): Promise<Answer> {
    return (await this.exchange(method, path, { ip: caller.ip, token: caller.token }, body)).answer;
  }

  private exchange(
    method: string,
    path: string,
    from: { ip: string; token?: string },
    body?: unknown,
  ): Promise<{ answer: Answer; body: unknown }> {
    return this.slots.use(async () => {
      try {
        const headers: Record<string, string> = { 'x-forwarded-for': from.ip };
        if (from.token) headers.authorization = `Bearer ${from.token}`;
        if (body !== undefined) headers['content-type'] = 'application/json';
        const response = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(60_000),
        });
        const text = await response.text();
        const parsed = parseJson(text);
        const problem = response.ok
          ? {}
          : (parsed as { code?: string; detail?: string } | undefined);
        return {
          answer: { status: response.status, code: problem?.code, detail: problem?.detail },
          body: parsed,
        };
      } catch (error) {
        return { answer: { status: 0, code: (error as Error).name }, body: undefined };
      }
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
