import type { FileHandle } from "node:fs/promises";
import type { PathReader } from "../writable-file-system.js";

/**
 * A {@link PathReader} over an open file. `onClose` runs once, after the file is closed
 * (it gives back the file-operation slot); `wrap` turns OS errors into `StorageError`s.
 */
export class LocalPathReader implements PathReader {
  readonly size: number;
  readonly #handle: FileHandle;
  readonly #onClose: () => void;
  readonly #wrap: (err: unknown) => Promise<Error>;
  #closed: Promise<void> | undefined;

  constructor(handle: FileHandle, size: number, onClose: () => void, wrap: (err: unknown) => Promise<Error>) {
    this.#handle = handle;
    this.size = size;
    this.#onClose = onClose;
    this.#wrap = wrap;
  }

  /** {@inheritDoc PathReader.read} */
  async read(into: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    try {
      return (await this.#handle.read(into, offset, length, position)).bytesRead;
    } catch (err) {
      throw await this.#wrap(err);
    }
  }

  /** {@inheritDoc PathReader.close} */
  close(): Promise<void> {
    this.#closed ??= this.#handle.close().finally(this.#onClose);
    return this.#closed;
  }
}
