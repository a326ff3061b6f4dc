import { RecordingLogger } from '../../test/fakes/recording-logger';
import { FakeClock } from '../../test/support/fake-clock';
import { ConsoleSmsGateway } from './console-sms.gateway';

describe('ConsoleSmsGateway', () => {
  const text = '482913 is your Example verification code. It expires in 10 minutes.';

  it('logs the whole text with the masked number, and sends nothing', async () => {
    const logger = new RecordingLogger();
    const clock = new FakeClock(new Date('2026-11-22T10:00:00Z'));
    const gateway = new ConsoleSmsGateway('development', clock, logger);

    const receipt = await gateway.send({ to: '+9779812345678', text });

    expect(logger.entries).toHaveLength(1);
    const [entry] = logger.entries;
    expect(entry.level).toBe('log');
    expect(entry.args[0]).toEqual({ provider: 'console', to: '+97798XXXX5678' });
    expect(entry.args[1]).toBe(`SMS to +97798XXXX5678 (console gateway, not sent):\n${text}`);
    expect(logger.text()).not.toContain('9812345678');
    expect(receipt).toEqual({
      provider: 'console',
      providerMessageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      acceptedAt: new Date('2026-11-22T10:00:00Z'),
    });
  });

  it('works in tests too', () => {
    expect(new ConsoleSmsGateway('test', new FakeClock()).provider).toBe('console');
  });

  it('refuses to exist in production', () => {
    expect(() => new ConsoleSmsGateway('production', new FakeClock())).toThrow(
      /refused when NODE_ENV=production/,
    );
  });
});
