import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One failed login (or one in flight: a row is written before the password is checked and
 * deleted when it turns out right). Kept in the database so every instance counts the same.
 */
@Entity({ name: 'login_failures' })
// Serves "the newest failures of this username from this IP subject inside the window".
@Index('login_failures_lookup_idx', ['usernameKey', 'clientIp', 'failedAt'])
export class LoginFailure {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'login_failures_pkey' })
  id!: string;

  /** HMAC-SHA256 (hex) of the username as given at login, lower-cased: see throttleUsernameKey. */
  @Column({ name: 'username_key', type: 'varchar', length: 64 })
  usernameKey!: string;

  /** Whom the IP side counts: an IPv4 address or an IPv6 /64 (`ipLimitSubject`). */
  @Column({ name: 'client_ip', type: 'varchar', length: 64 })
  clientIp!: string;

  /** Also serves the daily clean-up of rows older than the window. */
  @Index('login_failures_failed_at_idx')
  @Column({ name: 'failed_at', type: 'timestamptz' })
  failedAt!: Date;
}
