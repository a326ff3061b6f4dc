import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class RefreshTokenDto {
  @ApiProperty({
    description: 'The refresh token from register, login or the previous refresh.',
    maxLength: 256,
    example: 'o1Yf3u9n6C0w7Jr2xQmZ8tVb5LkHs4Pd1Ge9Ia6Wc3E',
  })
  @IsString()
  @Length(1, 256)
  refreshToken!: string;
}
