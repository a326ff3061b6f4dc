import { Client } from 'pg';

/**
 * The benchmark's database: the one named by BENCH_DATABASE_URL, or a fresh `pv_bench_<stamp>`
 * created on the server and dropped at the end. The app migrates it on boot.
 */
export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  /** True when this run created it (and so may drop it). */
  readonly created: boolean;
  drop(): Promise<void>;
}

export async function openBenchDatabase(options: {
  databaseUrl?: string;
  serverUrl: string;
  stamp: string;
}): Promise<BenchDatabase> {
  if (options.databaseUrl) {
    const url = new URL(options.databaseUrl);
    return {
      name: decodeURIComponent(url.pathname.slice(1)),
      url: options.databaseUrl,
      created: false,
      drop: async () => {},
    };
  }
  const name = `pv_bench_${options.stamp}`;
  await withClient(options.serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(options.serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    created: true,
    drop: async () => {
      if (!/^pv_bench_/.test(name)) throw new Error(`refusing to drop ${name}`);
      await withClient(options.serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Server connections the app holds on this database (its pool), by state. A connection is
 * briefly idle in a transaction between two statements of one; `stuckInTransaction` counts
 * those that stayed so for more than 5 s, which only a leaked transaction does.
 */
export async function appConnections(
  client: Client,
  database: string,
): Promise<{ total: number; active: number; idle: number; stuckInTransaction: number }> {
  const { rows } = await client.query<{ state: string | null; n: number; stuck: number }>(
    `SELECT state, count(*)::int AS n,
            count(*) FILTER (WHERE now() - state_change > interval '5 seconds')::int AS stuck
       FROM pg_stat_activity
      WHERE datname = $1 AND application_name = 'phone-verify' GROUP BY state`,
    [database],
  );
  const by = (state: string) => rows.find((row) => row.state === state);
  return {
    total: rows.reduce((sum, row) => sum + row.n, 0),
    active: by('active')?.n ?? 0,
    idle: by('idle')?.n ?? 0,
    stuckInTransaction: by('idle in transaction')?.stuck ?? 0,
  };
}
