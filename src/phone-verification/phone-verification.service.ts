import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { UnauthenticatedError, ValidationFailedError } from '../common/errors/domain-error';
import { ipLimitSubject } from '../common/http/ip-keys';
import { maskPhone } from '../common/logging/mask';
import { AppConfig } from '../config/app-config';
import { Connection, Database, Queryable, Statement, Transaction } from '../database/database';
import { foreignKeyViolationConstraint } from '../database/database-errors';
import type { SmsLocale } from '../config/environment';
import { secondsUntilNextUtcDay, SmsDeliveryLog } from '../sms/delivery-log/sms-delivery-log';
import { chooseSmsLocale } from '../sms/message/sms-locale';
import { OtpSms, OtpSmsText } from '../sms/otp-sms';
import { SmsDelivery, SmsRouter } from '../sms/routing/sms-router';
import { SmsGatewayError, SmsGatewayUnavailableError } from '../sms/sms.errors';
import { ChallengeRequiredError, PhoneBlockedError } from '../fraud/fraud.errors';
import { FraudGuard } from '../fraud/fraud-guard';
import { prefixOf } from '../fraud/phone-target';
import type { CheckOutcome as CheckMetric, SendRefusalReason } from '../metrics/metrics-registry';
import { MetricsService } from '../metrics/metrics.service';
import { UsersService } from '../users/users.service';
import { PhoneInUseError } from '../users/users.errors';
import { generateOtp, hashOtp, normaliseOtpInput, otpMatchesEitherSecret } from './otp/otp-code';
import { isMobileOperator, MobileOperator } from './phone-number/mobile-operators';
import { ParsedPhone, parsePhoneNumber } from './phone-number/phone-number';
import { PhoneVerification } from './phone-verification.entity';
import {
  InvalidCodeError,
  InvalidPhoneError,
  PhoneAlreadyVerifiedError,
  ResendCooldownError,
  SendLimit,
  SendLimitReachedError,
  TooManyAttemptsError,
  VerificationExpiredError,
  VerificationNotFoundError,
} from './phone-verification.errors';
import { PhoneVerificationRepository, SendFactsRow } from './phone-verification.repository';
import {
  DAY,
  decideCallerLimits,
  decideNumberLimits,
  HOUR,
  SendDecision,
  SendLimits,
  secondsUntil,
  windowStarts,
} from './send-limits';
import { toVerificationView, VerificationView } from './verification.view';

/** A request for a code by SMS, as the controller hands it over. */
export interface StartVerification {
  userId: string;
  /** As typed: parsed here. */
  phone: unknown;
  clientIp: string;
  /** The body's `locale`, when given. */
  locale?: SmsLocale;
  acceptLanguage?: string;
  /** The body's `challenge` (a solved proof of work), when given. */
  challenge?: unknown;
}

/** One send being reserved: who asks, for which number, with which SMS. */
interface SendRequest {
  userId: string;
  phone: ParsedPhone;
  clientIp: string;
  sms: OtpSmsText;
  challenge?: unknown;
  now: Date;
}

/** A send answered without an SMS: the answer, once what led to it was committed. */
interface SendAnswer {
  answer: Error;
}

/** What a send reserved before calling the gateway, so it can be confirmed or undone. */
interface SendReservation {
  verificationId: string;
  smsId: string;
  /** A new verification was created for this send (as opposed to a resend on a pending one). */
  created: boolean;
}

type CheckOutcome =
  | { kind: 'approved'; verification: PhoneVerification }
  | { kind: 'wrong-code'; attemptsLeft: number }
  | { kind: 'expired' }
  | { kind: 'too-many-attempts'; retryAfterSeconds: number }
  | { kind: 'not-found' };

// Reads a check may make when parallel requests keep changing the verification (see judge).
const MAX_JUDGEMENTS = 4;

/**
 * The OTP lifecycle. A send is two short steps around the gateway call: a transaction that
 * checks every limit under locks and reserves the SMS, then, once a gateway took the SMS (or
 * may have: an unknown outcome), the code's hash is stored. Until then no code is usable; an SMS
 * that certainly did not go out (refused, not reached) releases the reservation: no cooldown, no
 * quota, no code left behind. A check reads the verification and writes its verdict with a
 * conditional UPDATE (see judge).
 */
