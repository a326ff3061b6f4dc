import type { RefusalCause } from '../sms-gateway';

/**
 * Sparrow's refusal codes (HTTP 403 bodies like `{"response_code":1002,"response":"Invalid Token"}`),
 * each with why it was refused and the one line an operator needs to act on. Receiver problems
 * are the user's typo, not an outage, so they are warnings; the rest needs someone to fix the
 * account or the config.
 */
export interface SparrowRefusal {
  cause: RefusalCause;
  level: 'warn' | 'error';
  advice: string;
}

const REFUSALS: ReadonlyArray<[codes: number[], refusal: SparrowRefusal]> = [
  [
    [1000],
    {
      cause: 'other',
      level: 'error',
      advice: 'Sparrow says a required field is missing: check SPARROW_FROM and the message text',
    },
  ],
  [
    [1001],
    {
      cause: 'account',
      level: 'error',
      advice: "this server's IP is not allowed in Sparrow: add it in the Sparrow dashboard",
    },
  ],
  [
    [1002],
    {
      cause: 'account',
      level: 'error',
      advice: 'SPARROW_TOKEN is wrong: copy the API token from the Sparrow dashboard',
    },
  ],
  [
    [1003, 1004, 1005, 1006],
    {
      cause: 'account',
      level: 'error',
      advice: 'the Sparrow account is inactive or expired: renew it with Sparrow',
    },
  ],
  [
    [1007, 1011],
    { cause: 'number', level: 'warn', advice: 'Sparrow refused the receiver number as invalid' },
  ],
  [
    [1008],
    {
      cause: 'account',
      level: 'error',
      advice: 'SPARROW_FROM is not a sender identity this Sparrow account may use',
    },
  ],
  [
    [1009],
    {
      cause: 'other',
      level: 'error',
      advice: 'Sparrow refused the request without saying why: ask Sparrow support',
    },
  ],
  [[1010], { cause: 'other', level: 'error', advice: 'Sparrow received an empty message text' }],
  [
    [1012, 1013],
    {
      cause: 'account',
      level: 'error',
      advice: 'the Sparrow account is out of credits: top it up in the Sparrow dashboard',
    },
  ],
];

const UNKNOWN: SparrowRefusal = {
  cause: 'other',
  level: 'error',
  advice: 'Sparrow refused the request with a code this service does not know',
};

export function sparrowRefusal(code: number): SparrowRefusal {
  return REFUSALS.find(([codes]) => codes.includes(code))?.[1] ?? UNKNOWN;
}

/** Sparrow's `response_code` (a number, sometimes sent as a numeric string), if the body has one. */
export function sparrowResponseCode(json: Record<string, unknown> | undefined): number | undefined {
  const value = json?.response_code;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,6}$/.test(value)) return Number(value);
  return undefined;
}
