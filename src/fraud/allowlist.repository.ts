import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import { tableOf } from '../database/table';
import { AllowlistEntry } from './allowlist-entry.entity';

const allowlist = tableOf(AllowlistEntry);

export type NewAllowlistRow = Pick<
  AllowlistEntry,
  'phone' | 'prefix' | 'note' | 'createdBy' | 'createdAt'
>;

const NEW_ENTRY_COLUMNS = ['phone', 'prefix', 'note', 'createdBy', 'createdAt'] as const;

export const ALLOWLIST_LIMIT = 1000;

/** The SQL of `phone_allowlist`. One entry per number or prefix: the unique indexes say so. */
@Injectable()
export class AllowlistRepository {
  constructor(private readonly db: Database) {}

  async insert(row: NewAllowlistRow): Promise<AllowlistEntry> {
    const { rows } = await this.db.query(
      `INSERT INTO ${allowlist.name} (${allowlist.columns(NEW_ENTRY_COLUMNS)})
       VALUES ($1, $2, $3, $4, $5) RETURNING ${allowlist.select}`,
      NEW_ENTRY_COLUMNS.map((property) => row[property]),
    );
    return allowlist.fromRow(rows[0]);
  }

  async covers(phone: string, prefix: string): Promise<boolean> {
    const { rows } = await this.db.query<{ covered: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${allowlist.name} WHERE phone = $1 OR prefix = $2) AS covered`,
      [phone, prefix],
    );
    return rows[0].covered;
  }

  async list(): Promise<AllowlistEntry[]> {
    const { rows } = await this.db.query(
      `SELECT ${allowlist.select} FROM ${allowlist.name}
        ORDER BY created_at DESC, id LIMIT ${ALLOWLIST_LIMIT}`,
    );
    return rows.map((row) => allowlist.fromRow(row));
  }

  async delete(id: string): Promise<boolean> {
    const { affected } = await this.db.query(`DELETE FROM ${allowlist.name} WHERE id = $1`, [id]);
    return affected > 0;
  }
}
