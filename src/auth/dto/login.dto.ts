import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

// Looser than registration on purpose: a name or password that could never have been registered
// gets the same 401 as any other wrong one. The bound keeps hashing and storage cheap.
export const LOGIN_FIELD_MIN_LENGTH = 1;
export const LOGIN_FIELD_MAX_LENGTH = 128;

export class LoginDto {
  @ApiProperty({
    description: 'Any letter case.',
    minLength: LOGIN_FIELD_MIN_LENGTH,
    maxLength: LOGIN_FIELD_MAX_LENGTH,
    example: 'ram',
  })
  @IsString()
  @Length(LOGIN_FIELD_MIN_LENGTH, LOGIN_FIELD_MAX_LENGTH)
  username!: string;

  @ApiProperty({
    minLength: LOGIN_FIELD_MIN_LENGTH,
    maxLength: LOGIN_FIELD_MAX_LENGTH,
    format: 'password',
    example: 'correct horse battery staple',
  })
  @IsString()
  @Length(LOGIN_FIELD_MIN_LENGTH, LOGIN_FIELD_MAX_LENGTH)
  password!: string;
}