@Injectable()
export class PhoneVerificationService {
  private readonly logger = new Logger(PhoneVerificationService.name);
  private readonly limits: SendLimits;
  private readonly allowedOperators: readonly MobileOperator[];

  constructor(
    private readonly db: Database,
    private readonly verifications: PhoneVerificationRepository,
    private readonly deliveryLog: SmsDeliveryLog,
    private readonly router: SmsRouter,
    private readonly otpSms: OtpSms,
    private readonly users: UsersService,
    private readonly guard: FraudGuard,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    const otp = config.otp;
    this.limits = {
      resendCooldownSeconds: otp.resendCooldownSeconds,
      pendingSettlesWithinSeconds: Math.ceil(deliveryLog.pendingSettlesWithinMs / 1000),
      perPhone: { max: otp.maxSendsPerPhonePerHour, windowSeconds: HOUR },
      perPhonePerDay: otp.maxSmsPerPhonePerDay,
      perUser: { max: otp.maxSendsPerUserPerDay, windowSeconds: DAY },
      perIp: { max: otp.maxSendsPerIpPerHour, windowSeconds: HOUR },
      perNetworkPerDay: config.fraud.smsPerNetworkPerDay,
    };
    this.allowedOperators = otp.allowedOperators.filter(isMobileOperator);
  }

  async start(input: StartVerification): Promise<VerificationView> {
    const phone = this.parsePhone(input.phone);
    const now = this.clock.now();
    const code = this.router.testCodeFor(phone.e164) ?? generateOtp(this.config.otp.length);
    const locale = chooseSmsLocale(
      input.locale,
      input.acceptLanguage,
      this.config.sms.defaultLocale,
    );
    const request: SendRequest = {
      userId: input.userId,
      phone,
      clientIp: input.clientIp,
      sms: this.otpSms.compose(locale, code),
      challenge: input.challenge,
      now,
    };
    const countsQuery = this.deliveryLog.countsQuery({
      toPhone: phone.e164,
      userId: input.userId,
      clientIp: input.clientIp,
      now,
      ...windowStarts(this.limits, now),
    });
    // BEGIN, the locks and everything the decision reads: one round trip (send_facts)
    const reservation = await this.db
      .transaction(
        (transaction, opened) =>
          this.reserveSend(transaction, request, this.verifications.sendFactsFrom(opened.rows[0])),
        this.verifications.sendLocks(input.userId, phone.e164, ipLimitSubject(input.clientIp)),
        this.verifications.sendFacts({ ...countsQuery, prefix: prefixOf(phone.e164), now }),
      )
      .catch((error: unknown) => {
        // The day's budget is taken as the reservation commits; a refused commit rolled it all back.
        const budget = this.deliveryLog.budgetRefusal(error, now);
        throw budget ? this.refused('budget', budget) : asAccountGone(error);
      });
    // answered without an SMS, once what led to the answer was committed (an answer counted
    // against the caller, a prefix blocked, a challenge spent)
    if ('answer' in reservation) throw reservation.answer;
    // the SMS's outcome and the code's activation: one statement, after the gateway
    const delivery = await this.router.deliver({
      smsId: reservation.smsId,
      to: phone.e164,
      text: request.sms.text,
      operator: phone.operator,
      onDelivered: this.activation(reservation, code, now),
    });
    switch (delivery.outcome.kind) {
      case 'sent':
        return this.view(await this.activated(reservation, delivery));
      case 'unknown':
        // It may arrive: its code must then work, and it counts (the cooldown runs).
        await this.activated(reservation, delivery);
        throw SmsGatewayUnavailableError.outcomeUnknown(
          Math.max(1, this.limits.resendCooldownSeconds),
        );
      case 'refused':
        await this.discardUnsent(reservation);
        throw new SmsGatewayError(delivery.outcome.cause);
      case 'unreached':
        await this.discardUnsent(reservation);
        throw SmsGatewayUnavailableError.unreached();
    }
  }

