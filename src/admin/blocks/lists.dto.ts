import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** One year: a longer block is a decision to write down elsewhere. */
export const MAX_BLOCK_SECONDS = 31_536_000;
/** An operator's block without `seconds` lasts as long as the longest automatic one. */
export const DEFAULT_BLOCK_SECONDS = 86_400;

const TEXT = /\S/;

export class CreateBlockDto {
  @ApiPropertyOptional({
    description: 'A number in any accepted form. Give this or `prefix`.',
    example: '9812345678',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({
    description: 'The first 6 digits of the national number. Give this or `phone`.',
    example: '981234',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  prefix?: string;

  @ApiPropertyOptional({
    description: `How long the block lasts, 60 to ${MAX_BLOCK_SECONDS} seconds. Default ${DEFAULT_BLOCK_SECONDS} (24 h).`,
    example: 3600,
  })
  @IsOptional()
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(60, { message: 'must be at least 60' })
  @Max(MAX_BLOCK_SECONDS, { message: `must be at most ${MAX_BLOCK_SECONDS} (a year)` })
  seconds?: number;

  @ApiProperty({
    description: 'Why, for the other operators (1–200 characters).',
    maxLength: 200,
    example: 'Reported as SMS pumping',
  })
  @IsString()
  @MaxLength(200)
  @Matches(TEXT, { message: 'must not be empty' })
  reason!: string;
}

export class CreateAllowlistEntryDto {
  @ApiPropertyOptional({
    description: 'A number in any accepted form. Give this or `prefix`.',
    example: '9812345678',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({
    description: 'The first 6 digits of the national number. Give this or `phone`.',
    example: '984100',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  prefix?: string;

  @ApiProperty({
    description: 'Why it is trusted (1–200 characters).',
    maxLength: 200,
    example: 'Head office numbers',
  })
  @IsString()
  @MaxLength(200)
  @Matches(TEXT, { message: 'must not be empty' })
  note!: string;
}
