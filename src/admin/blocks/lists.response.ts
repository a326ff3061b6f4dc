import { ApiProperty } from '@nestjs/swagger';
import type { AllowlistEntry } from '../../fraud/allowlist-entry.entity';
import type { PhoneBlock } from '../../fraud/phone-block.entity';

export class BlockView {
  @ApiProperty({ format: 'uuid', example: '5d0c6f0e-8a44-4f6b-b1f5-0e2b7f3f6a10' })
  id!: string;
  @ApiProperty({ type: String, nullable: true, example: '+9779812345678' })
  phone!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null })
  prefix!: string | null;
  @ApiProperty({
    enum: ['operator', 'auto'],
    description: '`auto`: put by the fraud guard.',
    example: 'operator',
  })
  source!: 'operator' | 'auto';
  @ApiProperty({ example: 'Reported as SMS pumping' })
  reason!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The operator; null for `auto`.',
    example: 'ops_ram',
  })
  createdBy!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-11-20T10:00:00.000Z' })
  createdAt!: string;
  @ApiProperty({
    format: 'date-time',
    description: 'Sends are refused until then.',
    example: '2026-11-21T10:00:00.000Z',
  })
  expiresAt!: string;
}

export class AllowlistEntryView {
  @ApiProperty({ format: 'uuid', example: '9a3f1e27-6a0e-4bb9-8d64-6f1d2c7b8e55' })
  id!: string;
  @ApiProperty({ type: String, nullable: true, example: null })
  phone!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '984100' })
  prefix!: string | null;
  @ApiProperty({ example: 'Head office numbers' })
  note!: string;
  @ApiProperty({ type: String, nullable: true, example: 'ops_ram' })
  createdBy!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-11-20T10:00:00.000Z' })
  createdAt!: string;
}

export function toBlockView(block: PhoneBlock): BlockView {
  return {
    id: block.id,
    phone: block.phone,
    prefix: block.prefix,
    source: block.source,
    reason: block.reason,
    createdBy: block.createdBy,
    createdAt: block.createdAt.toISOString(),
    expiresAt: block.expiresAt.toISOString(),
  };
}

export function toAllowlistEntryView(entry: AllowlistEntry): AllowlistEntryView {
  return {
    id: entry.id,
    phone: entry.phone,
    prefix: entry.prefix,
    note: entry.note,
    createdBy: entry.createdBy,
    createdAt: entry.createdAt.toISOString(),
  };
}
