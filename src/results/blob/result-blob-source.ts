/**
 * Where a result blob was read from, for error messages: its key and its storage.
 * `storage` is a storage block (its `describe()` is used) or that label itself.
 *
 * @example
 * ```ts
 * decodePersistedResultBlob(bytes, { key: "3f9c...", storage });
 * ```
 */
export interface ResultBlobSource {
  /** The storage key of the blob. */
  key?: string;
  /** The storage block, or its `describe()` label, e.g. `local-file-system at /abs/base`. */
  storage?: string | { describe(): string };
}

/** The `storage` of a {@link ResultBlobSource} as a label, if given. */
export function storageLabel(source: ResultBlobSource | undefined): string | undefined {
  const storage = source?.storage;
  return typeof storage === "string" ? storage : storage?.describe();
}

/** `The result at key "k" in <storage>` / `The result blob`, to start messages with. */
export function describeSource(source: ResultBlobSource | undefined): string {
  const storage = storageLabel(source);
  const key = source?.key;
  if (key !== undefined && storage !== undefined) return `The result at key ${JSON.stringify(key)} in ${storage}`;
  if (key !== undefined) return `The result at key ${JSON.stringify(key)}`;
  if (storage !== undefined) return `A result blob in ${storage}`;
  return "The result blob";
}
