/**
 * Writes docs/configuration.md from the env schema (src/config/environment.ts), the one source of
 * every variable's name, default, description and secret flag. `--check` writes nothing and
 * fails when the file on disk is not what the schema gives (CI runs it).
 *
 *   npm run docs:config            # regenerate
 *   npm run docs:config -- --check # is it up to date?
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { documentedVariables, DocumentedVariable } from '../src/config/environment';

const TARGET = join(__dirname, '..', 'docs', 'configuration.md');

function defaultOf(variable: DocumentedVariable): string {
  if (variable.defaultText) return variable.defaultText;
  if (variable.default === undefined) return 'unset';
  const value = variable.default;
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function render(): string {
  const rows = documentedVariables().map(
    (variable) =>
      `| \`${variable.name}\` | ${escapeCell(defaultOf(variable))} | ${variable.secret ? 'yes' : ''} | ${escapeCell(variable.description)} |`,
  );
  return [
    '# Configuration',
    '',
    '<!-- Generated from src/config/environment.ts by `npm run docs:config`: edit the schema, not this file. -->',
    '',
    'Every setting is an environment variable (a `.env` file in the working directory is read too).',
    'An empty value counts as unset. A bad value stops the start with one message naming every bad',
    "variable; a secret's value is never echoed. Secrets (marked below) belong in a secret store or an",
    "env file readable only by the service's user, never in the repository.",
    '',
    '| variable | default | secret | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const options = (await prettier.resolveConfig(TARGET)) ?? {};
  const text = await prettier.format(render(), { ...options, parser: 'markdown' });
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(TARGET, 'utf8');
    } catch {
      // missing: stale
    }
    if (current !== text) {
      process.stderr.write(
        'docs/configuration.md is not what src/config/environment.ts gives: run `npm run docs:config` and commit it.\n',
      );
      process.exit(1);
    }
    process.stdout.write('docs/configuration.md is up to date.\n');
    return;
  }
  writeFileSync(TARGET, text);
  process.stdout.write(`wrote ${TARGET}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
