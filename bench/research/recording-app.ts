import type { Client } from 'pg';
import { BenchAppEnv, benchAppEnv } from '../app-env';
import { AppProcess, assertBuilt } from '../app-process';
import { openBenchDatabase, withClient } from '../database';
import { QueryRecorder } from './query-recorder';
import { readBenchSettings, runStamp } from '../settings';
import { SmsInbox } from '../sms-inbox';

/** What a diagnostic run gets: the started app, its recorder and a client on its database. */
export interface RecordingApp {
  readonly app: AppProcess;
  readonly recorder: QueryRecorder;
  readonly appEnv: BenchAppEnv;
  readonly inbox: SmsInbox;
  readonly client: Client;
  readonly stamp: string;
}

/**
 * The built app on the benchmark's database (BENCH_* settings) with the query recorder
 * preloaded and the fake Sparrow behind it, for one-request-at-a-time diagnostics
 * (roundtrips.ts, explain.ts). Everything is stopped, and a fresh database dropped, once `work`
 * is done.
 */
export async function withRecordingApp(
  name: string,
  work: (run: RecordingApp) => Promise<void>,
): Promise<void> {
  assertBuilt();
  const settings = readBenchSettings();
  const stamp = runStamp();
  const inbox = new SmsInbox();
  const sparrowUrl = await inbox.start();
  const database = await openBenchDatabase({ ...settings, stamp });
  const appEnv = benchAppEnv({ databaseUrl: database.url, sparrowUrl, accessTtlSeconds: 3600 });
  const recorder = new QueryRecorder(settings.workDir);
  const app = new AppProcess({
    name,
    port: settings.basePort,
    env: { ...appEnv.env, ...recorder.env },
    log: 'devnull',
    workDir: settings.workDir,
    nodeArgs: recorder.nodeArgs,
  });
  try {
    await app.start();
    await withClient(database.url, (client) =>
      work({ app, recorder, appEnv, inbox, client, stamp }),
    );
  } finally {
    await app.stop();
    await inbox.stop();
    if (database.created && !settings.keepDatabase) await database.drop();
  }
}
