import { z } from "@hono/zod-openapi";
import { queryInt } from "./common-schemas.js";

/** The most items one page of a listing holds. */
export const MAX_PAGE_SIZE = 1000;
/** The page size when `limit` is not given. */
export const DEFAULT_PAGE_SIZE = 200;

/** `limit` and `offset` query parameters. */
export const pageQuery = {
  limit: queryInt("limit", MAX_PAGE_SIZE).openapi({ description: `Items per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).` }),
  offset: queryInt("offset", 1_000_000_000).openapi({ description: "Items to skip." }),
};

/**
 * `{ items, nextOffset }`: one page of a listing.
 *
 * @example
 * ```ts
 * json(pageOf(FlowRunSchema, "FlowRunPage"), "A page of flow runs.");
 * ```
 */
export function pageOf<S extends z.ZodType>(item: S, name: string) {
  return z
    .object({
      items: z.array(item),
      nextOffset: z.number().int().nullable().openapi({ description: "The offset of the next page; null on the last page." }),
    })
    .openapi(name);
}

/**
 * The page for `items` read with `limit + 1`: the extra item only tells that there is more.
 *
 * @example
 * ```ts
 * toPage(await read({ limit: limit + 1, offset }), limit, offset); // { items, nextOffset }
 * ```
 */
export function toPage<T>(items: T[], limit: number, offset: number): { items: T[]; nextOffset: number | null } {
  if (items.length <= limit) return { items, nextOffset: null };
  return { items: items.slice(0, limit), nextOffset: offset + limit };
}
