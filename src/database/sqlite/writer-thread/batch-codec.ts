/**
 * A compact encoding of a {@link WriteBatch} for the trip to the writer thread: every cell
 * of every row, in the column order the write path binds (`../../rows/*-row.ts`), as one
 * `Float64Array` (numbers as they are, text as an index into a string table), and the
 * string table as one `"\0"`-joined string. A value repeated in the same column (the flow
 * run's id, the owner, a state's type, a timestamp) is stored once.
 *
 * Measured against the alternatives (bench notes in docs/metadata-store.md): a structured
 * clone or `v8.serialize` of the records costs the main thread ~5 µs per task run and the
 * worker ~10 µs to rebuild the objects; this costs about a tenth of that on each side, and
 * the worker binds the decoded cells directly, without building row objects.
 *
 * @example
 * ```ts
 * const encoded = encodeBatch(batch);
 * port.postMessage(encoded, transferList(encoded));
 * // in the worker:
 * const tables = decodeBatch(encoded); // cells per table, `seq` still to be filled in
 * ```
 */
import type { FlowRunRecord, LogRecord, StateRecord, TaskRunRecord } from "../../../records/index.js";
import { FLOW_RUN_COLUMNS } from "../../rows/flow-run-row.js";
import { RUN_LOG_COLUMNS } from "../../rows/log-row.js";
import { RUN_STATE_COLUMNS } from "../../rows/state-row.js";
import { TASK_RUN_COLUMNS } from "../../rows/task-run-row.js";
import type { WriteBatch } from "../../service/write-batch.js";

/** Tables in the order a batch is written (runs before the states and logs that refer to them). */
export const TABLE_COLUMNS = [FLOW_RUN_COLUMNS, TASK_RUN_COLUMNS, RUN_STATE_COLUMNS, RUN_LOG_COLUMNS] as const;

/** Cell kinds: "s" text (or null), "n" a number. `seq` (the last column of every table) is not encoded. */
const KINDS: readonly (readonly ("s" | "n")[])[] = [
  // flow_run
  ["s", "s", "s", "s", "s", "s", "s", "s", "s", "s", "s", "n", "s", "s", "s", "s", "n", "s"],
  // task_run
  ["s", "s", "s", "s", "s", "s", "s", "s", "s", "s", "s", "s", "n", "s", "s", "s", "s", "n", "s"],
  // run_state
  ["s", "s", "s", "s", "s", "s", "s", "s", "s", "s"],
  // run_log
  ["s", "s", "n", "s", "s", "s"],
];
for (let t = 0; t < TABLE_COLUMNS.length; t++) {
  const columns = TABLE_COLUMNS[t] as readonly string[];
  if (columns[columns.length - 1] !== "seq" || (KINDS[t] as readonly string[]).length !== columns.length - 1) {
    throw new Error(`Internal error: the batch codec does not match the columns of table ${t}.`);
  }
}

/** Text cell: no value. */
const NULL = -1;
/** Text cell: the value is in `extras` (not a string: bound as it is, e.g. to be refused like inline). */
const EXTRA = -2;

/** A batch as it travels to the writer thread. */
export interface EncodedBatch {
  /** Rows per table, in {@link TABLE_COLUMNS} order. */
  rows: [number, number, number, number];
  /** Every cell but `seq`, table after table, row after row. */
  cells: Float64Array;
  /** The string table, `"\0"`-joined (or as an array when a string contains `"\0"`). */
  strings: string | string[];
  stringCount: number;
  /** `[cellIndex, value]` of cells whose value is neither text/null (text columns) nor a number (number columns). */
  extras: [number, unknown][];
}

/** What the worker binds: per table, every row's cells in column order (`seq` cells to be set), and the row count. */
export interface DecodedTable {
  values: unknown[];
  rows: number;
}

class Encoder {
  readonly cells: Float64Array;
  readonly strings: string[] = [];
  readonly extras: [number, unknown][] = [];
  hasNul = false;
  #n = 0;
  #col = 0;
  #base = 0;
  /** Per table column: the last text value and its index (repeats are stored once). */
  readonly #lastText: (string | undefined)[] = new Array<string | undefined>(64).fill(undefined);
  readonly #lastIndex: number[] = new Array<number>(64).fill(0);

  constructor(size: number) {
    this.cells = new Float64Array(size);
  }

  /** Starts a row of the table whose columns are cached from `base`. */
  row(base: number): void {
    this.#base = base;
    this.#col = 0;
  }

