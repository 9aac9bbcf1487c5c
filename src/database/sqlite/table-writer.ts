import type { CompiledQuery } from "kysely";
import type { StatementCache } from "./statement-cache.js";

/**
 * Multi-row statement sizes. A burst of n rows is written as a few statements of
 * these sizes (e.g. 300 = 256 + 16 + 16 + 4 + 4 + 4), so only five statements per
 * table are ever compiled and prepared, and each runs from the statement cache.
 */
export const CHUNK_SIZES = [256, 64, 16, 4, 1] as const;

/** How {@link TableWriter} builds the statement for `rows` rows (values are placeholders). */
export type CompileRows = (rows: readonly Record<string, unknown>[]) => CompiledQuery;

/**
 * Writes the records of one table with cached multi-row statements: Kysely compiles
 * each statement size once; the values are then bound positionally, column by column,
 * in the order of `columns`.
 */
export class TableWriter<R> {
  readonly #cache: StatementCache;
  readonly #columns: readonly string[];
  readonly #compile: CompileRows;
  readonly #toRow: (record: R, seq: number) => object;
  readonly #sql = new Map<number, string>();

  constructor(
    cache: StatementCache,
    columns: readonly string[],
    compile: CompileRows,
    toRow: (record: R, seq: number) => object,
  ) {
    this.#cache = cache;
    this.#columns = columns;
    this.#compile = compile;
    this.#toRow = toRow;
  }

  /** Writes every record; record `i` gets sequence value `firstSeq + i`. Throws on the first error. */
  write(records: readonly R[], firstSeq: number): void {
    let i = 0;
    for (const size of CHUNK_SIZES) {
      while (records.length - i >= size) {
        this.#cache.get(this.#sqlFor(size)).run(this.#values(records, i, size, firstSeq));
        i += size;
      }
    }
  }

  /**
   * Writes the records one statement each, skipping those the database refuses.
   * @returns the errors of the refused records.
   */
  writeEach(records: readonly R[], firstSeq: number): unknown[] {
    const errors: unknown[] = [];
    const statement = this.#cache.get(this.#sqlFor(1));
    for (let i = 0; i < records.length; i++) {
      try {
        statement.run(this.#values(records, i, 1, firstSeq));
      } catch (err) {
        errors.push(err);
      }
    }
    return errors;
  }

  /**
   * Writes `rows` rows of ready cells (column order, `seq` last): row `i` gets sequence
   * value `firstSeq + i`. Throws on the first error.
   */
  writeCells(cells: unknown[], rows: number, firstSeq: number): void {
    const width = this.#columns.length;
    for (let i = 0; i < rows; i++) cells[i * width + width - 1] = firstSeq + i;
    let i = 0;
    for (const size of CHUNK_SIZES) {
      while (rows - i >= size) {
        const statement = this.#cache.get(this.#sqlFor(size));
        statement.run(i === 0 && size === rows ? cells : cells.slice(i * width, (i + size) * width));
        i += size;
      }
    }
  }

  /** Like {@link TableWriter.writeEach}, for ready cells. */
  writeEachCells(cells: unknown[], rows: number, firstSeq: number): unknown[] {
    const width = this.#columns.length;
    const errors: unknown[] = [];
    const statement = this.#cache.get(this.#sqlFor(1));
    for (let i = 0; i < rows; i++) {
      cells[i * width + width - 1] = firstSeq + i;
      try {
        statement.run(cells.slice(i * width, (i + 1) * width));
      } catch (err) {
        errors.push(err);
      }
    }
    return errors;
  }

  #values(records: readonly R[], start: number, count: number, firstSeq: number): unknown[] {
    const columns = this.#columns;
    const values = new Array<unknown>(count * columns.length);
    let v = 0;
    for (let i = start; i < start + count; i++) {
      const row = this.#toRow(records[i] as R, firstSeq + i) as Record<string, unknown>;
      for (const column of columns) values[v++] = row[column];
    }
    return values;
  }

  #sqlFor(size: number): string {
    let sql = this.#sql.get(size);
    if (sql === undefined) {
      const placeholder = Object.fromEntries(this.#columns.map((c) => [c, null]));
      const compiled = this.#compile(new Array<Record<string, unknown>>(size).fill(placeholder));
      if (compiled.parameters.length !== size * this.#columns.length) {
        throw new Error(
          `Internal error: the ${size}-row statement binds ${compiled.parameters.length} values, ` +
            `expected ${size * this.#columns.length}.`,
        );
      }
      sql = compiled.sql;
      this.#sql.set(size, sql);
    }
    return sql;
  }
}
