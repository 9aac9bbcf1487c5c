import { StorageError } from "./storage-error.js";
import type { PathWriter } from "./writable-file-system.js";

/**
 * Where a {@link PartedPathWriter} sends its parts: an object store's multipart upload
 * (S3) or staged blocks (Azure). Parts are numbered from 0 and all have the writer's part
 * size but the last.
 */
export interface PartSink {
  /** Uploads part `index`; `bytes` stays unchanged until this resolves. */
  uploadPart(index: number, bytes: Uint8Array): Promise<void>;
  /** The whole object fits one part and none was uploaded: store it in one request. */
  putWhole(bytes: Uint8Array): Promise<void>;
  /** Publishes parts `0..count-1` (all uploaded) as the object, at once. */
  complete(count: number): Promise<void>;
  /** Discards what was uploaded, so nothing is left behind (best effort; never throws). */
  discard(): Promise<void>;
}

/** A part being assembled from writes that cover it only in pieces. */
interface PendingPart {
  buffer: Buffer;
  filled: number;
  /** The highest offset written in this part (its length when it is the last one). */
  end: number;
}

/**
 * A {@link PathWriter} for object stores that take an object in parts: writes at any
 * positions are cut at part boundaries; a part a write covers whole is uploaded straight
 * from the caller's bytes (no copy), pieces of parts are copied into a part buffer that is
 * uploaded once full. At most `concurrency` parts are in flight. `commit` uploads the last
 * part and publishes the object; `abort` (and any failure) discards the upload, so nothing
 * is visible under the key unless commit succeeds. Each byte is written at most once.
 *
 * @example
 * ```ts
 * const writer = new PartedPathWriter(8 * 1024 * 1024, 4, sink, (err) => toStorageError(err));
 * await writer.write(bytes, 100); await writer.write(head, 0); await writer.commit();
 * ```
 */
export class PartedPathWriter implements PathWriter {
  readonly #partSize: number;
  readonly #sink: PartSink;
  readonly #wrap: (err: unknown) => Error;
  readonly #pending = new Map<number, PendingPart>();
  readonly #background = new Set<Promise<void>>();
  readonly #waiting: Array<() => void> = [];
  #slots: number;
  #uploaded = 0;
  #size = 0;
  #failure: unknown;
  #finished: Promise<void> | undefined;

  constructor(partSize: number, concurrency: number, sink: PartSink, wrap: (err: unknown) => Error) {
    this.#partSize = partSize;
    this.#slots = concurrency;
    this.#sink = sink;
    this.#wrap = wrap;
  }

  /** {@inheritDoc PathWriter.write} */
  async write(bytes: Uint8Array, position: number): Promise<void> {
    this.#throwIfFailed();
    const size = this.#partSize;
    const direct: Array<Promise<void>> = [];
    const end = position + bytes.byteLength;
    this.#size = Math.max(this.#size, end);
    for (let at = position; at < end; ) {
      const index = Math.floor(at / size);
      const partStart = index * size;
      const upto = Math.min(end, partStart + size);
      const piece = bytes.subarray(at - position, upto - position);
      if (at === partStart && upto === partStart + size && !this.#pending.has(index)) {
        direct.push(this.#upload(index, piece));
      } else {
        let part = this.#pending.get(index);
        if (part === undefined) {
          part = { buffer: Buffer.allocUnsafe(size), filled: 0, end: 0 };
          this.#pending.set(index, part);
        }
        part.buffer.set(piece, at - partStart);
        part.filled += piece.byteLength;
        part.end = Math.max(part.end, upto - partStart);
        if (part.filled === size) {
          this.#pending.delete(index);
          this.#inBackground(this.#upload(index, part.buffer));
        }
      }
      at = upto;
    }
    const results = await Promise.allSettled(direct);
    for (const result of results) if (result.status === "rejected") this.#fail(result.reason);
    this.#throwIfFailed();
  }

  /** {@inheritDoc PathWriter.commit} */
  commit(): Promise<void> {
    this.#finished ??= this.#commit();
    return this.#finished;
  }

  /** {@inheritDoc PathWriter.abort} */
  abort(): Promise<void> {
    this.#finished ??= this.#settle().then(() => this.#sink.discard());
    return this.#finished;
  }

  async #commit(): Promise<void> {
    try {
      await this.#settle();
      this.#throwIfFailed();
      const size = this.#partSize;
      const count = Math.max(1, Math.ceil(this.#size / size));
      for (const [index, part] of this.#pending) {
        const expected = index === count - 1 ? this.#size - index * size : size;
        if (part.filled !== expected) {
          throw new Error(`bytes ${index * size + part.filled} to ${index * size + expected} of the object were never written`);
        }
      }
      const last = this.#pending.get(count - 1);
      if (this.#uploaded === 0 && count === 1) {
        await this.#sink.putWhole(last === undefined ? new Uint8Array(0) : last.buffer.subarray(0, last.end));
        return;
      }
      if (last !== undefined) await this.#upload(count - 1, last.buffer.subarray(0, last.end));
      this.#pending.clear();
      await this.#sink.complete(count);
    } catch (err) {
      await this.#sink.discard();
      throw this.#asStorageError(err);
    }
  }

  /** Uploads one part when a slot is free. */
  async #upload(index: number, bytes: Uint8Array): Promise<void> {
    while (this.#slots === 0) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#slots--;
    try {
      this.#throwIfFailed();
      await this.#sink.uploadPart(index, bytes);
      this.#uploaded++;
    } finally {
      this.#slots++;
      this.#waiting.shift()?.();
    }
  }

  #inBackground(upload: Promise<void>): void {
    const tracked = upload.catch((err: unknown) => this.#fail(err)).finally(() => this.#background.delete(tracked));
    this.#background.add(tracked);
  }

  async #settle(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
  }

  #fail(err: unknown): void {
    this.#failure ??= err;
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#asStorageError(this.#failure);
  }

  #asStorageError(err: unknown): Error {
    return err instanceof StorageError ? err : this.#wrap(err);
  }
}
