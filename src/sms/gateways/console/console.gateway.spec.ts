import { RecordingLogger } from '../../../../test/fakes/recording-logger';
import { ConsoleGateway } from './console.gateway';

describe('ConsoleGateway', () => {
  const text = '482913 is your Example verification code. It expires in 10 minutes.';

  it('logs the whole text with the masked number, sends nothing, and reports it sent', async () => {
    const logger = new RecordingLogger();
    const gateway = new ConsoleGateway('development', logger);

    const outcome = await gateway.send({ to: '+9779812345678', text });

    expect(outcome).toEqual({ kind: 'sent', messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(logger.entries).toHaveLength(1);
    const [entry] = logger.entries;
    expect(entry.level).toBe('log');
    expect(entry.args[0]).toEqual({ gateway: 'console', to: '+97798XXXX5678' });
    expect(entry.args[1]).toBe(`SMS to +97798XXXX5678 (console gateway, not sent):\n${text}`);
    expect(logger.text()).not.toContain('9812345678');
  });

  it('gives each message its own id', async () => {
    const gateway = new ConsoleGateway('test', new RecordingLogger());
    const [one, two] = await Promise.all([
      gateway.send({ to: '+9779812345678', text }),
      gateway.send({ to: '+9779812345678', text }),
    ]);
    const ids = [one, two].map((outcome) => (outcome.kind === 'sent' ? outcome.messageId : ''));
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(2);
  });

  it('works in tests too, and has no balance', async () => {
    const gateway = new ConsoleGateway('test', new RecordingLogger());
    expect(gateway.name).toBe('console');
    await expect(gateway.balance()).resolves.toBeUndefined();
  });

  it('refuses to exist in production', () => {
    expect(() => new ConsoleGateway('production', new RecordingLogger())).toThrow(
      /refused when NODE_ENV=production/,
    );
  });
});
