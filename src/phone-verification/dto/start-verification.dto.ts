import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { SMS_LOCALES, type SmsLocale } from '../../config/environment';

/** The longest phone input looked at (any accepted form); the number's own rules are INVALID_PHONE's. */
export const PHONE_INPUT_MAX_LENGTH = 64;
export const CHALLENGE_MAX_LENGTH = 4096;

export class StartVerificationDto {
  @ApiProperty({
    maxLength: PHONE_INPUT_MAX_LENGTH,
    example: '9812345678',
    description:
      'A Nepali mobile number: 98XXXXXXXX, +977 98XXXXXXXX, 00977…, 977…, with spaces, dashes, dots or ' +
      'parentheses, or in Devanagari digits.',
  })
  @IsString()
  @MaxLength(PHONE_INPUT_MAX_LENGTH)
  phone!: string;

  @ApiPropertyOptional({
    // null in the enum too: OpenAPI 3.0 allows null for an enum only when the enum lists it
    enum: [...SMS_LOCALES, null],
    nullable: true,
    example: 'ne',
    description:
      'Language of the SMS. Without it, Accept-Language decides (the preferred of `en` and `ne`), else the ' +
      'service default (SMS_DEFAULT_LOCALE). Null is the same as absent.',
  })
  @IsOptional()
  @IsIn(SMS_LOCALES, { message: `locale must be one of ${SMS_LOCALES.join(', ')}` })
  locale?: SmsLocale;

  @ApiPropertyOptional({
    maxLength: CHALLENGE_MAX_LENGTH,
    nullable: true,
    example:
      'eyJjaGFsbGVuZ2UiOnsicGFyYW1ldGVycyI6ey4uLn0sInNpZ25hdHVyZSI6Ii4uLiJ9LCJzb2x1dGlvbiI6ey4uLn19',
    description:
      'A solved proof-of-work challenge: base64 of the JSON `{ challenge, solution }` that ALTCHA’s solver ' +
      'produces for a challenge from GET /v1/challenges. Needed when a send answers 428 CHALLENGE_REQUIRED; ' +
      'each challenge works once. Null is the same as absent.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(CHALLENGE_MAX_LENGTH)
  challenge?: string;
}
