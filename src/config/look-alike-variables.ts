import { documentedVariables } from './environment';

/**
 * Prefixes that only this service's variables use: an unknown variable starting with one is a
 * misspelling or a variable of another version of the service (`SMS_GATEWAYS`, `REDIS_HOST`).
 */
export const SERVICE_PREFIXES = [
  'OTP_',
  'SMS_',
  'SPARROW_',
  'AAKASH_',
  'JWT_',
  'FRAUD_',
  'CHALLENGE_',
  'DB_',
  'REDIS_',
] as const;

/**
 * Within two edits of a known name, a variable is taken for a misspelling of it (`TRUSTPROXY`,
 * `LOG_LEVLE`); but short names of the machine's own sit that close to short names of ours
 * (`HOME` is two edits from `HOST`). So two edits count only against names of 8 characters or
 * more, one edit against names of 5 or more, and nothing against shorter ones.
 */
function editsAllowed(known: string): number {
  if (known.length >= 8) return 2;
  if (known.length >= 5) return 1;
  return 0;
}

export interface LookAlikeVariable {
  readonly name: string;
  /** The known variable it is closest to, when it is within the allowed edits of one. */
  readonly suggestion?: string;
}

/**
 * The variables of `raw` that look like the service's but are not one of them (their values are
 * never read), each with the known name it most likely meant.
 */
export function lookAlikeVariables(raw: Record<string, string | undefined>): LookAlikeVariable[] {
  const known = documentedVariables().map((variable) => variable.name as string);
  const knownSet = new Set(known);
  const found: LookAlikeVariable[] = [];
  for (const name of Object.keys(raw).sort()) {
    if (knownSet.has(name)) continue;
    const upper = name.toUpperCase();
    const suggestion = closest(upper, known);
    if (suggestion || SERVICE_PREFIXES.some((prefix) => upper.startsWith(prefix))) {
      found.push(suggestion ? { name, suggestion } : { name });
    }
  }
  return found;
}

function closest(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const allowed = editsAllowed(candidate);
    if (allowed === 0 || Math.abs(candidate.length - name.length) > allowed) continue;
    const distance = editDistance(name, candidate);
    if (distance <= allowed && (!best || distance < best.distance)) {
      best = { name: candidate, distance };
    }
  }
  return best?.name;
}

/** Levenshtein distance, with a swap of two neighbours counting as one edit (`LOG_LEVLE`). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The warning's text: each variable, and the name it probably meant. */
export function describeLookAlikes(found: readonly LookAlikeVariable[]): string {
  const names = found.map((v) =>
    v.suggestion ? `${v.name} (did you mean ${v.suggestion}?)` : v.name,
  );
  return `Unknown variables that look like this service's are ignored: ${names.join(', ')}`;
}
