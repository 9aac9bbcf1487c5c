import type { OrchestrationClient } from "../client/orchestration-client.js";
import { CairnError } from "../errors/cairn-error.js";

/** Gives the metadata-store client of the engine in scope. */
export type BlockClientProvider = () => Promise<OrchestrationClient>;

let provider: BlockClientProvider | undefined;

/**
 * Sets where `Block.save`, `Block.load` and `Block.delete` find the metadata store when
 * they are not given a client. The engine module installs `() => currentEngine().client()`
 * (blocks cannot import the engine: the engine imports the storage blocks).
 *
 * @example
 * ```ts
 * setBlockClientProvider(() => currentEngine().client());
 * ```
 */
export function setBlockClientProvider(fn: BlockClientProvider): void {
  provider = fn;
}

/**
 * The client of the engine in scope (`engine.run(...)`), else of the default engine.
 *
 * @example
 * ```ts
 * const client = await blockClient();
 * await client.readBlockDocuments();
 * ```
 */
export function blockClient(): Promise<OrchestrationClient> {
  if (provider === undefined) {
    return Promise.reject(
      new CairnError(
        "NO_ENGINE",
        "Blocks cannot reach the metadata store: no Cairn engine is loaded. Import blocks from \"cairn\" " +
          "(which loads the engine), or pass a client: block.save(name, { client }).",
      ),
    );
  }
  return provider();
}
