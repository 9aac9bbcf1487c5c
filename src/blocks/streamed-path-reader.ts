import type { PathReader } from "./writable-file-system.js";

/** A readable stream of an object's bytes, as the object stores' SDKs return them. */
export type ByteStream = NodeJS.ReadableStream & { destroy?: () => void };

/**
 * A {@link PathReader} over an object store's streamed downloads: one stream serves reads
 * that go forward from where the last one ended; a read elsewhere opens a new stream
 * there with `openAt`, which resolves to undefined when the object was replaced since it
 * was opened (the read then ends early, and the result reader reports the blob as cut
 * short). Each chunk is copied once, into the caller's buffer.
 *
 * @example
 * ```ts
 * const first = await blob.download();
 * return new StreamedPathReader(first.contentLength!, first.readableStreamBody, (at) => openRange(at), wrap);
 * ```
 */
export class StreamedPathReader implements PathReader {
  readonly size: number;
  readonly #openAt: (position: number) => Promise<ByteStream | undefined>;
  readonly #wrap: (err: unknown) => Error;
  #body: ByteStream | undefined;
  #chunks: AsyncIterator<Buffer | string> | undefined;
  #left: Buffer | undefined;
  #position = 0;

  constructor(size: number, body: ByteStream | undefined, openAt: (position: number) => Promise<ByteStream | undefined>, wrap: (err: unknown) => Error) {
    this.size = size;
    this.#openAt = openAt;
    this.#wrap = wrap;
    this.#attach(body);
  }

  /** {@inheritDoc PathReader.read} */
  async read(into: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    if (position >= this.size || length <= 0) return 0;
    try {
      if (position !== this.#position) await this.#seek(position);
      let done = 0;
      while (done < length) {
        const chunk = this.#left ?? (await this.#next());
        if (chunk === undefined) break;
        const n = Math.min(chunk.length, length - done);
        into.set(n === chunk.length ? chunk : chunk.subarray(0, n), offset + done);
        this.#left = n === chunk.length ? undefined : chunk.subarray(n);
        done += n;
      }
      this.#position += done;
      return done;
    } catch (err) {
      throw this.#wrap(err);
    }
  }

  /** {@inheritDoc PathReader.close} */
  async close(): Promise<void> {
    this.#body?.destroy?.();
    this.#attach(undefined);
  }

  async #next(): Promise<Buffer | undefined> {
    if (this.#chunks === undefined) return undefined;
    const step = await this.#chunks.next();
    if (step.done === true) {
      this.#attach(undefined);
      return undefined;
    }
    return typeof step.value === "string" ? Buffer.from(step.value) : step.value;
  }

  async #seek(position: number): Promise<void> {
    await this.close();
    this.#position = position;
    this.#attach(await this.#openAt(position));
  }

  #attach(body: ByteStream | undefined): void {
    this.#body = body;
    this.#chunks = (body as AsyncIterable<Buffer | string> | undefined)?.[Symbol.asyncIterator]();
    this.#left = undefined;
  }
}
