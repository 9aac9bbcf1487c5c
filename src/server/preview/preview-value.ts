/** One node of a value's tree: a leaf, or a container whose children point back to it. */
export interface PreviewNode {
  /** Its index in `nodes`. */
  id: number;
  /** The index of its container; -1 for the root. */
  parent: number;
  /** Its key in the container: a property name, an array index, a map key's text; null for the root and set members. */
  key: string | null;
  /** What it is: `object`, `array`, `map`, `set`, `string`, `number`, `bigint`, `boolean`, `null`, `undefined`, `date`, `binary`, `error`, `other`. */
  type: PreviewNodeType;
  /** A leaf's value as text (strings unquoted), or a container's summary (`Array(3)`, `Map(2)`, `Object`). */
  text: string;
  /** The number of entries of a container. */
  size?: number;
  /** Entries of a container that are not in `nodes` (past the per-container or total limit). */
  more?: number;
}

/** The kinds of {@link PreviewNode}. */
export type PreviewNodeType =
  | "object" | "array" | "map" | "set" | "string" | "number" | "bigint" | "boolean" | "null" | "undefined"
  | "date" | "binary" | "error" | "other";

/** A cell of a records table: its text and the type of its value. */
export interface PreviewCell {
  text: string;
  type: PreviewNodeType;
}

/**
 * What the UI shows of a value: a tree (objects, arrays, maps, numbers...), a table
 * (an array of records), a summary (typed arrays and binary), or text (a string).
 */
export type ValuePreview =
  | { kind: "tree"; nodes: PreviewNode[]; truncated: boolean }
  | { kind: "table"; columns: string[]; rows: PreviewCell[][]; totalRows: number; truncated: boolean }
  | { kind: "binary"; type: string; length: number; byteLength: number; first: string[] }
  | { kind: "text"; text: string; length: number; truncated: boolean };

/** Limits of {@link previewValue}. */
export const PREVIEW_LIMITS = {
  /** Nodes of a tree in all. */
  nodes: 5000,
  /** Entries shown per container. */
  entriesPerContainer: 500,
  /** Characters of a string leaf. */
  leafChars: 2000,
  /** Characters of a text preview. */
  textChars: 200_000,
  /** Rows of a records table. */
  tableRows: 100,
  /** Columns of a records table. */
  tableColumns: 50,
  /** Characters of a table cell. */
  cellChars: 200,
  /** First values of a binary summary. */
  binaryValues: 16,
} as const;

/**
 * Describes a deserialized value for display, bounded in size whatever the value:
 * a string is text; an array of plain objects is a table (first 100 rows, the union of
 * their keys as columns); a typed array, `Buffer`, `DataView` or `ArrayBuffer` is a
 * binary summary (type, length, first values); anything else is a tree of nodes.
 *
 * @example
 * ```ts
 * previewValue([{ id: 1, name: "a" }]);
 * // { kind: "table", columns: ["id", "name"], rows: [[{ text: "1", type: "number" }, { text: "a", type: "string" }]], totalRows: 1, truncated: false }
 * ```
 */
export function previewValue(value: unknown): ValuePreview {
  if (typeof value === "string") {
    const truncated = value.length > PREVIEW_LIMITS.textChars;
    return { kind: "text", text: truncated ? value.slice(0, PREVIEW_LIMITS.textChars) : value, length: value.length, truncated };
  }
  if (isBinary(value)) return binarySummary(value);
  if (isRecordArray(value)) return recordsTable(value);
  return tree(value);
}

type Binary = ArrayBufferView | ArrayBuffer;

function isBinary(value: unknown): value is Binary {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer);
}

function binaryType(value: Binary): string {
  if (typeof Buffer !== "undefined" && Buffer.isBuffer(value)) return "Buffer";
  return (value as object).constructor?.name ?? "ArrayBuffer";
}

