import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { maskPhone } from '../common/logging/mask';
import { AppConfig } from '../config/app-config';
import type { Transaction } from '../database/database';
import { SmsDeliveryLog } from '../sms/delivery-log/sms-delivery-log';
import { Challenges } from './challenge/challenges';
import { BlockDecision, FraudService } from './fraud.service';
import { prefixOf } from './phone-target';

/** What the guard is told about one send (the send path counted the prefix's hour already). */
export interface GuardInput {
  /** E.164. */
  readonly phone: string;
  /** The number's mobile operator (NTC, NCELL …). */
  readonly operator: string;
  readonly clientIp: string;
  /** The send body's `challenge`, as the client sent it. */
  readonly challenge?: unknown;
  /** SMS sent to the number's prefix in the last hour, and how many converted. */
  readonly prefixLastHour: { readonly sent: number; readonly converted: number };
  /** From `screened`: the number or its prefix is on the allowlist. */
  readonly allowlisted: boolean;
  /** Accounts registered from the client's network in the last hour (the send's `send_facts`). */
  readonly networkRegistrationsLastHour: number;
  readonly now: Date;
}

export type GuardDecision =
  | { readonly kind: 'allow' }
  | { readonly kind: 'challenge'; readonly risk: string }
  | { readonly kind: 'block'; readonly block: BlockDecision };

const HOUR_MS = 3_600_000;
/** The operator-wide conversion moves slowly: one count per operator per instance this often. */
const OPERATOR_CACHE_MS = 10_000;
/** API.md: the operator's conversion counts only from this many SMS in the hour. */
const OPERATOR_MIN_SENDS = 100;

/**
 * The fraud guard against SMS pumping (API.md, "Fraud guard"). It decides; the send path asks,
 * twice: `screen` before the send's transaction (a block in force refuses it at once: one
 * statement over the blocks and the allowlist), `assess` inside it, once the limits passed, with
 * the prefix's hour counted by the send's own usage statement. Its signals live in PostgreSQL, so
 * every instance sees the same ones. An allowlisted number or prefix skips the guard, not the
 * limits; an operator's block applies to everyone.
 */
@Injectable()
export class FraudGuard {
  private readonly logger = new Logger(FraudGuard.name);
  private readonly operatorConversion = new Map<
    string,
    { at: number; sent: number; converted: number }
  >();

  constructor(
    private readonly fraud: FraudService,
    private readonly challenges: Challenges,
    private readonly deliveryLog: SmsDeliveryLog,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * The block in force on the number or its prefix, if any, and whether it is allowlisted, from
   * what the send's own first statement read (`send_facts`), with no statement of its own.
   */
  screened(
    phone: string,
    blocksInForce: ReadonlyArray<Record<string, unknown>> | null,
    allowlisted: boolean,
  ): { block: BlockDecision | null; allowlisted: boolean } {
    const screened = this.fraud.screenFrom(blocksInForce, allowlisted);
    if (screened.block) {
      this.logger.warn(
        { phone: maskPhone(phone), prefix: prefixOf(phone), reason: screened.block.reason },
        'send refused: the number or its prefix is blocked',
      );
    }
    return screened;
  }

  /**
   * Inside the send's transaction: blocks the prefix when, in the last hour, at least
   * FRAUD_PREFIX_MIN_SENDS SMS went to it and fewer than FRAUD_MIN_CONVERSION of them converted;
   * else asks for a proof-of-work challenge when FRAUD_CHALLENGE says so, spending the one given.
   */
  async assess(transaction: Transaction, input: GuardInput): Promise<GuardDecision> {
    if (input.allowlisted) return { kind: 'allow' };
    const { prefixMinSends, minConversion, blockSeconds, challenge } = this.config.fraud;
    const prefix = prefixOf(input.phone);
    const { sent, converted } = input.prefixLastHour;
    if (prefix && sent >= prefixMinSends && converted < sent * minConversion) {
      const reason = `pumping suspected: ${sent} SMS to prefix ${prefix} in an hour, ${converted} converted`;
      const block = await this.fraud.blockPrefix(
        transaction,
        prefix,
        blockSeconds,
        reason,
        input.now,
      );
      this.logger.warn(
        {
          phone: maskPhone(input.phone),
          prefix,
          sent,
          converted,
          until: block.until.toISOString(),
        },
        `prefix ${prefix} blocked automatically`,
      );
      return { kind: 'block', block };
    }
    if (challenge === 'never') return { kind: 'allow' };
    const risk = challenge === 'always' ? 'always' : await this.risk(transaction, input);
    if (risk === null) return { kind: 'allow' };
    if (
      input.challenge !== undefined &&
      (await this.challenges.spend(transaction, input.challenge))
    ) {
      return { kind: 'allow' };
    }
    this.logger.warn(
      {
        phone: maskPhone(input.phone),
        prefix,
        risk,
        challengeGiven: input.challenge !== undefined,
      },
      'send refused: a solved challenge is required',
    );
    return { kind: 'challenge', risk };
  }

  /**
   * Why this send is risky (API.md, FRAUD_CHALLENGE=risky), or null: the number's operator
   * converted below FRAUD_MIN_CONVERSION over the last hour (from 100 SMS on); its prefix had half
   * of FRAUD_PREFIX_MIN_SENDS with such a conversion; or the client's network registered more
   * than FRAUD_NETWORK_ACCOUNTS_PER_HOUR accounts in the hour (mobile carriers put many people
   * behind one address: a challenge, not a refusal, is the answer there).
   */
  private async risk(transaction: Transaction, input: GuardInput): Promise<string | null> {
    const { prefixMinSends, minConversion, networkAccountsPerHour } = this.config.fraud;
    const { sent, converted } = input.prefixLastHour;
    if (sent >= prefixMinSends / 2 && converted < sent * minConversion) return 'prefix';
    const operator = await this.operatorHour(transaction, input.operator, input.now);
    if (operator.sent >= OPERATOR_MIN_SENDS && operator.converted < operator.sent * minConversion) {
      return 'operator';
    }
    return input.networkRegistrationsLastHour > networkAccountsPerHour ? 'network' : null;
  }

  private async operatorHour(
    transaction: Transaction,
    operator: string,
    now: Date,
  ): Promise<{ sent: number; converted: number }> {
    const cached = this.operatorConversion.get(operator);
    const at = this.clock.now().getTime();
    if (cached && at - cached.at < OPERATOR_CACHE_MS) return cached;
    const counted = await this.deliveryLog.operatorConversion(
      transaction,
      operator,
      new Date(now.getTime() - HOUR_MS),
    );
    this.operatorConversion.set(operator, { at, ...counted });
    return counted;
  }
}
