import { ApiProperty } from '@nestjs/swagger';
import type { AllowlistEntry } from '../../fraud/allowlist-entry.entity';
import type { PhoneBlock } from '../../fraud/phone-block.entity';

export class BlockView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ type: String, nullable: true, example: '+9779812345678' })
  phone!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null })
  prefix!: string | null;
  @ApiProperty({ enum: ['operator', 'auto'], description: '`auto`: put by the fraud guard.' })
  source!: 'operator' | 'auto';
  @ApiProperty({ example: 'Reported as SMS pumping' })
  reason!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The operator; null for `auto`.' })
  createdBy!: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time', description: 'Sends are refused until then.' })
  expiresAt!: string;
}

export class AllowlistEntryView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ type: String, nullable: true, example: null })
  phone!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '984100' })
  prefix!: string | null;
  @ApiProperty({ example: 'Head office numbers' })
  note!: string;
  @ApiProperty({ type: String, nullable: true })
  createdBy!: string | null;
  @ApiProperty({ format: 'date-time' })
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
