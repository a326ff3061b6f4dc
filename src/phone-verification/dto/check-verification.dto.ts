import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class CheckVerificationDto {
  @ApiProperty({
    example: '+977 981-234-5678',
    description: 'The number the code was sent to, in any accepted form.',
  })
  @IsString()
  @MaxLength(64)
  phone!: string;

  @ApiProperty({
    example: '123456',
    description:
      'The code from the SMS, as a string (leading zeros matter); Devanagari digits and spaces are accepted.',
  })
  @IsString()
  @MaxLength(32)
  code!: string;
}
