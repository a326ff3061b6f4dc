import { ApiProperty } from '@nestjs/swagger';
import type { User } from './user.entity';

/** The API's `User`: what a client may see of an account (never the password hash). */
export class UserResponse {
  @ApiProperty({ format: 'uuid', example: '0b6f9c1e-3f4a-4c55-9a43-2f1f5d1f7d2a' })
  id!: string;

  @ApiProperty({ description: 'As typed at registration.', example: 'Ram' })
  username!: string;

  @ApiProperty({ type: String, nullable: true, example: 'ram@example.com' })
  email!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Ram' })
  firstName!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Shrestha' })
  lastName!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'E.164; null until a number is verified.',
    example: '+9779812345678',
  })
  phoneNumber!: string | null;

  @ApiProperty({ example: true })
  phoneVerified!: boolean;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-11-22T04:10:00.000Z',
  })
  phoneVerifiedAt!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T04:00:00.000Z' })
  createdAt!: string;
}

/** Builds the response field by field, so a column added to the entity is never leaked by accident. */
export function toUserResponse(user: User): UserResponse {
  return {
    id: user.id,
    username: user.username,
    email: user.email ?? null,
    firstName: user.firstName ?? null,
    lastName: user.lastName ?? null,
    phoneNumber: user.phoneNumber ?? null,
    phoneVerified: user.phoneVerified,
    phoneVerifiedAt: user.phoneVerifiedAt ? user.phoneVerifiedAt.toISOString() : null,
    createdAt: user.createdAt.toISOString(),
  };
}
