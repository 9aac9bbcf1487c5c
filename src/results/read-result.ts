import type { ResultStorageOption } from "../engine/options.js";
import { currentEngine, type Engine } from "../engine/engine.js";
import { readPersistedValue } from "./read-persisted-value.js";

/** Options of {@link readResult}. */
export interface ReadResultOptions {
  /**
   * The storage the result was written to: a block instance or a saved block slug.
   * @default the default result storage (CAIRN_DEFAULT_RESULT_STORAGE_BLOCK, else CAIRN_LOCAL_STORAGE_PATH)
   */
  storage?: ResultStorageOption;
  /** The engine whose settings and blocks to use. @default the current engine */
  engine?: Engine;
}

/**
 * Reads a persisted result outside any run: reads the blob at `key`, checks its
 * integrity and deserializes it with the serializer recorded in the blob.
 *
 * @example
 * ```ts
 * const value = await readResult("5bb365beb0e2487fbac2c34d378d0882", { storage: new LocalFileSystem({ basepath: "results" }) });
 * ```
 */
export async function readResult<T = unknown>(key: string, options: ReadResultOptions = {}): Promise<T> {
  const engine = options.engine ?? currentEngine();
  const { storage } = await engine.results.resolveStorage(options.storage);
  return readPersistedValue<T>(storage, key);
}
