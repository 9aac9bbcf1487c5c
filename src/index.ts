/**
 * Cairn: workflow orchestration for TypeScript with first-class results.
 *
 * @example
 * ```ts
 * import { flow, task } from "cairn";
 * const double = task((n: number) => n * 2);
 * const main = flow(async () => double(21));
 * console.log(await main()); // 42
 * ```
 * @packageDocumentation
 */

// Flows, tasks and running them
export { flow, type Flow, type RunValue } from "./engine/flow.js";
export { task, unmapped, type Task, type TaskArgs, type MapArgs, type Unmapped } from "./engine/task.js";
export { TaskFuture } from "./engine/task-future.js";
export type { FlowOptions, TaskOptions, RunOptions, ResultStorageOption, ResultSerializerOption } from "./engine/options.js";
export { Engine, currentEngine, setDefaultEngine, type EngineOptions } from "./engine/engine.js";
export { getRunContext, getRunLogger, type RunContextView } from "./engine/run-context.js";
export { RunLogger } from "./engine/run-logger.js";
export { RunTimeoutError, UpstreamTaskError, PersistenceDisabledError } from "./engine/run-errors.js";

// States
export { State, isState, type StateDetails, type StateInit, type ResultOptions } from "./states/state.js";
export {
  Completed, Failed, Cancelled, Crashed, Pending, Running, Scheduled, Paused, Cached, AwaitingRetry, Retrying,
} from "./states/constructors.js";
export { FailedRunError, UnfinishedRunError } from "./states/run-errors.js";
export type { StateType } from "./records/index.js";

// Results
export type { BaseResult, ResultRecord } from "./results/base-result.js";
export { LiteralResult } from "./results/literal-result.js";
export { UnpersistedResult } from "./results/unpersisted-result.js";
export { MissingResult } from "./results/missing-result.js";
export { PersistedResult } from "./results/persisted-result.js";
export { readResult, type ReadResultOptions } from "./results/read-result.js";
export { readResultReference, type ReadResultReferenceOptions, type ResultReferenceLike } from "./results/read-result-reference.js";
export { ResultReplacedError } from "./results/result-replaced-error.js";
export { ResultTooLargeError } from "./results/result-too-large-error.js";
export {
  PersistedResultBlob, encodePersistedResultBlob, decodePersistedResultBlob, ResultIntegrityError,
  UnsupportedResultBlobVersionError, RESULT_BLOB_FORMAT_VERSION,
} from "./results/result-blob.js";

// Caching
export { INPUTS, TASK_SOURCE, FLOW_PARAMETERS, RUN_ID, NONE, taskInputHash, InputsPolicy, CompoundCachePolicy, ComposableCachePolicy } from "./caching/policies.js";
export type { CachePolicy } from "./caching/cache-policy.js";
export type { CacheKeyContext } from "./caching/cache-key-context.js";

// Serializers
export {
  JSONSerializer, MsgpackSerializer, V8Serializer, CompressedSerializer, resolveSerializer, registerSerializer,
  registerCompressionLib, registerJsonClass, SerializationError, DeserializationError,
  type Serializer, type SerializerConfig, type SerializerLike, type CompressionLib,
} from "./serializers/index.js";

// Storage blocks
export type { WritableFileSystem, StoredPathInfo, PathReader, PathWriter } from "./blocks/writable-file-system.js";
export { LocalFileSystem, type LocalFileSystemOptions } from "./blocks/local-file-system/local-file-system.js";
export { StorageError, isStorageError, StorageErrorCode } from "./blocks/storage-error.js";
export { S3 } from "./blocks/s3/s3.js";
export type { S3Options } from "./blocks/s3/s3-options.js";
export { AzureBlobStorage } from "./blocks/azure-blob-storage/azure-blob-storage.js";
export type { AzureBlobStorageOptions } from "./blocks/azure-blob-storage/azure-blob-storage-options.js";
export { SecretStr } from "./blocks/secret-str.js";
export { Block, type BlockSaveOptions, type BlockStoreOptions, type BlockConfigOptions } from "./blocks/block.js";
export { registerBlockType, type BlockClass } from "./blocks/block-registry.js";
export { parseBlockFields, BlockFieldsError } from "./blocks/block-fields.js";
export { BlockError, BlockErrorCode } from "./blocks/block-error.js";
export { SecretKeyError, SecretKeyErrorCode } from "./blocks/secrets/secret-key-error.js";

// Task runners
export { ConcurrentTaskRunner, SequentialTaskRunner, type TaskRunner, type TaskRunWork, type ConcurrentTaskRunnerOptions } from "./task-runners/index.js";

// Settings
export { loadSettings, type Settings, type SettingKey, type SettingValues } from "./settings/index.js";

// Errors
export { CairnError, isCairnError, type CairnErrorContext } from "./errors/cairn-error.js";
export { ConfigurationError } from "./errors/configuration-error.js";
