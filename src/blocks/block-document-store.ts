import type { Kysely } from "kysely";
import type {
  BlockDocumentInput,
  BlockDocumentQuery,
  BlockDocumentReadOptions,
  BlockDocumentRecord,
} from "../records/index.js";
import {
  deleteBlockDocument,
  insertBlockDocument,
  selectBlockDocument,
  selectBlockDocumentByConfigHash,
  selectBlockDocumentById,
  selectBlockDocuments,
  updateBlockDocument,
} from "../database/queries/block-queries.js";
import type { BlockDocumentTable, CairnDatabase } from "../database/schema.js";
import { ConfigurationError } from "../errors/configuration-error.js";
import { uuid7 } from "../utils/uuid7.js";
import { BlockError, BlockErrorCode } from "./block-error.js";
import { ANONYMOUS_NAME_PREFIX, assertBlockName, assertBlockTypeSlug, formatBlockSlug } from "./block-name.js";
import { blockConfigHash } from "./secrets/config-hash.js";
import { reencryptInTransaction } from "./secrets/reencrypt-in-transaction.js";
import { rotateSecretKey, type RotateSecretKeyResult } from "./secrets/rotate-secret-key.js";
import type { SecretKey } from "./secrets/secret-key.js";
import type { SecretKeySource } from "./secrets/secret-key-source.js";
import { openSecrets, parseSecretsEnvelope, sealSecrets } from "./secrets/secrets-envelope.js";
import { SECRET_MASK } from "./secret-str.js";

/** The fields of a document as stored: public JSON text, encrypted secrets. */
interface EncodedFields {
  data: string;
  secrets: string | null;
  /** Every field, secrets in clear (for the configuration hash). */
  all: Record<string, unknown>;
  hasSecrets: boolean;
}

/**
 * The block-document half of the service layer, on any Kysely database (SQLite, PostgreSQL):
 * validates documents, encrypts secret fields with the key of a {@link SecretKeySource}
 * (the key is never stored in the database), and reads documents back with secrets masked
 * unless asked for. The embedded client calls it in-process; the server will expose it.
 *
 * @example
 * ```ts
 * const store = new BlockDocumentStore(db, SecretKeySource.fromSettings(settings));
 * const saved = await store.save({ blockTypeSlug: "s3", name: "prod", data, secretFields: ["awsSecretAccessKey"] });
 * ```
 */
export class BlockDocumentStore {
  readonly #db: Kysely<CairnDatabase>;
  readonly #keys: SecretKeySource;
  /** Saves and key rotations of this store, one at a time: a save never seals with a key being replaced. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(db: Kysely<CairnDatabase>, keys: SecretKeySource) {
    this.#db = db;
    this.#keys = keys;
  }

  /** See `OrchestrationClient.saveBlockDocument`. */
  save(input: BlockDocumentInput, options: { overwrite?: boolean } = {}): Promise<BlockDocumentRecord> {
    return this.#exclusive(() => this.#save(input, options));
  }

  /**
   * Replaces the secret key of this store's secrets (see `rotateSecretKey`): re-encrypts every
   * document in one transaction, then installs the new key in this store's key source, so the
   * documents it saves afterwards use the new key. Saves of this store wait meanwhile. The server
   * serves it as `POST /api/block-secrets/rotate-key`.
   *
   * @param options.newKey the new key. @default a new random key (required when the key comes from `CAIRN_SECRET_KEY`)
   *
   * @example
   * ```ts
   * const { documents, newFingerprint } = await service.blocks.rotateSecretKey();
   * ```
   */
  rotateSecretKey(options: { newKey?: SecretKey } = {}): Promise<RotateSecretKeyResult> {
    return this.#exclusive(() =>
      rotateSecretKey({
        source: this.#keys,
        reencrypt: (from, to) => reencryptInTransaction(this.#db, from, to),
        ...(options.newKey === undefined ? {} : { newKey: options.newKey }),
      }),
    );
  }

  /** Runs `fn` after every save or rotation queued before it. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #save(input: BlockDocumentInput, options: { overwrite?: boolean }): Promise<BlockDocumentRecord> {
    assertBlockTypeSlug(input.blockTypeSlug);
    assertBlockName(input.name);
    const { blockTypeSlug, name } = input;
    const fields = this.#encode(input);
    // Twice at most: an overwrite whose row another process deleted in between inserts again.
    for (let attempt = 0; attempt < 2; attempt++) {
      const now = new Date().toISOString();
      const inserted = await insertBlockDocument(this.#db, {
        id: uuid7(),
        block_type_slug: blockTypeSlug,
        name,
        data: fields.data,
        secrets: fields.secrets,
        is_anonymous: 0,
        config_hash: null,
        created: now,
        updated: now,
      }).executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) break;
      if (options.overwrite !== true) {
        const slug = formatBlockSlug(input);
        throw new BlockError(
          BlockErrorCode.AlreadyExists,
          `A block is already saved as ${slug}. Pass overwrite: true to replace it ` +
            `(block.save(${JSON.stringify(name)}, { overwrite: true })), or choose another name.`,
          { context: { blockTypeSlug, name } },
        );
      }
      const updated = await updateBlockDocument(this.#db, blockTypeSlug, name, {
        data: fields.data,
        secrets: fields.secrets,
        updated: now,
      }).executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) break;
    }
    const row = await selectBlockDocument(this.#db, blockTypeSlug, name).executeTakeFirstOrThrow();
    return this.#decode(row, { includeSecrets: false });
  }

  /** See `OrchestrationClient.saveAnonymousBlockDocument`. */
  saveAnonymous(input: BlockDocumentInput): Promise<BlockDocumentRecord> {
    return this.#exclusive(() => this.#saveAnonymous(input));
  }

