import { getMetadataArgsStorage } from 'typeorm';

/** How a column's value comes back from pg (or PGlite's adapter) and what the entity holds. */
type Conversion = 'date' | 'bytes' | 'number' | 'none';

interface ColumnShape {
  readonly property: string;
  readonly column: string;
  readonly conversion: Conversion;
}

const CONVERSIONS: Readonly<Record<string, Conversion>> = {
  timestamptz: 'date',
  'timestamp with time zone': 'date',
  bytea: 'bytes',
  smallint: 'number',
  integer: 'number',
  int: 'number',
};

/**
 * A table's row shape, read from its TypeORM entity (the one place it is written): the entity's
 * property names are the names rows come back under (`"user_id" AS "userId"`), so a row read with
 * `select` IS the entity type. Repositories write SQL with `name`, `select` and `column(…)`.
 */
export class Table<E extends object> {
  /** `"id", "user_id" AS "userId", …`: every column, aliased to its property. */
  readonly select: string;
  readonly columnNames: readonly string[];
  readonly propertyNames: readonly string[];
  private readonly byProperty: ReadonlyMap<string, ColumnShape>;
  private readonly converted: readonly ColumnShape[];

  constructor(
    readonly name: string,
    columns: readonly ColumnShape[],
  ) {
    this.byProperty = new Map(columns.map((shape) => [shape.property, shape]));
    this.converted = columns.filter((shape) => shape.conversion !== 'none');
    this.columnNames = columns.map((shape) => shape.column);
    this.propertyNames = columns.map((shape) => shape.property);
    this.select = columns
      .map(({ column, property }) =>
        column === property ? `"${column}"` : `"${column}" AS "${property}"`,
      )
      .join(', ');
  }

  /** The column a property is stored in. */
  column(property: keyof E & string): string {
    const shape = this.byProperty.get(property);
    if (!shape) throw new Error(`${this.name} has no column for ${property}`);
    return shape.column;
  }

  /** `"a", "b"`: the columns of these properties, for an INSERT's column list. */
  columns(properties: readonly (keyof E & string)[]): string {
    return properties.map((property) => `"${this.column(property)}"`).join(', ');
  }

  /**
   * A row selected with `select` (or with some columns aliased to their properties: name them
   * as `K`), with each value as the entity types it.
   */
  fromRow<K extends keyof E = keyof E>(row: Record<string, unknown>): Pick<E, K> {
    for (const { property, conversion } of this.converted) {
      const value = row[property];
      if (value === null || value === undefined) continue;
      row[property] = convert(value, conversion);
    }
    return row as Pick<E, K>;
  }
}

function convert(value: unknown, conversion: Conversion): unknown {
  switch (conversion) {
    case 'date':
      return asDate(value as Date | string);
    case 'bytes':
      return Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array);
    case 'number':
      return typeof value === 'number' ? value : Number(value);
    case 'none':
      return value;
  }
}

/** The Table of an entity class, from its decorators (no DataSource needed). */
export function tableOf<E extends object>(entity: abstract new () => E): Table<E> {
  const storage = getMetadataArgsStorage();
  const table = storage.tables.find((args) => args.target === entity);
  if (!table?.name) throw new Error(`${entity.name} is not an @Entity with a table name`);
  const columns = storage.columns
    .filter((args) => args.target === entity)
    .map(({ propertyName, options }): ColumnShape => {
      const type = typeof options.type === 'string' ? options.type : '';
      return {
        property: propertyName,
        column: options.name ?? propertyName,
        conversion: CONVERSIONS[type] ?? 'none',
      };
    });
  return new Table<E>(table.name, columns);
}

/** pg parses timestamptz into a Date; PGlite's adapter sometimes hands back the text. */
export function asDate(value: Date | string): Date;
export function asDate(value: Date | string | null): Date | null;
export function asDate(value: Date | string | null): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : new Date(value);
}
