import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { frameworkProblem, ProblemDetailsFilter } from '../src/common/http/problem-details.filter';
import { ApiMarkdown, parseApiMarkdown } from './support/api-markdown';
import { createTestApp, TestApp } from './support/test-app';

/**
 * docs/api.md against the OpenAPI document the app serves (/docs-json), both ways: the same
 * routes, the same error codes per route (with their status), the same public routes, and a
 * "Common errors" list that matches what the error filter can answer. The rule is stated at the
 * top of docs/api.md. Each check collects every difference and names it, so one run says all
 * that is missing on either side.
 */

const API_MD = join(__dirname, '..', 'docs', 'api.md');

// The OpenAPI document is plain JSON; these are the parts the test reads.
interface Response {
  description?: string;
  content?: Record<string, { examples?: Record<string, unknown> }>;
}
interface Operation {
  security?: unknown[];
  responses: Record<string, Response>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

interface ServedRoute {
  readonly secured: boolean;
  /** "409 PHONE_IN_USE"-style entries. */
  readonly errors: ReadonlySet<string>;
}

/** A code as the problem documents spell them: upper case with at least one underscore. */
const CODE_IN_TEXT = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g;

/**
 * The error codes the document gives an operation: the problem+json examples of each 4xx/5xx
 * response (how ApiProblemResponse documents them), or, for a response documented without
 * examples (today only /health/ready's 503), the codes its description names.
 */
function documentedErrors(operation: Operation): { errors: Set<string>; unnamed: string[] } {
  const errors = new Set<string>();
  const unnamed: string[] = [];
  for (const [status, response] of Object.entries(operation.responses)) {
    if (Number(status) < 400) continue;
    const examples = response.content?.['application/problem+json']?.examples;
    const codes = examples
      ? Object.keys(examples)
      : [...(response.description ?? '').matchAll(CODE_IN_TEXT)].map(([code]) => code);
    if (codes.length === 0) unnamed.push(status);
    for (const code of codes) errors.add(`${status} ${code}`);
  }
  return { errors, unnamed };
}

/** Every "status CODE" the global error filter can answer, whatever the route. */
function filterAnswers(): Set<string> {
  const answers = new Set<string>();
  for (let status = 400; status < 600; status++) {
    const { status: sent, code } = frameworkProblem(status);
    answers.add(`${sent} ${code}`);
  }
  const filter = new ProblemDetailsFilter();
  for (const error of [{ code: 'ECONNREFUSED' }, new Error('unexpected')]) {
    const { status, code } = filter.toProblem(error);
    answers.add(`${status} ${code}`);
  }
  return answers;
}

const codeOf = (entry: string): string => entry.slice(4);

describe('docs/api.md against the OpenAPI document (/docs-json)', () => {
  let t: TestApp;
  let docs: ApiMarkdown;
  const served = new Map<string, ServedRoute>();
  const unnamedErrors: string[] = [];

  beforeAll(async () => {
    docs = parseApiMarkdown(readFileSync(API_MD, 'utf8'));
    t = await createTestApp();
    const document = (await request(t.url).get('/docs-json').expect(200)).body as OpenApiDocument;
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const route = `${method.toUpperCase()} ${path}`;
        const { errors, unnamed } = documentedErrors(operation);
        served.set(route, { secured: (operation.security ?? []).length > 0, errors });
        unnamedErrors.push(...unnamed.map((status) => `${route} ${status}`));
      }
    }
  });
  afterAll(() => t?.close());

  it('lists every route of /docs-json, and no other', () => {
    const listed = new Set(docs.routes.map(({ route }) => route));
    const differences = [
      ...[...served.keys()]
        .filter((route) => !listed.has(route))
        .map((route) => `missing from docs/api.md: ${route}`),
      ...docs.routes
        .filter(({ route }) => !served.has(route))
        .map(({ route, line }) => `docs/api.md:${line} lists ${route}, which /docs-json does not`),
    ];
    expect(differences).toEqual([]);
  });

  it('gives each route exactly the error codes /docs-json documents for it', () => {
    const differences: string[] = unnamedErrors.map(
      (where) => `/docs-json documents ${where} without naming its error code`,
    );
    for (const { route, errors, line } of docs.routes) {
      const documented = served.get(route)?.errors;
      if (!documented) continue; // reported by the test above
      for (const entry of documented) {
        if (!errors.includes(entry)) {
          differences.push(`docs/api.md:${line} ${route} lacks ${entry} (in /docs-json)`);
        }
      }
      for (const entry of errors) {
        if (!documented.has(entry)) {
          differences.push(
            `docs/api.md:${line} ${route} lists ${entry}, which /docs-json does not`,
          );
        }
      }
    }
    expect(differences).toEqual([]);
  });

  it('marks as public exactly the routes /docs-json asks no token for', () => {
    const differences = docs.routes
      .filter(({ route }) => served.has(route))
      .filter(({ route, auth }) => (auth === 'public') === served.get(route)!.secured)
      .map(({ route, auth, line }) => {
        const needed = served.get(route)!.secured ? 'a Bearer token' : 'no token';
        return `docs/api.md:${line} ${route} says "${auth}", /docs-json asks for ${needed}`;
      });
    expect(differences).toEqual([]);
  });

  it('lists under Common errors every code the error filter answers that no route documents', () => {
    const answers = filterAnswers();
    const onRoutes = new Set([...served.values()].flatMap(({ errors }) => [...errors].map(codeOf)));
    const common = new Set(docs.commonErrors.map(({ code }) => code));
    const differences = [
      ...[...answers]
        .filter((entry) => !onRoutes.has(codeOf(entry)) && !common.has(codeOf(entry)))
        .map((entry) => `missing from docs/api.md's Common errors: ${entry} (the error filter)`),
      ...docs.commonErrors
        .filter(({ code, status }) => !answers.has(`${status} ${code}`))
        .map(
          ({ code, status, line }) =>
            `docs/api.md:${line} lists common error ${status} ${code}, which the error filter never answers`,
        ),
    ];
    expect(differences).toEqual([]);
  });
});
