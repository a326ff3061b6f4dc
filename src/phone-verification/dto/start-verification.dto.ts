import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class StartVerificationDto {
  @ApiProperty({
    example: '9812345678',
    description:
      'A Nepali mobile number: 98XXXXXXXX, +977 98XXXXXXXX, 00977…, 977…, with spaces, dashes, dots or ' +
      'parentheses, or in Devanagari digits.',
  })
  @IsString()
  @MaxLength(64)
  phone!: string;
}
