import { hash } from '@node-rs/argon2';
import type { Client } from 'pg';
import { ARGON2_OPTIONS } from '../../src/auth/passwords';
import { BenchUser } from '../fixtures';
import { sendOne, Workload } from '../load';
import type { RecordedQuery } from './query-recorder';
import { withRecordingApp } from './recording-app';
import { table } from '../report';
import { MeWorkload, SendWorkload, SentVerification, WrongCheckWorkload } from '../scenarios';
import { mintAccessToken } from '../tokens';

/**
 * `EXPLAIN (ANALYZE, BUFFERS)` of the statements the send, the check and /users/me really send,
 * on a database filled as 30 days of a busy service would leave it (EXPLAIN_SCALE × 200k users,
 * 500k verifications, 625k SMS, and a heavy user behind a carrier-grade-NAT address that sent
 * hundreds of SMS). The statements and their parameters are recorded from the built app as it
 * serves one request of each kind (bench/research/record-queries.cjs), then replayed under
 * EXPLAIN inside a transaction that is rolled back.
 *
 *   npx tsx bench/research/explain.ts
 */

const HEAVY_IP = '100.64.0.1';
const HEAVY_PHONE = '9860000001';

async function main(): Promise<void> {
  const scale = Number(process.env.EXPLAIN_SCALE ?? 1);
  await withRecordingApp('explain', async ({ app, recorder, appEnv, inbox, client }) => {
    const started = Date.now();
    const heavy = await fill(client, scale);
    log(`filled in ${((Date.now() - started) / 1000).toFixed(0)} s: ${await sizes(client)}`);
    const user: BenchUser = {
      index: 0,
      id: heavy,
      ip: HEAVY_IP,
      token: mintAccessToken(appEnv.jwtSecret, heavy, appEnv.accessTtlSeconds),
    };
    const sent: SentVerification[] = [];
    const oneUser = { users: [user], size: 1 };
    const phones = { take: () => HEAVY_PHONE };
    const requests: Array<[string, Workload]> = [
      ['send', new SendWorkload(oneUser, phones, inbox, sent, { next: 0 })],
      ['check (wrong code)', new WrongCheckWorkload(sent, 19)],
      ['GET /users/me', new MeWorkload(oneUser)],
    ];
    await recorder.take(app);
    const summary: string[][] = [['route', 'statement', 'execution ms', 'buffers']];
    for (const [route, workload] of requests) {
      await sendOne(app.url, workload);
      for (const query of await recorder.take(app)) {
        if (/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)/i.test(query.text)) continue;
        // an INSERT would replay into the row the app just wrote: its plan (without ANALYZE) only
        const plan = await explain(client, query, !/^(INSERT|WITH)/i.test(query.text));
        process.stdout.write(`\n== ${route}: ${query.text.slice(0, 200)}\n${plan.join('\n')}\n`);
        summary.push([
          route,
          query.text.slice(0, 70),
          /Execution Time: ([\d.]+)/.exec(plan.join('\n'))?.[1] ?? 'not run',
          plan
            .find((line) => line.trim().startsWith('Buffers:'))
            ?.trim()
            .slice(9) ?? '',
        ]);
      }
    }
    process.stdout.write(`\n${table(summary)}\n`);
  });
}

