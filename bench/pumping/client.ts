import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';

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
}

/**
 * The simulation's HTTP client: every request of every simulated person goes through it, at most
 * `concurrency` at once (the rest wait their turn, as on a saturated uplink).
 */
export class SimulationClient {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly baseUrl: string,
    private readonly concurrency: number,
  ) {}

  /** POST /v1/phone-verifications; on 428 (and if `solves`) solves a challenge and sends again. */
  async askForCode(caller: Caller, phone: string, solves: boolean): Promise<AskOutcome> {
    const first = await this.send(caller, phone);
    if (first.status !== 428 || !solves) {
      return { answer: first, challenged: first.status === 428, solved: false };
    }
    const challenge = await this.solvedChallenge(caller.ip);
    if (challenge === undefined) return { answer: first, challenged: true, solved: false };
    return { answer: await this.send(caller, phone, challenge), challenged: true, solved: true };
  }

  check(caller: Caller, phone: string, code: string): Promise<Answer> {
    return this.request('POST', '/v1/phone-verifications/check', caller, { phone, code });
  }

  private send(caller: Caller, phone: string, challenge?: string): Promise<Answer> {
    const body = challenge === undefined ? { phone } : { phone, challenge };
    return this.request('POST', '/v1/phone-verifications', caller, body);
  }

  /** A challenge from GET /v1/challenges, solved in Node with altcha-lib as the page's worker does. */
  private async solvedChallenge(ip: string): Promise<string | undefined> {
    const { answer, body } = await this.exchange('GET', '/v1/challenges', { ip });
    if (answer.status !== 200) return undefined;
    const challenge = body as Challenge;
    const solution = await solveChallenge({ challenge, deriveKey });
    if (!solution) return undefined;
    return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
  }

  private async request(
    method: string,
    path: string,
    caller: Caller,
    body: unknown,
  ): Promise<Answer> {
    return (await this.exchange(method, path, { ip: caller.ip, token: caller.token }, body)).answer;
  }

  private async exchange(
    method: string,
    path: string,
    from: { ip: string; token?: string },
    body?: unknown,
  ): Promise<{ answer: Answer; body: unknown }> {
    await this.acquire();
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
      const problem = response.ok ? {} : (parsed as { code?: string; detail?: string } | undefined);
      return {
        answer: { status: response.status, code: problem?.code, detail: problem?.detail },
        body: parsed,
      };
    } catch (error) {
      return { answer: { status: 0, code: (error as Error).name }, body: undefined };
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < this.concurrency) {
      this.inFlight += 1;
      return;
    }
    await new Promise<void>((resume) => this.waiting.push(resume));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight -= 1;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
