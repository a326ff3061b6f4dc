import { FRAUD_GUARD_OFF } from '../../test/support/fraud-guard-off';
import { ProductionAppOptions, productionAppEnv } from '../app-env';
import type { GuardMode } from './settings';

/**
 * The app as a small production site runs it: every limit and every setting of the fraud guard
 * at its default, the real Sparrow adapter pointed at the fake server, and the client address
 * taken from X-Forwarded-For when the request comes from loopback (the simulation presents many
 * clients' addresses). Two things differ from the defaults: SMS_DAILY_BUDGET (PUMPING_SMS_DAILY_BUDGET,
 * so the run without the guard is not ended by the budget), and, for `off`, the guard's switches
 * as test/support/fraud-guard-off.ts sets them.
 */
export function pumpingAppEnv(
  options: ProductionAppOptions & { mode: GuardMode; smsDailyBudget: number },
): Record<string, string> {
  return {
    ...productionAppEnv(options),
    TRUST_PROXY: 'loopback',
    SMS_DAILY_BUDGET: String(options.smsDailyBudget),
    ...(options.mode === 'off' ? FRAUD_GUARD_OFF : {}),
  };
}
