/**
 * Test-only blocks: a storage block with a secret field (a local folder "guarded" by a
 * token), so secret handling is tested without any network service.
 */
import { z } from "zod";
import { Block } from "../../src/blocks/block.js";
import { parseBlockFields } from "../../src/blocks/block-fields.js";
import { registerBlockType } from "../../src/blocks/block-registry.js";
import { LocalFileSystem } from "../../src/blocks/local-file-system/local-file-system.js";
import type { WritableFileSystem } from "../../src/blocks/writable-file-system.js";

const schema = z.object({
  basepath: z.string({ error: "must be a directory path (a string)" }),
  token: z.string({ error: "must be a token (a string)" }).min(8, "must be at least 8 characters"),
  label: z.string().optional(),
});

/** A local folder that needs a token: `token` is a secret field. */
export class TokenFolder extends Block implements WritableFileSystem {
  static readonly blockTypeSlug = "test-token-folder";
  static readonly secretFields: readonly string[] = ["token"];
  static readonly schema = schema;
  readonly blockTypeSlug: string = TokenFolder.blockTypeSlug;
  readonly basepath: string;
  readonly label: string | undefined;
  readonly #token: string;
  readonly #folder: LocalFileSystem;

  constructor(options: { basepath: string; token: string; label?: string }) {
    super();
    const fields = parseBlockFields(schema, options, TokenFolder);
    this.#folder = new LocalFileSystem({ basepath: fields.basepath });
    this.basepath = this.#folder.basepath;
    this.#token = fields.token;
    this.label = fields.label;
  }

  /** The secret, where it is used. */
  tokenValue(): string {
    return this.#token;
  }

  toConfig({ includeSecrets = false }: { includeSecrets?: boolean } = {}): Record<string, unknown> {
    return {
      basepath: this.basepath,
      token: includeSecrets ? this.#token : "********",
      ...(this.label === undefined ? {} : { label: this.label }),
    };
  }

  describe(): string {
    return `test-token-folder at ${this.basepath}`;
  }

  readPath(path: string): Promise<Uint8Array> {
    return this.#folder.readPath(path);
  }

  writePath(path: string, bytes: Uint8Array): Promise<void> {
    return this.#folder.writePath(path, bytes);
  }
}

/** Not a storage block: a block holding a message. */
export class Greeting extends Block {
  static readonly blockTypeSlug = "test-greeting";
  readonly blockTypeSlug: string = Greeting.blockTypeSlug;
  readonly text: string;

  constructor(options: { text: string }) {
    super();
    this.text = options.text;
  }

  toConfig(): Record<string, unknown> {
    return { text: this.text };
  }
}

registerBlockType(TokenFolder);
registerBlockType(Greeting);
