import type { Client } from 'pg';
import { DomainError } from '../../src/common/errors/domain-error';
import {
  InvalidCodeError,
  PhoneAlreadyVerifiedError,
  ResendCooldownError,
  SendLimitReachedError,
  TooManyAttemptsError,
  VerificationExpiredError,
  VerificationNotFoundError,
} from '../../src/phone-verification/phone-verification.errors';
import { PhoneVerificationService } from '../../src/phone-verification/phone-verification.service';
import { VerificationView } from '../../src/phone-verification/verification.view';
import { SmsGatewayError } from '../../src/sms/sms.errors';
import { PhoneInUseError } from '../../src/users/users.errors';
import { UsersService } from '../../src/users/users.service';
import { holdRowLocks, waitForLockWaiters } from '../support/row-locks';
import { createServiceTier, rejection, ServiceTier } from '../support/service-tier';
import { e164, uniqueIp, uniquePhone, uniqueUsername, wrongCode } from '../support/test-values';

const MAX_ATTEMPTS = 5;
const TTL_SECONDS = 600;
const COOLDOWN_SECONDS = 60;
const SENDS_PER_USER_PER_DAY = 3;

const ENV = {
  OTP_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
  OTP_TTL_SECONDS: String(TTL_SECONDS),
  OTP_RESEND_COOLDOWN_SECONDS: String(COOLDOWN_SECONDS),
  OTP_MAX_SENDS_PER_USER_PER_DAY: String(SENDS_PER_USER_PER_DAY),
  OTP_MAX_SENDS_PER_IP_PER_HOUR: '1000',
};

/** The row as the database holds it, for what the service's answers do not show. */
interface StoredVerification {
  id: string;
  status: string;
  attemptsLeft: number;
  sendCount: number;
  /** The code's HMAC, hex; null before a code went out. */
  codeHash: string | null;
}

/**
 * What a call ended in, as a client would see it: `approved`/`pending`… for a verification, the
 * error's code (and attempts left) for a DomainError, anything else (a 500) spelt out so an
 * assertion shows it.
 */
function outcome(call: Promise<VerificationView>): Promise<string> {
  return call.then(
    (view) => view.status,
    (error: unknown) => {
      if (!(error instanceof DomainError)) return `unexpected error: ${String(error)}`;
      const { attemptsLeft } = error.extensions;
      return typeof attemptsLeft === 'number' ? `${error.code} (${attemptsLeft} left)` : error.code;
    },
  );
}

