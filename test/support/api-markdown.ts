/**
 * Reads the machine-readable parts of docs/api.md (the rule is stated at the top of that file):
 * route tables, whose rows start with `` `METHOD /path` `` and have an `auth` and an `errors`
 * column, and the table under "## Common errors", whose rows start with `` `CODE` `` and have a
 * `status` column. Anything it cannot read exactly is an error naming the line, never skipped.
 */

/** One route row: `errors` holds "409 PHONE_IN_USE"-style entries. */
export interface DocumentedRoute {
  readonly route: string;
  readonly auth: string;
  readonly errors: readonly string[];
  readonly line: number;
}

export interface CommonError {
  readonly code: string;
  readonly status: number;
  readonly line: number;
}

export interface ApiMarkdown {
  readonly routes: readonly DocumentedRoute[];
  readonly commonErrors: readonly CommonError[];
}

const COMMON_ERRORS_HEADING = 'common errors';
const ROUTE_CELL = /^`(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\/[^`\s]*)`$/;
const LOOKS_LIKE_ROUTE = /^`?(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s/;
const CODE_CELL = /^`([A-Z][A-Z0-9_]*)`$/;
const ERROR_ENTRY = /(\d{3}) `([A-Z][A-Z0-9_]*)`/g;
const NO_ERRORS = new Set(['', '—', '-']);

export function parseApiMarkdown(markdown: string): ApiMarkdown {
  const lines = markdown.split(/\r?\n/);
  const routes: DocumentedRoute[] = [];
  const commonErrors: CommonError[] = [];
  let section = '';
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    if (/^\s*(```|~~~)/.test(text)) inFence = !inFence;
    if (inFence) continue;
    const heading = /^##\s+(.+?)\s*$/.exec(text);
    if (heading) section = heading[1].toLowerCase();
    if (!isTableRow(text) || !isSeparatorRow(lines[i + 1] ?? '')) continue;

    const header = cells(text).map((cell) => cell.toLowerCase());
    let row = i + 2;
    for (; row < lines.length && isTableRow(lines[row]); row++) {
      const values = cells(lines[row]);
      const line = row + 1;
      if (section === COMMON_ERRORS_HEADING) {
        commonErrors.push(commonErrorRow(header, values, line));
      } else if (LOOKS_LIKE_ROUTE.test(values[0] ?? '')) {
        routes.push(routeRow(header, values, line));
      }
    }
    i = row - 1;
  }
  const seen = new Set<string>();
  for (const { route, line } of routes) {
    if (seen.has(route)) throw new Error(`docs/api.md:${line}: ${route} is listed twice`);
    seen.add(route);
  }
  return { routes, commonErrors };
}

function routeRow(header: string[], values: string[], line: number): DocumentedRoute {
  const match = ROUTE_CELL.exec(values[0]);
  if (!match) {
    throw new Error(
      `docs/api.md:${line}: write the route as \`METHOD /path\` in backticks, got ${values[0]}`,
    );
  }
  const route = `${match[1]} ${match[2].replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
  const auth = column(header, values, 'auth', line);
  const errorsCell = column(header, values, 'errors', line);
  if (NO_ERRORS.has(errorsCell)) return { route, auth, errors: [], line };
  const errors = [...errorsCell.matchAll(ERROR_ENTRY)].map(
    ([, status, code]) => `${status} ${code}`,
  );
  const leftOver = errorsCell.replace(ERROR_ENTRY, '').replace(/[,;\s]/g, '');
  if (leftOver !== '' || errors.length === 0) {
    throw new Error(
      `docs/api.md:${line}: cannot read the errors of ${route} ("${errorsCell}"): ` +
        'write each as 409 `CODE`, separated by commas, or — for none',
    );
  }
  return { route, auth, errors, line };
}

function commonErrorRow(header: string[], values: string[], line: number): CommonError {
  const match = CODE_CELL.exec(values[0] ?? '');
  const status = column(header, values, 'status', line);
  if (!match || !/^\d{3}$/.test(status)) {
    throw new Error(
      `docs/api.md:${line}: a common error is \`CODE\` in the first column and a 3-digit status`,
    );
  }
  return { code: match[1], status: Number(status), line };
}

function column(header: string[], values: string[], name: string, line: number): string {
  const index = header.indexOf(name);
  if (index < 0) throw new Error(`docs/api.md:${line}: this table has no "${name}" column`);
  return values[index] ?? '';
}

function isTableRow(text: string): boolean {
  return text.trimStart().startsWith('|');
}

function isSeparatorRow(text: string): boolean {
  return /^\s*\|(\s*:?-+:?\s*\|)+\s*$/.test(text);
}

/** The cells of a table row; `\|` inside a cell is a literal bar. */
function cells(text: string): string[] {
  return text
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));
}