  async check(userId: string, phoneInput: unknown, codeInput: unknown): Promise<VerificationView> {
    const phone = this.parsePhone(phoneInput).e164;
    const code = normaliseOtpInput(codeInput, this.config.otp.length);
    if (code === undefined) {
      throw new ValidationFailedError([
        { field: 'code', message: `must be the ${this.config.otp.length}-digit code` },
      ]);
    }
    const now = this.clock.now();
    const outcome = await this.db.withConnection((connection) =>
      this.judge(connection, userId, phone, code, now),
    );
    this.metrics.check(CHECK_METRIC[outcome.kind]);
    switch (outcome.kind) {
      case 'approved':
        return this.view(outcome.verification);
      case 'wrong-code':
        throw new InvalidCodeError(outcome.attemptsLeft);
      case 'expired':
        throw new VerificationExpiredError();
      case 'too-many-attempts':
        throw new TooManyAttemptsError(outcome.retryAfterSeconds);
      case 'not-found':
        throw new VerificationNotFoundError();
    }
  }

  async get(userId: string, id: string): Promise<VerificationView> {
    const verification = await this.verifications.findOwned(userId, id);
    if (!verification) throw new VerificationNotFoundError();
    return this.view(verification);
  }

  /** Idempotent: a pending verification becomes `canceled`; others are left as they are. */
  async cancel(userId: string, id: string): Promise<void> {
    const found = await this.verifications.cancelOwned(userId, id, this.clock.now());
    if (!found) throw new VerificationNotFoundError();
  }

  /**
   * Decides a send under its locks, on what `send_facts` read as they were taken, in the order
   * API.md gives: a block in force on the number or its prefix; the caller's own limits
   * (account, IP) before anything else about the number, so that whether a number is registered
   * is only ever answered within them, and each such answer counts against them; then the
   * number's cooldown and limit; then the fraud guard; then the verification and the SMS are
   * reserved, with the COMMIT (send_reserve). The usual send makes no other statement.
   */
  private async reserveSend(
    transaction: Transaction,
    request: SendRequest,
    facts: SendFactsRow,
  ): Promise<SendReservation | SendAnswer> {
    const { userId, phone: parsed, clientIp, sms, now } = request;
    const phone = parsed.e164;
    const keys = { phone, userId, clientIp };
    const screened = this.guard.screened(phone, facts.blocks, facts.allowlisted);
    if (screened.block) {
      return { answer: this.refused('blocked', blockedUntil(screened.block.until, now)) };
    }
    const usage = this.deliveryLog.usageFrom(facts);
    const own = decideCallerLimits(usage, this.limits);
    if (!own.allowed) throw await this.refusal(transaction, own, keys, now);

    const owner = facts.ownerId;
    if (owner) {
      await this.deliveryLog.recordAnswer(transaction, {
        userId,
        toPhone: phone,
        clientIp,
        at: now,
      });
      return { answer: owner === userId ? new PhoneAlreadyVerifiedError() : new PhoneInUseError() };
    }
    const forNumber = decideNumberLimits(usage, this.limits, now);
    if (!forNumber.allowed) throw await this.refusal(transaction, forNumber, keys, now);

    const guard = await this.guard.assess(transaction, {
      phone,
      operator: parsed.operator,
      clientIp,
      challenge: request.challenge,
      prefixLastHour: usage.prefixLastHour,
      allowlisted: screened.allowlisted,
      networkRegistrationsLastHour: facts.networkRegistrations,
      now,
    });
    if (guard.kind === 'block') {
      return { answer: this.refused('blocked', blockedUntil(guard.block.until, now)) };
    }
    if (guard.kind === 'challenge') {
      return { answer: this.refused('challenge', new ChallengeRequiredError()) };
    }

    const fresh = this.newVerification(randomUUID(), userId, phone, clientIp, now);
    const { row: smsRow, dailyBudget } = this.deliveryLog.pendingRow({
      verificationId: fresh.id,
      userId,
      toPhone: phone,
      clientIp,
      provider: this.router.firstChoice(phone),
      operator: parsed.operator,
      encoding: sms.encoding,
      segments: sms.segments,
      at: now,
    });
    const { rows } = await transaction.commitWith<{ verificationId: string; created: boolean }>(
      this.verifications.sendReserve(fresh, smsRow, dailyBudget),
    );
    return { verificationId: rows[0].verificationId, smsId: smsRow.id, created: rows[0].created };
  }

