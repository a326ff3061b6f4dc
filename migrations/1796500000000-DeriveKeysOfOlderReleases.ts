import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * During a rolling upgrade the previous release (d8e1876) writes the delivery log beside this
 * one, without the columns this release counts by. Two triggers fill them in, so each release's
 * limits see every send (docs/operations.md, "Upgrades"):
 * - `client_subject` and `client_network` from `client_ip` when a row comes without them, as
 *   `ipLimitSubject` and `clientNetwork` (src/common/http/ip-keys.ts) compute them: an IPv4
 *   address and its /24, an IPv6 address's /64 and /48, an IPv4-mapped address as IPv4; any
 *   text that is not an address is its own key, as there;
 * - `converted_at` of the SMS that carried a code, set as the verification is approved (by
 *   either release): the latest SMS of the verification that may have gone out. This is the one
 *   place conversion is recorded.
 */
export class DeriveKeysOfOlderReleases1796500000000 implements MigrationInterface {
  name = 'DeriveKeysOfOlderReleases1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION phone_verify_fill_client_keys() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        address inet;
        host_length integer;
      BEGIN
        IF NEW.client_subject IS NOT NULL OR NEW.client_ip IS NULL THEN
          RETURN NEW;
        END IF;
        BEGIN
          -- an IPv6 zone id (fe80::1%eth0) is not part of the address, as in ip-keys.ts
          address := CASE WHEN NEW.client_ip LIKE '%:%'
                          THEN split_part(NEW.client_ip, '%', 1) ELSE NEW.client_ip END::inet;
        EXCEPTION WHEN others THEN
          address := NULL;
        END;
        -- a network (203.0.113.0/24) is not a client address: its own key, as in ip-keys.ts
        host_length := CASE family(address) WHEN 4 THEN 32 ELSE 128 END;
        IF address IS NULL OR masklen(address) <> host_length THEN
          NEW.client_subject := NEW.client_ip;
          NEW.client_network := coalesce(NEW.client_network, NEW.client_ip);
          RETURN NEW;
        END IF;
        IF family(address) = 6 AND address <<= '::ffff:0.0.0.0/96'::inet THEN
          address := split_part(host(address), ':', 4)::inet;
        END IF;
        IF family(address) = 4 THEN
          NEW.client_subject := host(address);
          NEW.client_network := coalesce(NEW.client_network, network(set_masklen(address, 24))::text);
        ELSE
          NEW.client_subject := network(set_masklen(address, 64))::text;
          NEW.client_network := coalesce(NEW.client_network, network(set_masklen(address, 48))::text);
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "sms_messages_fill_client_keys" BEFORE INSERT ON "sms_messages"
        FOR EACH ROW EXECUTE FUNCTION phone_verify_fill_client_keys()`);

    await queryRunner.query(`
      CREATE FUNCTION phone_verify_record_conversion() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE sms_messages SET converted_at = NEW.approved_at
         WHERE id = (SELECT id FROM sms_messages
                      WHERE verification_id = NEW.id AND status IN ('sent', 'unknown')
                      ORDER BY created_at DESC, completed_at DESC LIMIT 1);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "phone_verifications_record_conversion" AFTER UPDATE OF "status" ON "phone_verifications"
        FOR EACH ROW WHEN (NEW.status = 'approved' AND OLD.status IS DISTINCT FROM 'approved')
        EXECUTE FUNCTION phone_verify_record_conversion()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP TRIGGER "phone_verifications_record_conversion" ON "phone_verifications"`,
    );
    await queryRunner.query(`DROP FUNCTION phone_verify_record_conversion()`);
    await queryRunner.query(`DROP TRIGGER "sms_messages_fill_client_keys" ON "sms_messages"`);
    await queryRunner.query(`DROP FUNCTION phone_verify_fill_client_keys()`);
  }
}
