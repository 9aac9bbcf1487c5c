import { mkdir, realpath } from "node:fs/promises";
import { dirname, sep } from "node:path";
import { osErrorCode } from "./fs-error.js";

/**
 * Keeps a storage's directories inside its base, and remembers which ones are known to
 * be, so that a write costs no extra syscall once its directory has been seen.
 *
 * A directory is checked with `realpath` the first time it is used: it must resolve
 * inside the realpath of the base (symbolic links that stay inside are fine). Missing
 * directories are created only after their deepest existing ancestor passed that check,
 * so nothing is ever created outside the base. The check is not repeated for a known
 * directory; {@link BaseDirectory.forget} drops what is known (e.g. after the base was
 * removed).
 *
 * @example
 * ```ts
 * const base = new BaseDirectory("/data/results");
 * const outside = await base.ensureDirectory("/data/results/a/b", true); // undefined: inside, created
 * ```
 */
export class BaseDirectory {
  /** The absolute base path (as given, not resolved through links). */
  readonly path: string;
  #real: string | undefined;
  #creatingBase: Promise<string> | undefined;
  readonly #known = new Set<string>();
  readonly #creating = new Map<string, Promise<string | undefined>>();

  constructor(path: string) {
    this.path = path;
  }

  /**
   * Checks that `dir` (absolute, under {@link path}) resolves inside the base, creating it
   * when `create`. Resolves to undefined when it does, or to the real path outside the
   * base it resolves to. Rejects with the raw OS error (`ENOENT` when it does not exist
   * and `create` is false).
   */
  async ensureDirectory(dir: string, create: boolean): Promise<string | undefined> {
    if (this.#known.has(dir)) return undefined;
    let pending = create ? this.#creating.get(dir) : undefined;
    if (pending === undefined) {
      pending = this.#verify(dir, create);
      if (create) {
        this.#creating.set(dir, pending);
        const done = () => this.#creating.delete(dir);
        pending.then(done, done);
      }
    }
    const outside = await pending;
    if (outside === undefined) this.#known.add(dir);
    return outside;
  }

  /** Whether `dir` was verified (or created) inside the base and not forgotten since: a write there needs no check. */
  isKnown(dir: string): boolean {
    return this.#known.has(dir);
  }

  /** The real path of `file` and whether it is inside the base. */
  async resolveFile(file: string): Promise<{ real: string; inside: boolean }> {
    const real = await realpath(file);
    return { real, inside: isInside(real, await this.#realBase(false)) };
  }

  /** Forgets every known directory (call when one turned out to be gone). */
  forget(): void {
    this.#real = undefined;
    this.#known.clear();
  }

  async #verify(dir: string, create: boolean): Promise<string | undefined> {
    const base = await this.#realBase(create);
    if (dir === this.path) return undefined;
    let probe = dir;
    let real: string;
    for (;;) {
      try {
        real = await realpath(probe);
        break;
      } catch (err) {
        if (!create || osErrorCode(err) !== "ENOENT" || probe === this.path) throw err;
        probe = dirname(probe);
      }
    }
    if (!isInside(real, base)) return real;
    if (probe !== dir) await mkdir(dir, { recursive: true });
    return undefined;
  }

  async #realBase(create: boolean): Promise<string> {
    if (this.#real !== undefined) return this.#real;
    if (!create) {
      // Reading never creates the base; a missing base rejects with ENOENT, not cached.
      const real = await realpath(this.path);
      this.#real ??= real;
      return real;
    }
    if (this.#creatingBase !== undefined) return this.#creatingBase;
    const pending = (async () => {
      await mkdir(this.path, { recursive: true });
      const real = await realpath(this.path);
      this.#real = real;
      return real;
    })();
    this.#creatingBase = pending;
    const done = () => {
      if (this.#creatingBase === pending) this.#creatingBase = undefined;
    };
    pending.then(done, done);
    return pending;
  }
}

function isInside(real: string, base: string): boolean {
  return real === base || real.startsWith(base.endsWith(sep) ? base : base + sep);
}