  s(value: unknown): void {
    const slot = this.#base + this.#col++;
    if (typeof value === "string") {
      if (value === this.#lastText[slot]) {
        this.cells[this.#n++] = this.#lastIndex[slot] as number;
        return;
      }
      const index = this.strings.length;
      this.strings.push(value);
      if (value.indexOf("\0") !== -1) this.hasNul = true;
      this.#lastText[slot] = value;
      this.#lastIndex[slot] = index;
      this.cells[this.#n++] = index;
    } else if (value === null || value === undefined) {
      this.cells[this.#n++] = NULL;
    } else {
      this.extras.push([this.#n, value]);
      this.cells[this.#n++] = EXTRA;
    }
  }

  n(value: unknown): void {
    this.#col++;
    if (typeof value === "number" && !Number.isNaN(value)) {
      this.cells[this.#n++] = value;
    } else {
      this.extras.push([this.#n, value === undefined ? null : value]);
      this.cells[this.#n++] = Number.NaN;
    }
  }
}

/** Column cache bases per table (each table's columns get their own cache slots). */
const BASE = [0, 18, 37, 47] as const;

function putFlowRun(e: Encoder, r: FlowRunRecord): void {
  e.row(BASE[0]);
  e.s(r.id); e.s(r.name); e.s(r.flowName); e.s(r.flowVersion); e.s(r.parameters);
  e.s(JSON.stringify(r.tags)); e.s(r.parentTaskRunId);
  e.s(r.stateType); e.s(r.stateName); e.s(r.stateMessage); e.s(r.stateTimestamp); e.n(r.runCount);
  e.s(r.startTime); e.s(r.endTime); e.s(r.created); e.s(r.owner.host); e.n(r.owner.pid); e.s(r.owner.engineId);
}

function putTaskRun(e: Encoder, r: TaskRunRecord): void {
  e.row(BASE[1]);
  e.s(r.id); e.s(r.name); e.s(r.taskKey); e.s(r.dynamicKey); e.s(r.flowRunId); e.s(r.cacheKey); e.s(r.cacheExpiration);
  e.s(r.stateType); e.s(r.stateName); e.s(r.stateMessage); e.s(r.stateTimestamp); e.s(r.stateData); e.n(r.runCount);
  e.s(r.startTime); e.s(r.endTime); e.s(r.created); e.s(r.owner.host); e.n(r.owner.pid); e.s(r.owner.engineId);
}

function putState(e: Encoder, s: StateRecord): void {
  e.row(BASE[2]);
  e.s(s.id); e.s(s.taskRunId ?? s.flowRunId ?? ""); e.s(s.flowRunId); e.s(s.taskRunId); e.s(s.type); e.s(s.name);
  e.s(s.message); e.s(s.timestamp); e.s(s.data); e.s(s.details);
}

function putLog(e: Encoder, l: LogRecord): void {
  e.row(BASE[3]);
  e.s(l.flowRunId); e.s(l.taskRunId); e.n(l.level); e.s(l.name); e.s(l.message); e.s(l.timestamp);
}

/** Encodes a batch (synchronously: the records may change afterwards). */
export function encodeBatch(batch: WriteBatch): EncodedBatch {
  const rows: [number, number, number, number] = [batch.flowRuns.length, batch.taskRuns.length, batch.states.length, batch.logs.length];
  let size = 0;
  for (let t = 0; t < 4; t++) size += rows[t]! * (KINDS[t] as readonly string[]).length;
  const e = new Encoder(size);
  for (const r of batch.flowRuns) putFlowRun(e, r);
  for (const r of batch.taskRuns) putTaskRun(e, r);
  for (const s of batch.states) putState(e, s);
  for (const l of batch.logs) putLog(e, l);
  return {
    rows,
    cells: e.cells,
    strings: e.hasNul ? e.strings : e.strings.join("\0"),
    stringCount: e.strings.length,
    extras: e.extras,
  };
}

/** What {@link encodeBatch}'s result can hand over instead of copying. */
export function transferList(encoded: EncodedBatch): ArrayBuffer[] {
  return [encoded.cells.buffer as ArrayBuffer];
}

/** The cells of each table, ready to bind ({@link TABLE_COLUMNS} order; `seq` cells are 0). */
export function decodeBatch(encoded: EncodedBatch): DecodedTable[] {
  const strings =
    typeof encoded.strings !== "string" ? encoded.strings : encoded.stringCount === 0 ? [] : encoded.strings.split("\0");
  const extras = new Map<number, unknown>(encoded.extras);
  const cells = encoded.cells;
  const tables: DecodedTable[] = [];
  let k = 0;
  for (let t = 0; t < 4; t++) {
    const kinds = KINDS[t] as readonly ("s" | "n")[];
    const rows = encoded.rows[t] as number;
    const values = new Array<unknown>(rows * (kinds.length + 1));
    let o = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < kinds.length; c++) {
        const code = cells[k] as number;
        if (kinds[c] === "s") values[o++] = code >= 0 ? strings[code] : code === NULL ? null : extras.get(k);
        else values[o++] = Number.isNaN(code) ? extras.get(k) : code;
        k++;
      }
      values[o++] = 0; // seq: assigned when written
    }
    tables.push({ values, rows });
  }
  return tables;
}
