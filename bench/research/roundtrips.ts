import { PhoneNumbers, UserPool } from '../fixtures';
import { sendOne, Workload } from '../load';
import { withRecordingApp } from './recording-app';
import { table } from '../report';
import {
  HealthWorkload,
  MeWorkload,
  RightCheckWorkload,
  SendWorkload,
  SentVerification,
  WrongCheckWorkload,
} from '../scenarios';

/**
 * Database round trips per request, by route: the built app runs with a recorder preloaded
 * (bench/research/record-queries.cjs) and each benchmark request is sent a few times, one
 * at a time; every `pg` query is one round trip. Not a load test.
 *
 *   npx tsx bench/research/roundtrips.ts      (same BENCH_* database settings as npm run bench)
 */

const REQUESTS_PER_KIND = 10;

async function main(): Promise<void> {
  await withRecordingApp('roundtrips', async ({ app, recorder, appEnv, inbox, client, stamp }) => {
    const recorded = async (): Promise<string[]> =>
      (await recorder.take(app)).map((query) => query.text);
    const users = new UserPool(client, stamp, appEnv);
    await users.ensure(100);
    const sent: SentVerification[] = [];
    const kinds: Array<[string, Workload]> = [
      ['GET /health/live', new HealthWorkload()],
      ['GET /v1/users/me', new MeWorkload(users)],
      [
        'POST /v1/phone-verifications',
        new SendWorkload(users, await PhoneNumbers.after(client), inbox, sent, { next: 0 }),
      ],
      ['POST …/check (wrong code)', new WrongCheckWorkload(sent, appEnv.maxAttempts - 1)],
      ['POST …/check (right code)', new RightCheckWorkload(sent)],
    ];
    await recorded(); // start-up queries
    const rows: string[][] = [];
    const details: string[] = [];
    for (const [title, workload] of kinds) {
      for (let i = 0; i < REQUESTS_PER_KIND; i++) await sendOne(app.url, workload);
      const queries = await recorded();
      rows.push([title, (queries.length / REQUESTS_PER_KIND).toFixed(1)]);
      details.push(`\n${title}: statements per request`);
      for (const [text, count] of tally(queries)) {
        details.push(`  ${(count / REQUESTS_PER_KIND).toFixed(1)} × ${text.slice(0, 160)}`);
      }
    }
    process.stdout.write(
      `${table([['route', 'round trips / request'], ...rows])}\n${details.join('\n')}\n`,
    );
  });
}

function tally(texts: string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const text of texts) counts.set(text, (counts.get(text) ?? 0) + 1);
  return [...counts.entries()];
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
