import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppProcess } from '../app-process';

export interface RecordedQuery {
  text: string;
  values: unknown[];
}

/** A statement, or the place where the app made an HTTP request (its SMS gateway). */
export type RecordedStep = RecordedQuery | { http: true };

/**
 * The harness side of bench/research/record-queries.cjs: the node options and environment
 * that preload the recorder into an app process, and `take()`, which asks it (SIGUSR2) for the
 * statements sent since the last call.
 */
export class QueryRecorder {
  private dumps = 0;
  readonly file: string;

  constructor(workDir: string) {
    this.file = join(workDir, `queries-${process.pid}.json`);
  }

  get nodeArgs(): string[] {
    return ['--require', join(__dirname, 'record-queries.cjs')];
  }

  get env(): Record<string, string> {
    return { BENCH_QUERY_LOG_FILE: this.file };
  }

  /** The statements sent since the last call. */
  async take(app: AppProcess): Promise<RecordedQuery[]> {
    return (await this.takeSteps(app)).filter((step): step is RecordedQuery => !('http' in step));
  }

  /** The statements sent since the last call, and where HTTP requests went out among them. */
  async takeSteps(app: AppProcess): Promise<RecordedStep[]> {
    process.kill(app.pid, 'SIGUSR2');
    const wanted = ++this.dumps;
    for (let i = 0; i < 250; i++) {
      await sleep(20);
      if (!existsSync(this.file)) continue;
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as {
        dump: number;
        queries: RecordedStep[];
      };
      if (data.dump === wanted) return data.queries;
    }
    throw new Error('the query recorder did not answer');
  }
}
