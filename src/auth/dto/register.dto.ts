import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH, USERNAME_PATTERN } from '../../users/username';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const NAME_MIN_LENGTH = 1;
export const NAME_MAX_LENGTH = 100;
export const EMAIL_MAX_LENGTH = 254; // RFC 5321 path limit
// Names are free text, but control characters (NUL above all, which PostgreSQL refuses) are not.
// (The document's `pattern` is this source; JSON Schema patterns are Unicode-aware, like `u`.)
export const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u;
const NO_CONTROL_CHARACTERS_MESSAGE = '$property must not contain control characters';

/** A first or last name: optional free text, as the document and the validation both say. */
function PersonName(example: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      minLength: NAME_MIN_LENGTH,
      maxLength: NAME_MAX_LENGTH,
      pattern: NO_CONTROL_CHARACTERS.source,
      nullable: true,
      description: 'Free text without control characters. Null or absent: none.',
      example,
    }),
    IsOptional(),
    IsString(),
    Length(NAME_MIN_LENGTH, NAME_MAX_LENGTH),
    Matches(NO_CONTROL_CHARACTERS, { message: NO_CONTROL_CHARACTERS_MESSAGE }),
  );
}

export class RegisterDto {
  @ApiProperty({
    description: `${USERNAME_MIN_LENGTH}–${USERNAME_MAX_LENGTH} of A-Z a-z 0-9 _ . -; unique in any letter case.`,
    minLength: USERNAME_MIN_LENGTH,
    maxLength: USERNAME_MAX_LENGTH,
    pattern: USERNAME_PATTERN.source,
    example: 'Ram',
  })
  @IsString()
  @Length(USERNAME_MIN_LENGTH, USERNAME_MAX_LENGTH)
  @Matches(USERNAME_PATTERN, { message: 'username may contain only A-Z a-z 0-9 _ . -' })
  username!: string;

  @ApiProperty({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    format: 'password',
    example: 'correct horse battery staple',
  })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password!: string;

  @ApiPropertyOptional({
    maxLength: EMAIL_MAX_LENGTH,
    format: 'email',
    nullable: true,
    description: 'Null or absent: none.',
    example: 'ram@example.com',
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(EMAIL_MAX_LENGTH)
  email?: string;

  @PersonName('Ram')
  firstName?: string;

  @PersonName('Shrestha')
  lastName?: string;
}