  private async refusal(
    on: Queryable,
    decision: Exclude<SendDecision, { allowed: true }>,
    keys: { phone: string; userId: string; clientIp: string },
    now: Date,
  ): Promise<Error> {
    if (decision.reason === 'cooldown') {
      return this.refused('cooldown', new ResendCooldownError(decision.retryAfterSeconds));
    }
    this.logger.warn({ limit: decision.limit, phone: maskPhone(keys.phone) }, 'send limit reached');
    const reason = REFUSAL_REASON[decision.limit];
    if (decision.reason === 'daily') {
      return this.refused(
        reason,
        new SendLimitReachedError(decision.limit, secondsUntilNextUtcDay(now)),
      );
    }
    const { windowSeconds } = {
      toPhoneByUser: this.limits.perPhone,
      byUser: this.limits.perUser,
      fromIp: this.limits.perIp,
    }[decision.counter];
    const since = new Date(now.getTime() - windowSeconds * 1000);
    const leavesAt = await this.deliveryLog.countedAt(
      on,
      decision.counter,
      { toPhone: keys.phone, userId: keys.userId, clientIp: keys.clientIp },
      since,
      decision.over - 1,
    );
    const retryAfter = leavesAt
      ? secondsUntil(leavesAt.getTime() + windowSeconds * 1000, now)
      : windowSeconds;
    return this.refused(reason, new SendLimitReachedError(decision.limit, retryAfter));
  }

  /** A send refused before any SMS, counted in the metrics and the statistics by its reason. */
  private refused<E extends Error>(reason: SendRefusalReason, error: E): E {
    this.metrics.sendRefused(reason);
    return error;
  }

  /**
   * Judges the code on an unlocked read, then writes only if the verification is still what was
   * judged: two statements, no transaction for a wrong code. If a parallel request changed the
   * row in between (another check, a cancel, a resend), the code is judged again on the row as
   * it is now. Every such change but a resend ends the verification, so the next read settles.
   */
  private async judge(
    connection: Connection,
    userId: string,
    phone: string,
    code: string,
    now: Date,
  ): Promise<CheckOutcome> {
    let attemptsLeft = 0;
    for (let judgement = 1; judgement <= MAX_JUDGEMENTS; judgement += 1) {
      const found = this.openForCode(
        await this.verifications.findLatestSent(connection, userId, phone),
        now,
      );
      if ('outcome' in found) return found.outcome;
      const { verification } = found;
      const { id, codeHash } = verification;
      attemptsLeft = verification.attemptsLeft;
      if (!otpMatchesEitherSecret(this.config.otp, id, code, codeHash)) {
        const left = await this.verifications.spendAttempt(connection, id, codeHash);
        if (left !== null) return { kind: 'wrong-code', attemptsLeft: left };
      } else if (await this.approveAndAttach(connection, id, codeHash, userId, phone, now)) {
        return {
          kind: 'approved',
          verification: { ...verification, status: 'approved', approvedAt: now },
        };
      }
    }
    // Only resends, one after another, can keep changing the code under a check (each one an SMS,
    // bounded by the send limits): the code given belongs to an SMS already replaced.
    return { kind: 'wrong-code', attemptsLeft };
  }

  /** The verification if a code may be judged against it now, else the outcome its state decides. */
  private openForCode(
    verification: PhoneVerification | null,
    now: Date,
  ): { outcome: CheckOutcome } | { verification: PhoneVerification & { codeHash: Buffer } } {
    if (!verification || verification.status === 'approved' || verification.status === 'canceled') {
      return { outcome: { kind: 'not-found' } };
    }
    if (verification.status === 'failed' || verification.attemptsLeft <= 0) {
      return {
        outcome: {
          kind: 'too-many-attempts',
          retryAfterSeconds: this.secondsUntilResend(verification, now),
        },
      };
    }
    const { codeHash } = verification;
    if (verification.status === 'expired' || verification.expiresAt <= now || !codeHash)
      return { outcome: { kind: 'expired' } };
    return { verification: { ...verification, codeHash } };
  }

