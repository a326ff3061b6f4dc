import { Injectable } from '@nestjs/common';
import { Database, Queryable } from '../database/database';
import { tableOf } from '../database/table';
import { BlockSource, PhoneBlock } from './phone-block.entity';

const blocks = tableOf(PhoneBlock);

export type NewPhoneBlockRow = Pick<
  PhoneBlock,
  'phone' | 'prefix' | 'source' | 'reason' | 'createdBy' | 'createdAt' | 'expiresAt'
>;

const NEW_BLOCK_COLUMNS = [
  'phone',
  'prefix',
  'source',
  'reason',
  'createdBy',
  'createdAt',
  'expiresAt',
] as const;

/** At most this many blocks are listed: a list longer than that is read in the database. */
export const BLOCK_LIST_LIMIT = 1000;

/** The SQL of `phone_blocks`. A block is in force while not lifted and `at < expires_at`. */
@Injectable()
export class PhoneBlockRepository {
  constructor(private readonly db: Database) {}

  async insert(row: NewPhoneBlockRow, on: Queryable = this.db): Promise<PhoneBlock> {
    const { rows } = await on.query(
      `INSERT INTO ${blocks.name} (${blocks.columns(NEW_BLOCK_COLUMNS)})
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${blocks.select}`,
      NEW_BLOCK_COLUMNS.map((property) => row[property]),
    );
    return blocks.fromRow(rows[0]);
  }

  /** Blocks selected as JSON with the entity's property names (as `send_facts` gives them). */
  fromJson(rows: ReadonlyArray<Record<string, unknown>> | null): PhoneBlock[] {
    return (rows ?? []).map((row) => blocks.fromRow(row));
  }

  /** The blocks in force on the number or on its prefix (the two partial indexes). */
  async inForceOn(phone: string, prefix: string, at: Date): Promise<PhoneBlock[]> {
    const { rows } = await this.db.query(
      `SELECT ${blocks.select} FROM ${blocks.name}
        WHERE (phone = $1 OR prefix = $2) AND lifted_at IS NULL AND expires_at > $3`,
      [phone, prefix, at],
    );
    return rows.map((row) => blocks.fromRow(row));
  }

  /** Every block in force, the one ending last first. */
  async listInForce(at: Date): Promise<PhoneBlock[]> {
    const { rows } = await this.db.query(
      `SELECT ${blocks.select} FROM ${blocks.name}
        WHERE lifted_at IS NULL AND expires_at > $1
        ORDER BY expires_at DESC, id LIMIT ${BLOCK_LIST_LIMIT}`,
      [at],
    );
    return rows.map((row) => blocks.fromRow(row));
  }

  async countInForce(at: Date): Promise<number> {
    const { rows } = await this.db.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM ${blocks.name} WHERE lifted_at IS NULL AND expires_at > $1`,
      [at],
    );
    return rows[0].count;
  }

  /**
   * Blocks of `source` on exactly this number or prefix created since `since`, lifted ones
   * included: the repeats the fraud guard's doubling rule counts.
   */
  async countCreatedSince(
    target: { phone: string } | { prefix: string },
    source: BlockSource,
    since: Date,
    on: Queryable = this.db,
  ): Promise<number> {
    const [column, value] = 'phone' in target ? ['phone', target.phone] : ['prefix', target.prefix];
    const { rows } = await on.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM ${blocks.name}
        WHERE ${column} = $1 AND source = $2 AND created_at > $3`,
      [value, source, since],
    );
    return rows[0].count;
  }

  /** Ends a block early; false when there is no such block (one already ended stays as it was). */
  async lift(id: string, by: string | null, at: Date): Promise<boolean> {
    const { rows } = await this.db.query<{ id: string }>(
      `WITH lifted AS (
         UPDATE ${blocks.name} SET lifted_at = $3, lifted_by = $2
          WHERE id = $1 AND lifted_at IS NULL AND expires_at > $3
          RETURNING id
       )
       SELECT id FROM lifted UNION ALL SELECT id FROM ${blocks.name} WHERE id = $1`,
      [id, by, at],
    );
    return rows.length > 0;
  }
}
