/**
 * What every answer of the service must look like, whatever was sent (API.md): never a 5xx, every
 * error an RFC 9457 problem document whose `status` is the HTTP status, and nothing internal in it.
 */

export interface ResponseLike {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const PROBLEM_CONTENT_TYPE = /^application\/problem\+json(\s*;|$)/i;
const STABLE_CODE = /^[A-Z][A-Z0-9_]*$/;

// What leaks look like: a V8 stack frame, a source or install path, a database error or statement.
const LEAK_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ['a stack frame', /\n\s+at\s|\bat [^\s()]+ \([^)]*:\d+:\d+\)/],
  ['a file path', /(\/work\/|\/home\/|\/usr\/|\/tmp\/|node_modules|\/src\/|\/dist\/|[A-Za-z]:\\)/],
  ['a source file position', /\.(ts|js|mjs|cjs):\d+/],
  [
    'an SQL statement',
    /\b(select\s[\s\S]{1,80}\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from)\b/i,
  ],
  [
    'a database error',
    /QueryFailedError|duplicate key|violates [a-z ]*constraint|syntax error at or near|invalid input syntax|\brelation "|SQLSTATE|pg_advisory|typeorm/i,
  ],
];

/** Everything wrong with one response; empty when it is acceptable. */
export function responseViolations(
  res: ResponseLike,
  method: string,
  secrets: readonly string[],
): string[] {
  const problems: string[] = [];
  if (res.status < 100) return ['no HTTP answer'];
  if (res.status >= 500) problems.push(`a ${res.status}`);
  const text = res.body.toString('utf8');
  if (res.status >= 300) problems.push(...problemDocumentViolations(res, method, text));
  if (res.headers['x-powered-by'] !== undefined) problems.push('an x-powered-by header');
  for (const [what, pattern] of LEAK_PATTERNS) {
    if (pattern.test(text)) problems.push(`${what} in the body`);
  }
  for (const secret of secrets) {
    if (secret.length > 0 && text.includes(secret)) {
      problems.push(`a secret in the body (${secret.slice(0, 6)}…)`);
    }
  }
  return problems;
}

function problemDocumentViolations(res: ResponseLike, method: string, text: string): string[] {
  const contentType = String(res.headers['content-type'] ?? '');
  if (!PROBLEM_CONTENT_TYPE.test(contentType)) {
    return [`content-type "${contentType}" on a ${res.status}, not application/problem+json`];
  }
  if (method === 'HEAD') return [];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`a problem body that is not JSON: ${JSON.stringify(text.slice(0, 120))}`];
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return ['a problem body that is not a JSON object'];
  }
  const doc = body as Record<string, unknown>;
  const problems: string[] = [];
  for (const member of ['type', 'title', 'detail'] as const) {
    if (typeof doc[member] !== 'string' || doc[member] === '') {
      problems.push(`problem member "${member}" missing or not a string`);
    }
  }
  if (typeof doc.code !== 'string' || !STABLE_CODE.test(doc.code)) {
    problems.push(`problem member "code" missing or not a stable code: ${String(doc.code)}`);
  }
  if (doc.status !== res.status) {
    problems.push(`problem "status" ${String(doc.status)} differs from HTTP ${res.status}`);
  }
  if (res.status === 429 && res.headers['retry-after'] === undefined) {
    problems.push('a 429 without Retry-After');
  }
  return problems;
}
