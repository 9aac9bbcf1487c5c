import { z } from "zod";
import { computeIntegrityV1 } from "./blob-integrity.js";
import type { PersistedResultBlob } from "./persisted-result-blob-fields.js";

const isoDateTime = z.iso.datetime({ offset: true });

/** The shape of a format-1 blob. Unknown fields are refused: a new field means a new version. */
export const blobV1Schema = z.strictObject({
  cairn: z.literal(1),
  serializer: z.looseObject({ type: z.string().min(1) }),
  expiration: isoDateTime.nullable(),
  createdAt: isoDateTime,
  cairnVersion: z.string().min(1),
  integrity: z.string().regex(/^sha256-[A-Za-z0-9+/]{43}=$/, "expected sha256-<44 base64 characters>"),
  data: z.string(),
});

/**
 * Reads a format-1 blob: checks its shape and its integrity hash. Calls `fail(reason)`
 * (which throws) when either is wrong.
 *
 * @example
 * ```ts
 * const blob = readBlobV1(JSON.parse(text), (reason) => { throw new Error(reason); });
 * ```
 */
export function readBlobV1(obj: Record<string, unknown>, fail: (reason: string) => never): PersistedResultBlob {
  const parsed = blobV1Schema.safeParse(obj);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    return fail(`its fields are invalid (${fields.join("; ")})`);
  }
  const blob = parsed.data;
  const computed = computeIntegrityV1(blob);
  if (computed !== blob.integrity) {
    return fail(`its integrity hash does not match its content (stored ${blob.integrity}, computed ${computed})`);
  }
  return blob;
}
