/**
 * Sparrow's refusal codes (HTTP 403 bodies like `{"response_code":1002,"response":"Invalid Token"}`),
 * each with the one line an operator needs to act on. Receiver problems are the user's typo, not
 * an outage, so they are warnings; everything else needs someone to fix the account or config.
 */
export interface SparrowRefusalAdvice {
  level: 'warn' | 'error';
  advice: string;
}

const ADVICE: ReadonlyArray<[codes: number[], advice: SparrowRefusalAdvice]> = [
  [
    [1000],
    {
      level: 'error',
      advice: 'Sparrow says a required field is missing: check SPARROW_FROM and the message text',
    },
  ],
  [
    [1001],
    {
      level: 'error',
      advice: "this server's IP is not allowed in Sparrow: add it in the Sparrow dashboard",
    },
  ],
  [
    [1002],
    {
      level: 'error',
      advice: 'SPARROW_TOKEN is wrong: copy the API token from the Sparrow dashboard',
    },
  ],
  [
    [1003, 1004, 1005, 1006],
    { level: 'error', advice: 'the Sparrow account is inactive or expired: renew it with Sparrow' },
  ],
  [[1007, 1011], { level: 'warn', advice: 'Sparrow refused the receiver number as invalid' }],
  [
    [1008],
    {
      level: 'error',
      advice: 'SPARROW_FROM is not a sender identity this Sparrow account may use',
    },
  ],
  [[1010], { level: 'error', advice: 'Sparrow received an empty message text' }],
  [
    [1012, 1013],
    {
      level: 'error',
      advice: 'the Sparrow account is out of credits: top it up in the Sparrow dashboard',
    },
  ],
];

const UNKNOWN: SparrowRefusalAdvice = {
  level: 'error',
  advice: 'Sparrow refused the request with a code this service does not know',
};

export function adviceForSparrowCode(code: number): SparrowRefusalAdvice {
  return ADVICE.find(([codes]) => codes.includes(code))?.[1] ?? UNKNOWN;
}
