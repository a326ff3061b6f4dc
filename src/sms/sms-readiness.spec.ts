import { HttpService } from '@nestjs/axios';
import { FakeSparrowServer, sparrowReplies } from '../../test/fakes/fake-sparrow-server';
import { RecordingLogger } from '../../test/fakes/recording-logger';
import { FakeClock } from '../../test/support/fake-clock';
import { loadAppConfig } from '../config/app-config';
import { READINESS_WAIT_MS, SmsReadiness } from './sms-readiness';
import { SparrowCredits } from './sparrow/sparrow-credits';

describe('SmsReadiness', () => {
  const sparrow = new FakeSparrowServer({ credits: 42 });
  beforeAll(() => sparrow.start());
  afterAll(() => sparrow.stop());
  beforeEach(() => sparrow.reset());

  function readiness(timeoutMs: number): SmsReadiness {
    const config = loadAppConfig({
      SMS_GATEWAY: 'sparrow',
      SPARROW_BASE_URL: sparrow.url,
      SPARROW_TOKEN: 'token',
      SPARROW_FROM: 'TheAlert',
      SPARROW_TIMEOUT_MS: String(timeoutMs),
    });
    const credits = new SparrowCredits(
      new HttpService(),
      config,
      new FakeClock(),
      new RecordingLogger(),
    );
    return new SmsReadiness(credits);
  }

  it('reports nothing without Sparrow (console gateway)', async () => {
    await expect(new SmsReadiness(undefined).report()).resolves.toBeUndefined();
  });

  it('reports the Sparrow credit balance', async () => {
    await expect(readiness(1000).report()).resolves.toEqual({
      status: 'up',
      provider: 'sparrow',
      creditsAvailable: 42,
    });
  });

  it('does not keep a readiness probe waiting on a slow Sparrow, and fills the cache meanwhile', async () => {
    sparrow.respondNextWith(sparrowReplies.slow(READINESS_WAIT_MS + 300));
    const subject = readiness(5000);
    const started = performance.now();
    await expect(subject.report()).resolves.toEqual({ status: 'unknown', provider: 'sparrow' });
    expect(performance.now() - started).toBeLessThan(READINESS_WAIT_MS + 200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await expect(subject.report()).resolves.toMatchObject({ status: 'up', creditsAvailable: 42 });
    expect(sparrow.requests).toHaveLength(1);
  });
});
