import { ApiProperty } from '@nestjs/swagger';
import {
  PhoneVerification,
  VERIFICATION_STATUSES,
  VerificationStatus,
} from './phone-verification.entity';

/** The `Verification` of docs/api.md. Never carries the code or its hash. */
export class VerificationView {
  @ApiProperty({ format: 'uuid', example: '0b6f1c8e-4a9e-4a7e-9d3b-2f1d7c0e9a51' })
  id!: string;

  @ApiProperty({ example: '+9779812345678', description: 'E.164' })
  phone!: string;

  @ApiProperty({ enum: ['sms'], example: 'sms' })
  channel!: 'sms';

  @ApiProperty({
    enum: VERIFICATION_STATUSES,
    example: 'pending',
    description: '`expired` once `expiresAt` has passed; `failed` after too many wrong codes.',
  })
  status!: VerificationStatus;

  @ApiProperty({
    type: 'integer',
    example: 5,
    description: 'Wrong codes still allowed; not reset when a code is sent again.',
  })
  attemptsLeft!: number;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T10:10:00.000Z' })
  expiresAt!: string;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: '2026-11-22T10:01:00.000Z',
    description:
      'When another code may be asked for; null once the verification is no longer pending.',
  })
  resendAvailableAt!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  approvedAt!: string | null;
}

export function toVerificationView(
  verification: PhoneVerification,
  now: Date,
  resendCooldownSeconds: number,
): VerificationView {
  const status = currentStatus(verification, now);
  const resendAvailableAt =
    status === 'pending' && verification.lastSentAt
      ? new Date(verification.lastSentAt.getTime() + resendCooldownSeconds * 1000).toISOString()
      : null;
  return {
    id: verification.id,
    phone: verification.phone,
    channel: 'sms',
    status,
    attemptsLeft: verification.attemptsLeft,
    expiresAt: verification.expiresAt.toISOString(),
    resendAvailableAt,
    createdAt: verification.createdAt.toISOString(),
    approvedAt: verification.approvedAt?.toISOString() ?? null,
  };
}

/** A pending verification whose code has run out reads as `expired`. */
export function currentStatus(verification: PhoneVerification, now: Date): VerificationStatus {
  return verification.status === 'pending' && verification.expiresAt.getTime() <= now.getTime()
    ? 'expired'
    : verification.status;
}
