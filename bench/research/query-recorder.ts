import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppProcess } from '../app-process';

export interface RecordedQuery {
  text: string;
  values: unknown[];
}

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

  async take(app: AppProcess): Promise<RecordedQuery[]> {
    process.kill(app.pid, 'SIGUSR2');
    const wanted = ++this.dumps;
    for (let i = 0; i < 250; i++) {
      await sleep(20);
      if (!existsSync(this.file)) continue;
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as {
        dump: number;
        queries: RecordedQuery[];
      };
      if (data.dump === wanted) return data.queries;
    }
    throw new Error('the query recorder did not answer');
  }
}
