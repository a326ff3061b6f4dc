// A module worker running altcha-lib's own worker protocol with the Web Crypto PBKDF2: the page
// starts a few of them per challenge (see proof-of-work.ts), each trying its share of counters.
import { deriveKey } from '/vendor/altcha/algorithms/web/pbkdf2.js';
import { handler } from '/vendor/altcha/workers/shared.js';

handler({ deriveKey });
