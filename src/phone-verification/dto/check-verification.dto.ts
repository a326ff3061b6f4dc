import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { PHONE_INPUT_MAX_LENGTH } from './start-verification.dto';

export const CODE_INPUT_MAX_LENGTH = 32;
/**
 * What a typed code may look like whatever OTP_LENGTH is: ASCII or Devanagari digits in groups
 * separated by one space or dash, with surrounding whitespace (normaliseOtpInput then wants
 * exactly OTP_LENGTH digits). The document's `pattern` is this source.
 */
export const CODE_INPUT_PATTERN = /^\s*[0-9\u0966-\u096F]+(?:[ -][0-9\u0966-\u096F]+)*\s*$/;

export class CheckVerificationDto {
  @ApiProperty({
    maxLength: PHONE_INPUT_MAX_LENGTH,
    example: '+977 981-234-5678',
    description: 'The number the code was sent to, in any accepted form.',
  })
  @IsString()
  @MaxLength(PHONE_INPUT_MAX_LENGTH)
  phone!: string;

  @ApiProperty({
    maxLength: CODE_INPUT_MAX_LENGTH,
    pattern: CODE_INPUT_PATTERN.source,
    example: '123456',
    description:
      'The code from the SMS, as a string (leading zeros matter); Devanagari digits and spaces are accepted.',
  })
  @IsString()
  @MaxLength(CODE_INPUT_MAX_LENGTH)
  @Matches(CODE_INPUT_PATTERN, { message: 'code must be the digits of the code from the SMS' })
  code!: string;
}
