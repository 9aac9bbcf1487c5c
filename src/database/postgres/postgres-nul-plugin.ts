import {
  OperationNodeTransformer,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type ValueNode,
} from "kysely";

/** What PostgreSQL stores instead of U+0000, which its `text` type cannot hold: U+FFFD. */
export const NUL_REPLACEMENT = "\uFFFD";

function clean(value: unknown): unknown {
  return typeof value === "string" && value.includes("\0") ? value.replaceAll("\0", NUL_REPLACEMENT) : value;
}

class NulTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = clean(node.value);
    return value === node.value ? node : { ...node, value };
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    return node.values.some((v) => typeof v === "string" && v.includes("\0")) ? { ...node, values: node.values.map(clean) } : node;
  }
}

/**
 * A Kysely plugin for PostgreSQL, whose `text` cannot hold the character U+0000 (a query
 * binding one fails with "invalid byte sequence for encoding UTF8: 0x00"): every string
 * parameter has its U+0000 replaced by U+FFFD, so that a run name, a log line or an error
 * message holding one is stored (slightly changed) instead of failing the whole write, and
 * a lookup by such a value finds what was stored for it. SQLite stores U+0000 as is.
 *
 * @example
 * ```ts
 * new Kysely<CairnDatabase>({ dialect, plugins: [new PostgresNulPlugin()] });
 * ```
 */
export class PostgresNulPlugin implements KyselyPlugin {
  readonly #transformer = new NulTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

/**
 * `JSON.stringify(value)` for a JSON parameter that PostgreSQL converts to `text` columns:
 * a U+0000 inside a string (escaped `\u0000`, which PostgreSQL refuses to convert) becomes
 * U+FFFD, as {@link PostgresNulPlugin} does for plain parameters. Costs one extra scan of
 * the text, and a second stringify only when a U+0000 is there.
 *
 * @example
 * ```ts
 * sql`select * from json_populate_recordset(null::run_log, ${jsonWithoutNul(rows)}::json)`;
 * ```
 */
export function jsonWithoutNul(value: unknown): string {
  const text = JSON.stringify(value);
  if (!text.includes("\\u0000")) return text;
  return JSON.stringify(value, (_key, v: unknown) => clean(v));
}
