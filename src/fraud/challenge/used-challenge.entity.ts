import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A proof-of-work challenge that was spent on a send: its signature, kept until the challenge
 * would have expired anyway, so no solution can be used twice on any instance.
 */
@Entity('used_challenges')
export class UsedChallenge {
  @PrimaryColumn('varchar', { length: 128, primaryKeyConstraintName: 'used_challenges_pkey' })
  signature!: string;

  @Index('used_challenges_expires_at_idx')
  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;
}