  /** Approval and the user's verified number, in one transaction: both or neither. */
  private approveAndAttach(
    connection: Connection,
    id: string,
    judgedHash: Buffer,
    userId: string,
    phone: string,
    now: Date,
  ): Promise<boolean> {
    return connection.transaction(async (transaction) => {
      if (!(await this.verifications.approve(transaction, id, judgedHash, now))) return false;
      // the unique index on users.phone_number decides a race between two accounts: PhoneInUseError rolls back
      await this.users.attachVerifiedPhone(transaction, userId, phone, now);
      // the SMS that carried this code is marked converted by a trigger on the approval
      // (migration DeriveKeysOfOlderReleases): the fraud guard and the statistics count it
      return true;
    });
  }

  /**
   * How long until a new verification of the number may be sent (the cooldown from the last
   * SMS): what a client stopped by TOO_MANY_ATTEMPTS must wait for. At least a second, so that a
   * client obeying Retry-After never loops on the check.
   */
  private secondsUntilResend(verification: PhoneVerification, now: Date): number {
    if (!verification.lastSentAt) return 1;
    const availableAt =
      verification.lastSentAt.getTime() + this.limits.resendCooldownSeconds * 1000;
    return secondsUntil(Math.max(availableAt, now.getTime() + 1), now);
  }

  /** Once the SMS is out (or may be), its code becomes the one that works. */
  private activation(reservation: SendReservation, code: string, sentAt: Date): Statement {
    const { verificationId } = reservation;
    return this.verifications.activation(
      verificationId,
      hashOtp(this.config.otp.hmacSecret, verificationId, code),
      sentAt,
      new Date(sentAt.getTime() + this.config.otp.ttlSeconds * 1000),
    );
  }

  private async activated(
    reservation: SendReservation,
    delivery: SmsDelivery,
  ): Promise<PhoneVerification> {
    const verification = await this.verifications.activated(
      reservation.verificationId,
      delivery.deliveredRows,
    );
    if (!verification) throw new VerificationNotFoundError();
    return verification;
  }

  /** No SMS went out: a verification created for it leaves nothing behind. */
  private async discardUnsent(reservation: SendReservation): Promise<void> {
    if (!reservation.created) return;
    try {
      await this.verifications.deleteUnsent(reservation.verificationId);
    } catch (error) {
      // Harmless to leave: it has no code, and the next send to the number reuses it.
      this.logger.error(
        { err: error, verificationId: reservation.verificationId },
        'could not discard a verification whose SMS did not go out',
      );
    }
  }

  private parsePhone(input: unknown): ParsedPhone {
    const parsed = parsePhoneNumber(input, this.allowedOperators);
    if (!parsed.ok) throw new InvalidPhoneError(parsed.message);
    return parsed;
  }

  private newVerification(
    id: string,
    userId: string,
    phone: string,
    clientIp: string,
    now: Date,
  ): PhoneVerification {
    return Object.assign(new PhoneVerification(), {
      id,
      userId,
      phone,
      codeHash: null,
      status: 'pending',
      attemptsLeft: this.config.otp.maxAttempts,
      sendCount: 0,
      expiresAt: new Date(now.getTime() + this.config.otp.ttlSeconds * 1000),
      lastSentAt: null,
      approvedAt: null,
      canceledAt: null,
      clientIp,
      createdAt: now,
    } satisfies PhoneVerification);
  }

  private view(verification: PhoneVerification): VerificationView {
    return toVerificationView(
      verification,
      this.clock.now(),
      this.config.otp.resendCooldownSeconds,
    );
  }
}

/** A verification inserted for a user deleted in the meantime: their token is no longer good. */
function asAccountGone(error: unknown): unknown {
  return foreignKeyViolationConstraint(error) === 'phone_verifications_user_id_fkey'
    ? new UnauthenticatedError('This account no longer exists.')
    : error;
}

/** How each verdict of a check counts in the metrics. */
const CHECK_METRIC: Record<CheckOutcome['kind'], CheckMetric> = {
  approved: 'approved',
  'wrong-code': 'wrong_code',
  expired: 'expired',
  'too-many-attempts': 'too_many_attempts',
  'not-found': 'not_found',
};

/** How each send limit counts in the metrics and the statistics. */
const REFUSAL_REASON: Record<SendLimit, SendRefusalReason> = {
  phone: 'phone',
  'phone-day': 'phone',
  user: 'user',
  ip: 'ip',
  network: 'ip',
};

function blockedUntil(until: Date, now: Date): PhoneBlockedError {
  return new PhoneBlockedError(secondsUntil(until.getTime(), now));
}
