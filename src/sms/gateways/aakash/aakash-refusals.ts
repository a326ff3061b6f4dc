import type { RefusalCause } from '../sms-gateway';

/**
 * Aakash refuses with `{"error":true,"message":"…"}` and no code, so the cause is read from the
 * message: its known account messages ("The provided Auth Token is not valid.", "Not enough
 * balance.") are matched loosely, so a reworded one still fails over; anything else is `other`.
 */
export interface AakashRefusal {
  cause: RefusalCause;
  level: 'warn' | 'error';
  advice: string;
}

const REFUSALS: ReadonlyArray<[pattern: RegExp, refusal: AakashRefusal]> = [
  [
    /auth.?token/i,
    {
      cause: 'account',
      level: 'error',
      advice: 'the Aakash auth token is not valid: copy it from the Aakash SMS dashboard',
    },
  ],
  [
    /balance|credit/i,
    {
      cause: 'account',
      level: 'error',
      advice: 'the Aakash account is out of balance: top it up in the Aakash SMS dashboard',
    },
  ],
];

const OTHER: AakashRefusal = {
  cause: 'other',
  level: 'error',
  advice: 'Aakash refused the request: see its message',
};

/** A number Aakash lists in `data.invalid`. */
export const AAKASH_INVALID_NUMBER: AakashRefusal = {
  cause: 'number',
  level: 'warn',
  advice: 'Aakash refused the receiver number as invalid',
};

export function aakashRefusal(message: string | undefined): AakashRefusal {
  return REFUSALS.find(([pattern]) => message !== undefined && pattern.test(message))?.[1] ?? OTHER;
}
