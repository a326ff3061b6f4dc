import type { ClientBase } from 'pg';
import { MOBILE_OPERATOR_PREFIXES } from '../src/phone-verification/phone-number/mobile-operators';

/**
 * Fills a database with what `days` of a busy service leave behind, for the statistics API: SMS
 * attempts in the delivery log, their verifications (about two in three approved), refusal
 * counts per hour and reason, and a few blocks. Everything is generated inside PostgreSQL
 * (generate_series), so a million rows take seconds, not a million round trips.
 *
 * The shape is meant to be read on a chart: NTC converts best, Smart worst; Aakash is slower
 * than Sparrow; a pumping attack on one prefix two days before `end` sends a burst of SMS that
 * almost nobody approves.
 *
 * Rows are written in time order, as a live service appends them (so a week's rows sit together
 * on disk, as they would).
 *
 * Used by `npm run seed:stats` (a million rows) and by the dashboard's browser tests (a few
 * thousand). Triggers and foreign keys are off while it writes (session_replication_role), so
 * the daily-budget counter is filled at the end from the rows themselves.
 */
export interface StatsSeed {
  /** Rows in sms_messages. */
  readonly sms: number;
  readonly days: number;
  /** The newest row is a little before this. */
  readonly end: Date;
  readonly users?: number;
}

export interface SeedCounts {
  users: number;
  verifications: number;
  sms: number;
}

/** The share of SMS that are a second attempt (a resend) for a verification. */
const SECOND_ATTEMPT_SHARE = 0.12;

const RANGES = Object.entries(MOBILE_OPERATOR_PREFIXES).flatMap(([operator, prefixes]) =>
  prefixes.map((range) => ({ operator, range })),
);

