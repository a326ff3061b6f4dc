import { Writable } from 'node:stream';
import { LogDestination } from '../../src/common/logging/logging.module';

/** A log destination that keeps every line, for tests that scan what the service logged. */
export class CapturedLogs extends LogDestination {
  private readonly lines: string[] = [];

  readonly stream = new Writable({
    write: (chunk: Buffer | string, _encoding, done) => {
      this.lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((line) => line.length > 0),
      );
      done();
    },
  });

  get all(): readonly string[] {
    return this.lines;
  }

  text(): string {
    return this.lines.join('\n');
  }

  parsed(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
