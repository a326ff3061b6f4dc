import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

/** The bounds the body is checked against: the schema in /docs-json states the same ones. */
export const REFRESH_TOKEN_MIN_LENGTH = 1;
export const REFRESH_TOKEN_MAX_LENGTH = 256;

export class RefreshTokenDto {
  @ApiProperty({
    description: 'The refresh token from register, login or the previous refresh.',
    minLength: REFRESH_TOKEN_MIN_LENGTH,
    maxLength: REFRESH_TOKEN_MAX_LENGTH,
    example: 'o1Yf3u9n6C0w7Jr2xQmZ8tVb5LkHs4Pd1Ge9Ia6Wc3E',
  })
  @IsString()
  @Length(REFRESH_TOKEN_MIN_LENGTH, REFRESH_TOKEN_MAX_LENGTH)
  refreshToken!: string;
}