export async function seedStatistics(client: ClientBase, seed: StatsSeed): Promise<SeedCounts> {
  const users = seed.users ?? Math.max(10, Math.round(seed.sms / 50));
  const verifications = Math.round(seed.sms / (1 + SECOND_ATTEMPT_SHARE));
  const seconds = seed.days * 86_400;
  const end = seed.end;
  const ranges = RANGES.map((entry) => entry.range);
  const operators = RANGES.map((entry) => entry.operator);

  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL session_replication_role = replica`);
    await client.query(`SET LOCAL synchronous_commit = off`);
    await client.query(
      `INSERT INTO users (id, username, password_hash, created_at, updated_at)
       SELECT gen_random_uuid(), 'seed_' || g || '_' || substr(md5(random()::text), 1, 6), 'not-a-hash',
              $1::timestamptz - make_interval(secs => $2), $1::timestamptz - make_interval(secs => $2)
         FROM generate_series(1, $3) AS g`,
      [end, seconds, users],
    );
    // One verification per row; its operator decides how likely it is approved.
    await client.query(
      `CREATE TEMP TABLE seed_verifications ON COMMIT DROP AS
       WITH picked AS (
         SELECT g,
                1 + floor(random() * cardinality($4::text[]))::int AS r,
                $1::timestamptz - make_interval(secs => random() * $2) AS created_at
           FROM generate_series(1, $3) AS g
       )
       SELECT gen_random_uuid() AS id,
              (SELECT array_agg(id) FROM users)[1 + (g % $6)] AS user_id,
              '+977' || ($4::text[])[r] || lpad(floor(random() * 10000000)::int::text, 7, '0') AS phone,
              ($5::text[])[r] AS operator,
              created_at,
              random() AS roll
         FROM picked`,
      [end, seconds, verifications, ranges, operators, users],
    );
    // The attack: two days before the end, one Smart prefix gets a burst nobody approves.
    await client.query(
      `INSERT INTO seed_verifications (id, user_id, phone, operator, created_at, roll)
       SELECT gen_random_uuid(), (SELECT array_agg(id) FROM users)[1 + (g % $3)],
              '+977988777' || lpad((g % 10000)::text, 4, '0'), 'SMART',
              $1::timestamptz - interval '2 days' + make_interval(secs => random() * 7200), 0.999
         FROM generate_series(1, $2) AS g`,
      [end, Math.round(verifications * 0.01), users],
    );
    await client.query(
      `INSERT INTO phone_verifications
         (id, user_id, phone, code_hash, status, attempts_left, send_count, expires_at, last_sent_at,
          approved_at, client_ip, created_at)
       SELECT v.id, v.user_id, v.phone, NULL,
              CASE WHEN approved THEN 'approved' WHEN v.roll > 0.97 THEN 'failed' ELSE 'expired' END,
              CASE WHEN v.roll > 0.97 THEN 0 ELSE 5 END, 1,
              v.created_at + interval '10 minutes', v.created_at,
              CASE WHEN approved THEN v.created_at + make_interval(secs => 15 + random() * 240) END,
              '10.' || (v.roll * 250)::int || '.' || (random() * 250)::int || '.1', v.created_at
         FROM (SELECT *, roll < CASE operator WHEN 'NTC' THEN 0.74 WHEN 'NCELL' THEN 0.66
                                              WHEN 'SMART' THEN 0.45 ELSE 0.55 END AS approved
                 FROM seed_verifications) AS v
        ORDER BY v.created_at`,
    );
    // The SMS: one per verification, a second for some; outcomes and latency by gateway.
    await client.query(
      `WITH attempts AS (
         SELECT v.*, 0 AS attempt FROM seed_verifications v
         UNION ALL
         (SELECT v.*, 1 FROM seed_verifications v LIMIT $1)
       ), rolled AS (
         SELECT a.*, random() AS outcome_roll, random() < 0.7 AS sparrow, random() AS speed
           FROM attempts a
       )
       INSERT INTO sms_messages
         (id, verification_id, user_id, to_phone, client_ip, provider, status, outcome, refusal_cause,
          operator, latency_ms, encoding, segments, provider_code, created_at, completed_at)
       SELECT gen_random_uuid(), r.id, r.user_id, r.phone, '10.0.0.1',
              CASE WHEN r.sparrow THEN 'sparrow' ELSE 'aakash' END,
              CASE WHEN o.outcome = 'sent' THEN 'sent' WHEN o.outcome = 'unknown' THEN 'unknown'
                   ELSE 'failed' END,
              o.outcome,
              CASE WHEN o.outcome = 'refused' THEN 'number' END,
              r.operator, o.latency, 'gsm7', 1, NULL,
              r.created_at + make_interval(secs => r.attempt * 90),
              r.created_at + make_interval(secs => r.attempt * 90 + o.latency / 1000.0)
         FROM rolled r
        CROSS JOIN LATERAL (
          SELECT CASE WHEN r.outcome_roll < 0.9 THEN 'sent' WHEN r.outcome_roll < 0.93 THEN 'unknown'
                      WHEN r.outcome_roll < 0.98 THEN 'refused' ELSE 'unreached' END AS outcome,
                 CASE WHEN r.outcome_roll >= 0.98 THEN 5000
                      ELSE (CASE WHEN r.sparrow THEN 120 ELSE 260 END
                            + r.speed * 300 + power(random(), 12) * 3500)::int END AS latency
        ) AS o
        ORDER BY 15`,
      [Math.max(0, seed.sms - (await count(client, 'seed_verifications')))],
    );
    await client.query(
      `INSERT INTO sms_daily_usage (day, reserved)
       SELECT (created_at AT TIME ZONE 'UTC')::date, count(*)
         FROM sms_messages WHERE status <> 'failed' AND retry_of IS NULL GROUP BY 1
       ON CONFLICT (day) DO UPDATE SET reserved = EXCLUDED.reserved`,
    );
    await client.query(
      `INSERT INTO send_refusal_counts (hour, reason, count)
       SELECT h, reason, count FROM (
         SELECT h, reason,
                (CASE reason WHEN 'cooldown' THEN 30 WHEN 'phone' THEN 8 WHEN 'user' THEN 4
                             WHEN 'ip' THEN 10 WHEN 'budget' THEN 0 WHEN 'blocked' THEN 3
                             ELSE 6 END * $3::float8 * (0.5 + random()))::int AS count
           FROM generate_series(date_trunc('hour', $1::timestamptz - make_interval(secs => $2), 'UTC'),
                                $1::timestamptz, interval '1 hour') AS h,
                unnest(ARRAY['cooldown', 'phone', 'user', 'ip', 'budget', 'blocked', 'challenge']) AS reason
       ) AS c WHERE count > 0
       ON CONFLICT (hour, reason) DO UPDATE SET count = EXCLUDED.count`,
      [end, seconds, seed.sms / (seed.days * 24 * 200)],
    );
    const totals = {
      users,
      verifications: await count(client, 'seed_verifications'),
      sms: await count(client, 'sms_messages'),
    };
    await client.query('COMMIT');
    return totals;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

async function count(client: ClientBase, table: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0].n;
}
