/**
 * A saved block document (DESIGN §6): a typed, named configuration, such as the
 * bucket and credentials of an `S3` storage block. Read back, its secret fields hold
 * `"********"` unless secrets were asked for explicitly.
 */
export interface BlockDocumentRecord {
  id: string;
  /** The block type slug, e.g. `"s3"`, `"local-file-system"`. */
  blockTypeSlug: string;
  /** The name; anonymous documents are named `anonymous-<id>`. */
  name: string;
  /** The fields, as the block's `toConfig` gives them. */
  data: Record<string, unknown>;
  /** The names of the fields that are secret (encrypted at rest). */
  secretFields: string[];
  /** True for a document saved anonymously (an unsaved block a persisted result needed). */
  isAnonymous: boolean;
  created: string;
  updated: string;
}

/** What {@link BlockDocumentRecord}s are saved from: fields with secrets in clear. */
export interface BlockDocumentInput {
  blockTypeSlug: string;
  /** Lowercase letters, digits and dashes; ignored for anonymous saves. */
  name: string;
  data: Record<string, unknown>;
  /** The fields of `data` to encrypt at rest (and mask in reads without secrets). */
  secretFields: string[];
}

/** How a block document is read. */
export interface BlockDocumentReadOptions {
  /** Return secret fields in clear instead of `"********"`. @default false */
  includeSecrets?: boolean;
}

/** Filter of block document listings. Ordered by type, then name. */
export interface BlockDocumentQuery {
  blockTypeSlug?: string;
  /** Include anonymous documents. @default false */
  includeAnonymous?: boolean;
}
