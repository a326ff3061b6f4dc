import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** One year: a longer block is a decision to write down elsewhere. */
export const MAX_BLOCK_SECONDS = 31_536_000;
/** An operator's block without `seconds` lasts as long as the longest automatic one. */
export const DEFAULT_BLOCK_SECONDS = 86_400;

export const MIN_BLOCK_SECONDS = 60;
export const PHONE_TARGET_MAX_LENGTH = 40;
export const PREFIX_TARGET_MAX_LENGTH = 20;
export const NOTE_MAX_LENGTH = 200;
/** Some text, not only spaces (the document's `pattern` is this source). */
const TEXT = /\S/;

export class CreateBlockDto {
  @ApiPropertyOptional({
    description: 'A number in any accepted form. Give this or `prefix`.',
    maxLength: PHONE_TARGET_MAX_LENGTH,
    example: '9812345678',
  })
  @IsOptional()
  @IsString()
  @MaxLength(PHONE_TARGET_MAX_LENGTH)
  phone?: string;

  @ApiPropertyOptional({
    description: 'The first 6 digits of the national number. Give this or `phone`.',
    maxLength: PREFIX_TARGET_MAX_LENGTH,
    example: '981234',
  })
  @IsOptional()
  @IsString()
  @MaxLength(PREFIX_TARGET_MAX_LENGTH)
  prefix?: string;

  @ApiPropertyOptional({
    description: `How long the block lasts, 60 to ${MAX_BLOCK_SECONDS} seconds. Default ${DEFAULT_BLOCK_SECONDS} (24 h).`,
    type: 'integer',
    minimum: MIN_BLOCK_SECONDS,
    maximum: MAX_BLOCK_SECONDS,
    example: 3600,
  })
  @IsOptional()
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(MIN_BLOCK_SECONDS, { message: `must be at least ${MIN_BLOCK_SECONDS}` })
  @Max(MAX_BLOCK_SECONDS, { message: `must be at most ${MAX_BLOCK_SECONDS} (a year)` })
  seconds?: number;

  @ApiProperty({
    description: 'Why, for the other operators (1–200 characters).',
    maxLength: NOTE_MAX_LENGTH,
    pattern: TEXT.source,
    example: 'Reported as SMS pumping',
  })
  @IsString()
  @MaxLength(NOTE_MAX_LENGTH)
  @Matches(TEXT, { message: 'must not be empty' })
  reason!: string;
}

export class CreateAllowlistEntryDto {
  @ApiPropertyOptional({
    description: 'A number in any accepted form. Give this or `prefix`.',
    maxLength: PHONE_TARGET_MAX_LENGTH,
    example: '9812345678',
  })
  @IsOptional()
  @IsString()
  @MaxLength(PHONE_TARGET_MAX_LENGTH)
  phone?: string;

  @ApiPropertyOptional({
    description: 'The first 6 digits of the national number. Give this or `phone`.',
    maxLength: PREFIX_TARGET_MAX_LENGTH,
    example: '984100',
  })
  @IsOptional()
  @IsString()
  @MaxLength(PREFIX_TARGET_MAX_LENGTH)
  prefix?: string;

  @ApiProperty({
    description: 'Why it is trusted (1–200 characters).',
    maxLength: NOTE_MAX_LENGTH,
    pattern: TEXT.source,
    example: 'Head office numbers',
  })
  @IsString()
  @MaxLength(NOTE_MAX_LENGTH)
  @Matches(TEXT, { message: 'must not be empty' })
  note!: string;
}