  async #saveAnonymous(input: BlockDocumentInput): Promise<BlockDocumentRecord> {
    assertBlockTypeSlug(input.blockTypeSlug);
    const fields = this.#encode(input);
    const key = fields.hasSecrets ? this.#keys.currentOrCreate() : undefined;
    const hash = blockConfigHash(input.blockTypeSlug, fields.all, fields.hasSecrets, key);
    let row = await selectBlockDocumentByConfigHash(this.#db, hash).executeTakeFirst();
    if (row === undefined) {
      const id = uuid7();
      const now = new Date().toISOString();
      // Two processes may race here: the unique configuration hash lets one row win.
      await insertBlockDocument(this.#db, {
        id,
        block_type_slug: input.blockTypeSlug,
        name: `${ANONYMOUS_NAME_PREFIX}${id}`,
        data: fields.data,
        secrets: fields.secrets,
        is_anonymous: 1,
        config_hash: hash,
        created: now,
        updated: now,
      }).execute();
      row = await selectBlockDocumentByConfigHash(this.#db, hash).executeTakeFirstOrThrow();
    }
    return this.#decode(row, { includeSecrets: false });
  }

  /** See `OrchestrationClient.readBlockDocument`. */
  async read(blockTypeSlug: string, name: string, options: BlockDocumentReadOptions = {}): Promise<BlockDocumentRecord | undefined> {
    const row = await selectBlockDocument(this.#db, blockTypeSlug, name).executeTakeFirst();
    return row === undefined ? undefined : this.#decode(row, options);
  }

  /** See `OrchestrationClient.readBlockDocumentById`. */
  async readById(id: string, options: BlockDocumentReadOptions = {}): Promise<BlockDocumentRecord | undefined> {
    const row = await selectBlockDocumentById(this.#db, id).executeTakeFirst();
    return row === undefined ? undefined : this.#decode(row, options);
  }

  /** See `OrchestrationClient.readBlockDocuments` (secrets are always masked). */
  async list(query: BlockDocumentQuery = {}): Promise<BlockDocumentRecord[]> {
    const rows = await selectBlockDocuments(this.#db, query).execute();
    return rows.map((row) => this.#decode(row, { includeSecrets: false }));
  }

  /** See `OrchestrationClient.deleteBlockDocument`. */
  async delete(blockTypeSlug: string, name: string): Promise<boolean> {
    const result = await deleteBlockDocument(this.#db, blockTypeSlug, name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  #encode(input: BlockDocumentInput): EncodedFields {
    const label = `${input.blockTypeSlug}/${input.name}`;
    if (input.data === null || typeof input.data !== "object" || Array.isArray(input.data)) {
      throw new ConfigurationError(`The fields of block ${label} must be an object.`);
    }
    const secretNames = new Set(input.secretFields);
    const visible: Record<string, unknown> = {};
    const secret: Record<string, unknown> = {};
    const all: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(input.data)) {
      if (value === undefined) continue;
      const where = secretNames.has(field) && value !== null ? secret : visible;
      where[field] = assertJson(value, label, field, secretNames.has(field));
      all[field] = value;
      if (where === secret && value === SECRET_MASK) {
        throw new ConfigurationError(
          `The secret field ${field} of block ${label} holds the mask "${SECRET_MASK}", not a secret: the ` +
            "configuration was read without its secrets. Give the real value.",
          { context: { blockTypeSlug: input.blockTypeSlug, field } },
        );
      }
    }
    const hasSecrets = Object.keys(secret).length > 0;
    return {
      data: JSON.stringify(visible),
      secrets: hasSecrets ? sealSecrets(this.#keys.currentOrCreate(), input.blockTypeSlug, secret) : null,
      all,
      hasSecrets,
    };
  }

  #decode(row: BlockDocumentTable, options: BlockDocumentReadOptions): BlockDocumentRecord {
    const owner = { blockTypeSlug: row.block_type_slug, name: row.name };
    const data = JSON.parse(row.data) as Record<string, unknown>;
    let secretFields: string[] = [];
    if (row.secrets !== null) {
      if (options.includeSecrets === true) {
        const secrets = openSecrets(this.#keys, row.secrets, owner);
        secretFields = Object.keys(secrets);
        Object.assign(data, secrets);
      } else {
        secretFields = parseSecretsEnvelope(row.secrets, formatBlockSlug(owner)).fields;
        for (const field of secretFields) data[field] = SECRET_MASK;
      }
    }
    return {
      id: row.id,
      blockTypeSlug: row.block_type_slug,
      name: row.name,
      data,
      secretFields,
      isAnonymous: Number(row.is_anonymous) === 1,
      created: row.created,
      updated: row.updated,
    };
  }
}

/** Block fields must be JSON (what `toConfig` returns); the error never quotes a secret. */
function assertJson(value: unknown, label: string, field: string, secret: boolean): unknown {
  const ok = (v: unknown, depth: number): boolean => {
    if (depth > 50) return false;
    if (v === null || typeof v === "string" || typeof v === "boolean") return true;
    if (typeof v === "number") return Number.isFinite(v);
    if (Array.isArray(v)) return v.every((x) => ok(x, depth + 1));
    if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.values(v as object).every((x) => x === undefined || ok(x, depth + 1));
    }
    return false;
  };
  if (!ok(value, 0)) {
    const shown = secret ? "a secret value" : typeof value;
    throw new ConfigurationError(
      `The field ${field} of block ${label} cannot be saved: ${shown} is not JSON (strings, numbers, booleans, ` +
        "null, arrays and plain objects). Return JSON from the block's toConfig().",
      { context: { field } },
    );
  }
  return value;
}