function binarySummary(value: Binary): ValuePreview & { kind: "binary" } {
  const type = binaryType(value);
  let values: ArrayLike<number | bigint>;
  let length: number;
  if (value instanceof ArrayBuffer || !ArrayBuffer.isView(value)) {
    values = new Uint8Array(value as ArrayBuffer);
    length = value.byteLength;
  } else if (value instanceof DataView) {
    values = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    length = value.byteLength;
  } else {
    values = value as unknown as ArrayLike<number | bigint>;
    length = values.length;
  }
  const first: string[] = [];
  for (let i = 0; i < Math.min(length, PREVIEW_LIMITS.binaryValues); i++) first.push(String(values[i]));
  return { kind: "binary", type, length, byteLength: value.byteLength, first };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** An array of plain objects (checked on its first 1,000 elements, which the table is made from). */
function isRecordArray(value: unknown): value is Record<string, unknown>[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  const n = Math.min(value.length, 1000);
  for (let i = 0; i < n; i++) if (!isPlainObject(value[i])) return false;
  return true;
}

function recordsTable(records: Record<string, unknown>[]): ValuePreview & { kind: "table" } {
  const shown = records.slice(0, PREVIEW_LIMITS.tableRows);
  const columns: string[] = [];
  const seen = new Set<string>();
  let truncated = records.length > shown.length;
  for (const record of shown) {
    for (const key of Object.keys(record)) {
      if (seen.has(key)) continue;
      if (columns.length >= PREVIEW_LIMITS.tableColumns) {
        truncated = true;
        continue;
      }
      seen.add(key);
      columns.push(key);
    }
  }
  const rows = shown.map((record) =>
    columns.map((column): PreviewCell => {
      if (!Object.hasOwn(record, column)) return { text: "", type: "undefined" };
      const { type, text } = describeLeaf(record[column], PREVIEW_LIMITS.cellChars);
      return { type, text };
    }),
  );
  return { kind: "table", columns, rows, totalRows: records.length, truncated };
}

/** The type and one-line text of a value (containers summarised). */
function describeLeaf(value: unknown, maxChars: number): { type: PreviewNodeType; text: string; entries?: [string | null, unknown][] } {
  switch (typeof value) {
    case "string":
      return { type: "string", text: value.length > maxChars ? `${value.slice(0, maxChars)}… (${value.length} characters)` : value };
    case "number":
      return { type: "number", text: Object.is(value, -0) ? "-0" : String(value) };
    case "bigint":
      return { type: "bigint", text: `${value}n` };
    case "boolean":
      return { type: "boolean", text: String(value) };
    case "undefined":
      return { type: "undefined", text: "undefined" };
    case "symbol":
      return { type: "other", text: value.toString() };
    case "function":
      return { type: "other", text: `function ${value.name || "(anonymous)"}` };
    default:
      break;
  }
  if (value === null) return { type: "null", text: "null" };
  if (value instanceof Date) return { type: "date", text: Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString() };
  if (isBinary(value)) {
    const s = binarySummary(value);
    return { type: "binary", text: `${s.type}(${s.length}) [${s.first.join(", ")}${s.length > s.first.length ? ", …" : ""}]` };
  }
  if (value instanceof Error) return { type: "error", text: `${value.name}: ${value.message}` };
  if (value instanceof RegExp) return { type: "other", text: String(value) };
  if (value instanceof URL) return { type: "other", text: value.href };
  if (Array.isArray(value)) return { type: "array", text: `Array(${value.length})`, entries: value.map((v, i) => [String(i), v]) };
  if (value instanceof Map) {
    return { type: "map", text: `Map(${value.size})`, entries: [...value].map(([k, v]) => [describeLeaf(k, 200).text, v]) };
  }
  if (value instanceof Set) return { type: "set", text: `Set(${value.size})`, entries: [...value].map((v) => [null, v]) };
  const name = (value as object).constructor?.name;
  const entries = Object.entries(value as object) as [string, unknown][];
  return { type: "object", text: name !== undefined && name !== "Object" ? name : "Object", entries };
}

function tree(root: unknown): ValuePreview & { kind: "tree" } {
  const nodes: PreviewNode[] = [];
  let truncated = false;
  const seen = new Set<object>();
  // Breadth first, so that a large value shows its top levels before the total limit cuts it.
  const queue: { value: unknown; parent: number; key: string | null }[] = [{ value: root, parent: -1, key: null }];
  for (let head = 0; head < queue.length; head++) {
    const { value, parent, key } = queue[head]!;
    if (nodes.length >= PREVIEW_LIMITS.nodes) {
      truncated = true;
      const container = nodes[parent];
      if (container !== undefined) container.more = (container.more ?? 0) + 1;
      continue;
    }
    const leaf = describeLeaf(value, PREVIEW_LIMITS.leafChars);
    const node: PreviewNode = { id: nodes.length, parent, key, type: leaf.type, text: leaf.text };
    nodes.push(node);
    if (leaf.entries === undefined) continue;
    if (typeof value === "object" && value !== null) {
      // A container met again (shared, or circular) is expanded once, then only named.
      if (seen.has(value)) {
        node.text = `${leaf.text} (shown above)`;
        continue;
      }
      seen.add(value);
    }
    node.size = leaf.entries.length;
    const shown = leaf.entries.slice(0, PREVIEW_LIMITS.entriesPerContainer);
    if (leaf.entries.length > shown.length) {
      node.more = leaf.entries.length - shown.length;
      truncated = true;
    }
    for (const [childKey, child] of shown) queue.push({ value: child, parent: node.id, key: childKey });
  }
  return { kind: "tree", nodes, truncated };
}