async function explain(client: Client, query: RecordedQuery, analyze: boolean): Promise<string[]> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN ${analyze ? '(ANALYZE, BUFFERS)' : ''} ${query.text}`,
      query.values,
    );
    return rows.map((row) => row['QUERY PLAN']);
  } finally {
    await client.query('ROLLBACK');
  }
}

/**
 * 30 days of history: users (3 in 5 with a verified number), verifications in every status,
 * their SMS (1 in 20 failed, a quarter resent), client addresses skewed so that a few carrier
 * NAT addresses carry much of the traffic, and one heavy user with 300 verifications of one
 * number from the busiest address. Returns the heavy user's id.
 */
async function fill(client: Client, scale: number): Promise<string> {
  const users = Math.round(200_000 * scale);
  const verifications = Math.round(500_000 * scale);
  const passwordHash = await hash('fill-password-not-used', ARGON2_OPTIONS);
  await client.query(
    `INSERT INTO users (id, username, password_hash, phone_number, phone_verified, phone_verified_at, created_at)
     SELECT md5('u' || n)::uuid, 'fill_' || n, $2,
            CASE WHEN n % 5 < 3 THEN '+977985' || lpad(n::text, 7, '0') END,
            n % 5 < 3,
            CASE WHEN n % 5 < 3 THEN now() - (n % 30) * interval '1 day' END,
            now() - (n % 60) * interval '1 day'
       FROM generate_series(1, $1::int) AS n`,
    [users, passwordHash],
  );
  // verification i belongs to user u(i) and was made from address ip(i), created_at spread over 30 days
  await client.query(
    `INSERT INTO phone_verifications
       (id, user_id, phone, code_hash, status, attempts_left, send_count, expires_at, last_sent_at,
        approved_at, canceled_at, client_ip, created_at)
     SELECT md5('v' || i)::uuid, md5('u' || u)::uuid, '+977985' || lpad(u::text, 7, '0'),
            decode(md5(i::text) || md5(i::text), 'hex'),
            CASE WHEN i % 20 < 11 THEN 'approved' WHEN i % 20 < 17 THEN 'expired'
                 WHEN i % 20 < 19 THEN 'canceled' ELSE 'failed' END,
            CASE WHEN i % 20 = 19 THEN 0 ELSE 5 - i % 3 END, 1 + (i % 4 = 0)::int,
            t + interval '10 minutes', t,
            CASE WHEN i % 20 < 11 THEN t + interval '1 minute' END,
            CASE WHEN i % 20 IN (17, 18) THEN t + interval '2 minutes' END,
            '100.64.' || (k / 256) || '.' || (k % 256), t
       FROM generate_series(1, $1::int) AS i,
            LATERAL (SELECT ((i::bigint * 7919) % $2::int + 1)::int AS u,
                            floor(power(random(), 4) * 60000)::int AS k,
                            now() - random() * interval '30 days' AS t) AS g`,
    [verifications, users],
  );
  await client.query(
    `INSERT INTO sms_messages
       (id, verification_id, user_id, to_phone, client_ip, provider, status, provider_code,
        provider_message, created_at, completed_at)
     SELECT gen_random_uuid(), v.id, v.user_id, v.phone, v.client_ip, 'sparrow',
            CASE WHEN random() < 0.05 THEN 'failed' ELSE 'sent' END, '200',
            '1 mesages has been queued for delivery', v.created_at + s * interval '70 seconds',
            v.created_at + s * interval '70 seconds' + interval '300 ms'
       FROM phone_verifications v, LATERAL generate_series(0, v.send_count - 1) AS s`,
  );
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO users (username, password_hash) VALUES ('fill_heavy', $1) RETURNING id`,
    [passwordHash],
  );
  const heavy = rows[0].id;
  await client.query(
    `WITH v AS (
       INSERT INTO phone_verifications
         (id, user_id, phone, code_hash, status, attempts_left, send_count, expires_at, last_sent_at, client_ip, created_at)
       SELECT gen_random_uuid(), $1, $2, decode(md5(i::text) || md5(i::text), 'hex'), 'expired', 5, 1,
              now() - i * interval '2 hours' + interval '10 minutes', now() - i * interval '2 hours',
              $3, now() - i * interval '2 hours'
         FROM generate_series(1, 300) AS i
       RETURNING id, user_id, phone, client_ip, created_at)
     INSERT INTO sms_messages (id, verification_id, user_id, to_phone, client_ip, provider, status, created_at)
     SELECT gen_random_uuid(), id, user_id, phone, client_ip, 'sparrow', 'sent', created_at FROM v`,
    [heavy, `+977${HEAVY_PHONE}`, HEAVY_IP],
  );
  await client.query(
    `INSERT INTO sms_daily_usage (day, reserved)
     SELECT d::date, 20000 FROM generate_series(now() - interval '30 days', now() - interval '1 day', interval '1 day') AS d
     ON CONFLICT DO NOTHING`,
  );
  await client.query('VACUUM (ANALYZE) users, phone_verifications, sms_messages, sms_daily_usage');
  return heavy;
}

async function sizes(client: Client): Promise<string> {
  const { rows } = await client.query<{ relname: string; n: string; size: string }>(
    `SELECT relname, n_live_tup AS n, pg_size_pretty(pg_total_relation_size(relid)) AS size
       FROM pg_stat_user_tables WHERE relname IN ('users', 'phone_verifications', 'sms_messages')
      ORDER BY relname`,
  );
  return rows.map((row) => `${row.relname} ${row.n} rows (${row.size})`).join(', ');
}

function log(message: string): void {
  process.stderr.write(`[explain] ${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
