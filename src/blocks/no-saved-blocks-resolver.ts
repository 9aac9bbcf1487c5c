import { ConfigurationError } from "../errors/configuration-error.js";
import type { ResolvedStorage, StorageBlockResolver } from "./storage-block-resolver.js";

/**
 * The resolver used when the engine has no block store: storage instances work, but
 * slugs of saved blocks cannot be loaded.
 */
export class NoSavedBlocksResolver implements StorageBlockResolver {
  load(slug: string): Promise<ResolvedStorage> {
    return Promise.reject(
      new ConfigurationError(
        `The storage block ${JSON.stringify(slug)} cannot be loaded: this engine has no block store. ` +
          "Pass a storage block instance as resultStorage instead (e.g. new LocalFileSystem({ basepath })).",
      ),
    );
  }

  idFor(): Promise<string | null> {
    return Promise.resolve(null);
  }

  byId(id: string): Promise<never> {
    return Promise.reject(new ConfigurationError(`The storage block with id ${id} cannot be loaded: this engine has no block store.`));
  }
}
