import { AzureBlobStorage } from "./azure-blob-storage/azure-blob-storage.js";
import { registerBlockType } from "./block-registry.js";
import { LocalFileSystem } from "./local-file-system/local-file-system.js";
import { S3 } from "./s3/s3.js";

/**
 * Registers the block types Cairn ships. Imported by everything that loads blocks by
 * slug or id (the engine's block resolver, `cairn block`), so their documents load in
 * every process. (S3 and Azure load their SDKs on first use, not here.)
 */
for (const type of [LocalFileSystem, S3, AzureBlobStorage]) registerBlockType(type);