describe('PhoneVerificationService on PostgreSQL (service tier)', () => {
  let tier: ServiceTier;
  let service: PhoneVerificationService;
  let users: UsersService;
  let sql: Client;

  beforeAll(async () => {
    tier = await createServiceTier({ env: ENV });
    service = tier.get(PhoneVerificationService);
    users = tier.get(UsersService);
    sql = await tier.connect();
  });
  afterAll(() => tier?.close());

  /** A fresh account (these tests never log in, so its password hash is never read). */
  async function newUser(): Promise<string> {
    const user = await users.create({ username: uniqueUsername('pv'), passwordHash: 'unused' });
    return user.id;
  }

  function send(userId: string, phone: string, clientIp = uniqueIp()): Promise<VerificationView> {
    return service.start({ userId, phone, clientIp });
  }

  const lastCode = (phone: string) => tier.sms.lastCodeFor(e164(phone));

  async function stored(id: string): Promise<StoredVerification> {
    const { rows } = await sql.query<StoredVerification>(
      `SELECT id, status, attempts_left AS "attemptsLeft", send_count AS "sendCount",
              encode(code_hash, 'hex') AS "codeHash"
         FROM phone_verifications WHERE id = $1`,
      [id],
    );
    if (rows.length !== 1) throw new Error(`no verification ${id}`);
    return rows[0];
  }

  /** Every account whose verified number `phone` is. */
  async function ownersOf(phone: string): Promise<string[]> {
    const { rows } = await sql.query<{ id: string }>(
      `SELECT id FROM users WHERE phone_number = $1 AND phone_verified`,
      [e164(phone)],
    );
    return rows.map((row) => row.id);
  }

  describe('send and check', () => {
    it('a send then the right code: approved, and the account holds the number', async () => {
      const userId = await newUser();
      const phone = uniquePhone();
      const now = tier.clock.now();

      const sent = await send(userId, phone);
      expect(sent).toMatchObject({
        phone: e164(phone),
        status: 'pending',
        attemptsLeft: MAX_ATTEMPTS,
        resendAvailableAt: new Date(now.getTime() + COOLDOWN_SECONDS * 1000).toISOString(),
        approvedAt: null,
      });
      expect(tier.sms.codesFor(e164(phone))).toHaveLength(1);
      const code = lastCode(phone);
      expect(code).toMatch(/^\d{6}$/);
      // only its HMAC is stored
      expect((await stored(sent.id)).codeHash).toMatch(/^[0-9a-f]{64}$/);

      const approved = await service.check(userId, phone, code);
      expect(approved).toMatchObject({
        id: sent.id,
        status: 'approved',
        approvedAt: now.toISOString(),
      });
      const user = await users.findById(userId);
      expect(user).toMatchObject({
        phoneNumber: e164(phone),
        phoneVerified: true,
        phoneVerifiedAt: now,
      });
      // single use: the code is spent with its verification
      expect(await rejection(service.check(userId, phone, code))).toBeInstanceOf(
        VerificationNotFoundError,
      );
      expect(await rejection(send(userId, phone))).toBeInstanceOf(PhoneAlreadyVerifiedError);
    });

    it('wrong codes count down to `failed`; then TOO_MANY_ATTEMPTS, even for the right code', async () => {
      const userId = await newUser();
      const phone = uniquePhone();
      const { id } = await send(userId, phone);
      const code = lastCode(phone);

      for (let left = MAX_ATTEMPTS - 1; left >= 0; left -= 1) {
        const error = await rejection(service.check(userId, phone, wrongCode(code)));
        expect(error).toBeInstanceOf(InvalidCodeError);
        expect(error.extensions).toEqual({ attemptsLeft: left });
      }
      expect(await stored(id)).toMatchObject({ status: 'failed', attemptsLeft: 0 });
      expect((await service.get(userId, id)).status).toBe('failed');

      const refused = await rejection(service.check(userId, phone, code));
      expect(refused).toBeInstanceOf(TooManyAttemptsError);
      expect(refused.retryAfterSeconds).toBe(COOLDOWN_SECONDS); // a new code after the cooldown
      expect(await stored(id)).toMatchObject({ status: 'failed', attemptsLeft: 0 });
      expect(await ownersOf(phone)).toEqual([]);

      tier.clock.advance(COOLDOWN_SECONDS);
      const fresh = await send(userId, phone);
      expect(fresh.id).not.toBe(id);
      expect(fresh.attemptsLeft).toBe(MAX_ATTEMPTS);
      expect((await service.check(userId, phone, lastCode(phone))).status).toBe('approved');
    });

    it('a code is judged until its expiry, and expired from then on without spending an attempt', async () => {
      const userId = await newUser();
      const phone = uniquePhone();
      const { id } = await send(userId, phone);
      const code = lastCode(phone);

      tier.clock.advance(TTL_SECONDS - 1);
      const judged = await rejection(service.check(userId, phone, wrongCode(code)));
      expect(judged.extensions).toEqual({ attemptsLeft: MAX_ATTEMPTS - 1 });

      tier.clock.advance(1);
      expect(await rejection(service.check(userId, phone, code))).toBeInstanceOf(
        VerificationExpiredError,
      );
      expect(await rejection(service.check(userId, phone, wrongCode(code)))).toBeInstanceOf(
        VerificationExpiredError,
      );
      expect((await service.get(userId, id)).status).toBe('expired');
      expect(await stored(id)).toMatchObject({ attemptsLeft: MAX_ATTEMPTS - 1 });
      expect(await ownersOf(phone)).toEqual([]);
    });

    it('a resend on the same verification replaces the code and keeps the attempts', async () => {
      const userId = await newUser();
      const phone = uniquePhone();
      const first = await send(userId, phone);
      const oldCode = lastCode(phone);
      await rejection(service.check(userId, phone, wrongCode(oldCode)));

      const early = await rejection(send(userId, phone));
      expect(early).toBeInstanceOf(ResendCooldownError);
      expect(early.retryAfterSeconds).toBe(COOLDOWN_SECONDS);

      tier.clock.advance(COOLDOWN_SECONDS);
      const resent = await send(userId, phone);
      expect(resent).toMatchObject({ id: first.id, attemptsLeft: MAX_ATTEMPTS - 1 });
      const newCode = lastCode(phone);
      expect(tier.sms.codesFor(e164(phone))).toHaveLength(2);

      const stale = await rejection(service.check(userId, phone, oldCode));
      expect(stale).toBeInstanceOf(InvalidCodeError);
      expect(stale.extensions).toEqual({ attemptsLeft: MAX_ATTEMPTS - 2 });
      expect(await service.check(userId, phone, newCode)).toMatchObject({
        id: first.id,
        status: 'approved',
      });
    });
  });

  describe("the check's re-read under a concurrent resend", () => {
    const UPDATES_VERIFICATION =
      /^(WITH first_write AS \(UPDATE sms_messages\b[^)]*\), second_write AS \()?UPDATE\s+"?phone_verifications\b/;

    /**
     * Parks the resend's write of its new code and the check's conditional UPDATE on the
     * verification's row, in the order `first` and `second` queue, then lets them run. Reads do
     * not wait: the check has judged the old code on the row as it was before either write.
     */
    async function interleave(
      verificationId: string,
      first: () => Promise<string>,
      second: () => Promise<string>,
    ): Promise<[string, string]> {
      const holder = await tier.connect();
      const watcher = await tier.connect();
      const held = await holdRowLocks(
        holder,
        'SELECT 1 FROM phone_verifications WHERE id = $1 FOR NO KEY UPDATE',
        [verificationId],
      );
      const firstOutcome = first();
      await waitForLockWaiters(watcher, 1);
      const secondOutcome = second();
      const parked = await waitForLockWaiters(watcher, 2);
      await held.release();
      // both parked on the verification's row (not, say, on a send's advisory locks); the
      // resend's write comes with its SMS's record, in one statement
      expect(parked).toEqual([
        expect.stringMatching(UPDATES_VERIFICATION),
        expect.stringMatching(UPDATES_VERIFICATION),
      ]);
      return Promise.all([firstOutcome, secondOutcome]);
    }

    it('a resend that replaces the code between the check’s read and its write: the check judges again, on the new code', async () => {
      const userId = await newUser();
      const phone = uniquePhone();
      const { id } = await send(userId, phone);
      const oldCode = lastCode(phone);
      tier.clock.advance(COOLDOWN_SECONDS);

      const [resend, check] = await interleave(
        id,
        // the SMS goes out, then its code's write waits on the row …
        () => outcome(send(userId, phone)),
        // … while the check reads the old code, judges it right, and its approval waits behind
        () => outcome(service.check(userId, phone, oldCode)),
      );
      const newCode = lastCode(phone);
      expect(tier.sms.codesFor(e164(phone))).toHaveLength(2);

      // As if the resend came first: the old code is a wrong code for the verification as it is
      // now, and costs one attempt. Never an approval with a code that was replaced.
      expect([resend, check]).toEqual(['pending', `INVALID_CODE (${MAX_ATTEMPTS - 1} left)`]);
      expect(await stored(id)).toMatchObject({ status: 'pending', attemptsLeft: MAX_ATTEMPTS - 1 });
      expect(await ownersOf(phone)).toEqual([]);
      expect(await service.check(userId, phone, newCode)).toMatchObject({ id, status: 'approved' });
      expect(await ownersOf(phone)).toEqual([userId]);
    });

    it('a check whose approval lands before the resend’s code: approved on the old code, and the new code never works', async () => {
      const userId = await newUser();
      const phone = uniquePhone();
      const { id } = await send(userId, phone);
      const oldCode = lastCode(phone);
      const { codeHash } = await stored(id);
      tier.clock.advance(COOLDOWN_SECONDS);

      const [check, resend] = await interleave(
        id,
        () => outcome(service.check(userId, phone, oldCode)),
        () => outcome(send(userId, phone)),
      );
      const newCode = lastCode(phone);
      expect(tier.sms.codesFor(e164(phone))).toHaveLength(2);

      // As if the check came first: the resend's SMS went out, but found the verification
      // approved, and its code was never stored.
      expect([check, resend]).toEqual(['approved', 'approved']);
      expect(await stored(id)).toMatchObject({
        status: 'approved',
        attemptsLeft: MAX_ATTEMPTS,
        sendCount: 1,
        codeHash,
      });
      expect(await ownersOf(phone)).toEqual([userId]);
      expect(await rejection(service.check(userId, phone, newCode))).toBeInstanceOf(
        VerificationNotFoundError,
      );
    });
  });

  describe('an SMS the gateway refused', () => {
    const REFUSE_DELETES = `
      CREATE FUNCTION test_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'test fault: deletes from phone_verifications are refused';
      END $$;
      CREATE TRIGGER test_refuse_delete BEFORE DELETE ON phone_verifications
        FOR EACH ROW EXECUTE FUNCTION test_refuse_delete()`;
    const ALLOW_DELETES = `
      DROP TRIGGER test_refuse_delete ON phone_verifications;
      DROP FUNCTION test_refuse_delete()`;

    it('leaves nothing when its verification is discarded', async () => {
      const userId = await newUser();
      const phone = uniquePhone();
      tier.sms.failNext('refused');
      expect(await rejection(send(userId, phone))).toBeInstanceOf(SmsGatewayError);
      const { rows } = await sql.query(`SELECT 1 FROM phone_verifications WHERE user_id = $1`, [
        userId,
      ]);
      expect(rows).toHaveLength(0);
    });

    it('still answers the gateway’s refusal when discarding the unsent verification fails, and leaves no usable code', async () => {
      const userId = await newUser();
      const phone = uniquePhone();
      tier.sms.failNext('refused');
      await sql.query(REFUSE_DELETES);
      let refusal: DomainError;
      try {
        refusal = await rejection(send(userId, phone));
      } finally {
        await sql.query(ALLOW_DELETES);
      }
      expect(refusal).toBeInstanceOf(SmsGatewayError);
      expect(tier.sms.codesFor(e164(phone))).toEqual([]);
      const refusedCode = /^\d+/.exec(tier.sms.attempted.at(-1)!.text)![0];

      // the delete was refused for real: the verification is still there, without a code
      const { rows } = await sql.query<{ id: string }>(
        `SELECT id FROM phone_verifications WHERE user_id = $1`,
        [userId],
      );
      expect(rows).toHaveLength(1);
      const leftover = rows[0].id;
      expect(await stored(leftover)).toMatchObject({
        status: 'pending',
        attemptsLeft: MAX_ATTEMPTS,
        codeHash: null,
      });
      expect(tier.logs.text()).toContain(
        'could not discard a verification whose SMS did not go out',
      );
      expect(tier.logs.text()).not.toContain(refusedCode);

      // the code of the SMS that never went out does not work, and spends nothing
      expect(await rejection(service.check(userId, phone, refusedCode))).toBeInstanceOf(
        VerificationNotFoundError,
      );
      expect(await stored(leftover)).toMatchObject({ attemptsLeft: MAX_ATTEMPTS });

      // a refused SMS does not count (no cooldown); the next send takes the leftover over
      const next = await send(userId, phone);
      expect(next).toMatchObject({ id: leftover, status: 'pending' });
      expect(await service.check(userId, phone, lastCode(phone))).toMatchObject({
        id: leftover,
        status: 'approved',
      });
    });
  });

  describe('one number, two accounts', () => {
    it('two accounts checking right codes for one number at once: one owner, the other PHONE_IN_USE', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const phone = uniquePhone();
      const verificationA = await send(a, phone);
      const codeA = lastCode(phone);
      const verificationB = await send(b, phone);
      const codeB = lastCode(phone);

      // Both approvals run, then both wait to write the number on their account; released
      // together, both transactions are open at once and the unique index decides.
      const holder = await tier.connect();
      const watcher = await tier.connect();
      const held = await holdRowLocks(
        holder,
        'SELECT 1 FROM users WHERE id = ANY($1::uuid[]) FOR NO KEY UPDATE',
        [[a, b]],
      );
      const checks = Promise.all([
        outcome(service.check(a, phone, codeA)),
        outcome(service.check(b, phone, codeB)),
      ]);
      const parked = await waitForLockWaiters(watcher, 2);
      await held.release();
      const results = await checks;
      expect(parked).toEqual([
        expect.stringMatching(/^UPDATE\s+"?users\b/),
        expect.stringMatching(/^UPDATE\s+"?users\b/),
      ]);

      expect([...results].sort()).toEqual(['PHONE_IN_USE', 'approved']);
      const [winner, loser] = results[0] === 'approved' ? [a, b] : [b, a];
      const [won, lost] =
        winner === a ? [verificationA, verificationB] : [verificationB, verificationA];
      expect(await ownersOf(phone)).toEqual([winner]);
      expect(await stored(won.id)).toMatchObject({ status: 'approved' });
      // the loser's approval was rolled back with its failed write: nothing spent, nothing approved
      expect(await stored(lost.id)).toMatchObject({
        status: 'pending',
        attemptsLeft: MAX_ATTEMPTS,
      });
      expect(await users.findById(loser)).toMatchObject({
        phoneNumber: null,
        phoneVerified: false,
      });
    });

    it('a right code for a number another account verified meanwhile: PHONE_IN_USE, and the verification stays pending', async () => {
      const [first, second] = [await newUser(), await newUser()];
      const phone = uniquePhone();
      const { id } = await send(second, phone);
      const secondCode = lastCode(phone);
      await send(first, phone);
      await service.check(first, phone, lastCode(phone));

      const error = await rejection(service.check(second, phone, secondCode));
      expect(error).toBeInstanceOf(PhoneInUseError);
      expect(await ownersOf(phone)).toEqual([first]);
      // the approval and the number are one transaction: the refused number undid the approval
      expect(await stored(id)).toMatchObject({ status: 'pending', attemptsLeft: MAX_ATTEMPTS });
    });
  });

  describe('ownership', () => {
    it("another account's code, id or cancel: not found, and no attempt spent", async () => {
      const [owner, stranger] = [await newUser(), await newUser()];
      const phone = uniquePhone();
      const { id } = await send(owner, phone);
      const code = lastCode(phone);

      expect(await rejection(service.check(stranger, phone, code))).toBeInstanceOf(
        VerificationNotFoundError,
      );
      expect(await rejection(service.check(stranger, phone, wrongCode(code)))).toBeInstanceOf(
        VerificationNotFoundError,
      );
      expect(await rejection(service.get(stranger, id))).toBeInstanceOf(VerificationNotFoundError);
      expect(await rejection(service.cancel(stranger, id))).toBeInstanceOf(
        VerificationNotFoundError,
      );

      expect(await stored(id)).toMatchObject({ status: 'pending', attemptsLeft: MAX_ATTEMPTS });
      expect(await ownersOf(phone)).toEqual([]);
      expect(await service.check(owner, phone, code)).toMatchObject({ id, status: 'approved' });
    });
  });

  describe('limits before answers', () => {
    it('an account over its daily limit is told so, not whether the number is in use', async () => {
      const owner = await newUser();
      const phone = uniquePhone();
      await send(owner, phone);
      await service.check(owner, phone, lastCode(phone));

      const busy = await newUser();
      for (let i = 0; i < SENDS_PER_USER_PER_DAY; i += 1) await send(busy, uniquePhone());
      const smsBefore = tier.sms.attempted.length;

      const refused = await rejection(send(busy, phone));
      expect(refused).toBeInstanceOf(SendLimitReachedError);
      expect(refused.retryAfterSeconds).toBe(24 * 60 * 60);
      expect(tier.sms.attempted).toHaveLength(smsBefore);
    });

    it('PHONE_IN_USE is answered within the limit, and each answer counts against it', async () => {
      const owner = await newUser();
      const phone = uniquePhone();
      await send(owner, phone);
      await service.check(owner, phone, lastCode(phone));
      expect(await rejection(send(owner, phone))).toBeInstanceOf(PhoneAlreadyVerifiedError);

      const asker = await newUser();
      const smsBefore = tier.sms.attempted.length;
      for (let i = 0; i < SENDS_PER_USER_PER_DAY; i += 1) {
        expect(await rejection(send(asker, phone))).toBeInstanceOf(PhoneInUseError);
      }
      expect(await rejection(send(asker, phone))).toBeInstanceOf(SendLimitReachedError);
      expect(tier.sms.attempted).toHaveLength(smsBefore);
    });
  });
});
