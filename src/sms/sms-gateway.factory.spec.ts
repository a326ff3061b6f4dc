import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FakeClock } from '../../test/support/fake-clock';
import { TEST_SECRETS } from '../../test/support/test-secrets';
import { Clock } from '../common/clock';
import { AppConfig, loadAppConfig } from '../config/app-config';
import { ConsoleSmsGateway } from './console-sms.gateway';
import { SmsGateway } from './sms-gateway';
import { SmsModule } from './sms.module';
import { SparrowSmsGateway } from './sparrow/sparrow-sms.gateway';

const SPARROW_ENV = {
  ...TEST_SECRETS,
  SMS_GATEWAY: 'sparrow',
  SPARROW_TOKEN: 'factory-token',
  SPARROW_FROM: 'TheAlert',
};

/** SmsModule as the app wires it: AppConfig and Clock come from global modules. */
async function compile(config: AppConfig) {
  @Global()
  @Module({
    providers: [
      { provide: AppConfig, useValue: config },
      { provide: Clock, useValue: new FakeClock() },
    ],
    exports: [AppConfig, Clock],
  })
  class GlobalsModule {}
  return Test.createTestingModule({ imports: [GlobalsModule, SmsModule] }).compile();
}

describe('SmsModule gateway factory', () => {
  it('picks Sparrow for SMS_GATEWAY=sparrow', async () => {
    const moduleRef = await compile(loadAppConfig(SPARROW_ENV));
    const gateway = moduleRef.get(SmsGateway);
    expect(gateway).toBeInstanceOf(SparrowSmsGateway);
    expect(gateway.provider).toBe('sparrow');
    await moduleRef.close();
  });

  it('picks the console gateway for SMS_GATEWAY=console (the default)', async () => {
    const moduleRef = await compile(loadAppConfig({}));
    expect(moduleRef.get(SmsGateway)).toBeInstanceOf(ConsoleSmsGateway);
    await moduleRef.close();
  });

  it('refuses the console gateway in production even if config validation was bypassed', async () => {
    // loadAppConfig itself refuses this combination; build it by hand as a bypass would
    const config: AppConfig = { ...loadAppConfig({}), nodeEnv: 'production' };
    await expect(compile(config)).rejects.toThrow(/console SMS gateway .* NODE_ENV=production/);
  });

  it('uses Sparrow in production', async () => {
    const config = loadAppConfig({
      ...SPARROW_ENV,
      NODE_ENV: 'production',
      JWT_SECRET: 'j'.repeat(32),
      OTP_HMAC_SECRET: 'o'.repeat(32),
    });
    const moduleRef = await compile(config);
    expect(moduleRef.get(SmsGateway)).toBeInstanceOf(SparrowSmsGateway);
    await moduleRef.close();
  });

  it('refuses Sparrow without a token, should the config be built by hand', async () => {
    const valid = loadAppConfig(SPARROW_ENV);
    const config: AppConfig = {
      ...valid,
      sms: { ...valid.sms, sparrow: { ...valid.sms.sparrow, token: undefined } },
    };
    await expect(compile(config)).rejects.toThrow(/SPARROW_TOKEN and SPARROW_FROM are required/);
  });
});
