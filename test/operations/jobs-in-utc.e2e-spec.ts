import { SchedulerRegistry } from '@nestjs/schedule';
import { createTestApp, TestApp } from '../support/test-app';

/** docs/operations.md, "Retention": every daily job runs at 03:00 UTC, whatever the server's zone. */
describe('Scheduled jobs', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it('every cron job of the service runs in UTC', () => {
    const jobs = [...app.app.get(SchedulerRegistry).getCronJobs()].map(([name, job]) => ({
      name,
      timeZone: job.cronTime.timeZone,
      source: String(job.cronTime.source),
    }));
    process.stdout.write(`[jobs-in-utc] ${JSON.stringify(jobs)}\n`);
    expect(jobs.map((job) => job.name)).toEqual(
      expect.arrayContaining([
        'auth-cleanup',
        'verification-retention',
        'sms-delivery-log-retention',
      ]),
    );
    expect(jobs.filter((job) => job.timeZone !== 'UTC')).toEqual([]);
  });
});
