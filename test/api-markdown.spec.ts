import { parseApiMarkdown } from './support/api-markdown';

const table = (...rows: string[]): string =>
  ['| route | auth | errors |', '| --- | --- | --- |', ...rows].join('\n');

describe('parseApiMarkdown (the rule at the top of docs/api.md)', () => {
  it('reads route rows: the route, its auth cell and its errors as "status CODE"', () => {
    const { routes } = parseApiMarkdown(
      table(
        '| `POST /v1/things` | Bearer | 400 `VALIDATION_FAILED`, 409 `THING_TAKEN` |',
        '| `GET /v1/things/:id` | public | — |',
      ),
    );
    expect(routes).toEqual([
      {
        route: 'POST /v1/things',
        auth: 'Bearer',
        errors: ['400 VALIDATION_FAILED', '409 THING_TAKEN'],
        line: 3,
      },
      { route: 'GET /v1/things/{id}', auth: 'public', errors: [], line: 4 },
    ]);
  });

  it('reads the Common errors table only under its heading', () => {
    const markdown = [
      '## Limits',
      '| code | status |',
      '| --- | ---: |',
      '| `NOT_A_COMMON_ONE` | 429 |',
      '## Common errors',
      '| code | status | when |',
      '| --- | ---: | --- |',
      '| `NOT_FOUND` | 404 | no route |',
    ].join('\n');
    expect(parseApiMarkdown(markdown).commonErrors).toEqual([
      { code: 'NOT_FOUND', status: 404, line: 8 },
    ]);
  });

  it('ignores tables whose rows are not routes, and rows inside code fences', () => {
    const markdown = [
      '| limit | answer |',
      '| --- | --- |',
      '| per hour | 429 `SEND_LIMIT_REACHED` |',
      '```',
      table('| `GET /v1/fenced` | public | — |'),
      '```',
    ].join('\n');
    expect(parseApiMarkdown(markdown).routes).toEqual([]);
  });

  it.each([
    [
      'a code without its status',
      '| `GET /v1/a` | public | `NOT_FOUND` |',
      /cannot read the errors/,
    ],
    ['words in the errors cell', '| `GET /v1/a` | public | 404 when missing |', /cannot read/],
    ['a route not in backticks', '| GET /v1/a | public | — |', /write the route as/],
    [
      'a route listed twice',
      '| `GET /v1/a` | public | — |\n| `GET /v1/a` | public | — |',
      /listed twice/,
    ],
  ])('refuses %s, naming the line', (_case, rows, message) => {
    expect(() => parseApiMarkdown(table(rows))).toThrow(message);
  });

  it('refuses a route table without an errors column', () => {
    const markdown = ['| route | auth |', '| --- | --- |', '| `GET /v1/a` | public |'].join('\n');
    expect(() => parseApiMarkdown(markdown)).toThrow(/docs\/api.md:3: .*no "errors" column/);
  });
});
