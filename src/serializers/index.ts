/**
 * Serializers: turn results into the text a result blob's `data` holds, and back.
 * @module
 */
export type { Serializer, SerializerConfig } from "./serializer.js";
export { isBytesSerializer, type BytesSerializer } from "./bytes-serializer.js";
export {
  SerializationError,
  isSerializationError,
  type SerializationErrorDetails,
} from "./errors/serialization-error.js";
export {
  DeserializationError,
  isDeserializationError,
  type DeserializationErrorDetails,
} from "./errors/deserialization-error.js";

export {
  JSONSerializer,
  type JSONSerializerOptions,
  type JSONSerializerConfig,
} from "./json/json-serializer.js";
export type { JsonEncoderHook } from "./json/json-encoder.js";
export type { JsonDecoderHook } from "./json/json-decoder.js";
export { JSON_TAG_KEY, JSON_TAGS, JsonTagged, jsonTag } from "./json/json-tag.js";
export {
  JsonClassRegistry,
  registerJsonClass,
  unregisterJsonClass,
  type JsonClassDefinition,
  type JsonClassOptions,
} from "./json/json-class-registry.js";

export {
  MsgpackSerializer,
  type MsgpackSerializerConfig,
} from "./msgpack/msgpack-serializer.js";
export { CAIRN_MSGPACK_EXTENSION_TYPE } from "./msgpack/msgpack-extension.js";
export { V8Serializer, type V8SerializerConfig } from "./v8/v8-serializer.js";

export {
  CompressedSerializer,
  DEFAULT_INNER_SERIALIZER,
  type CompressedSerializerOptions,
  type CompressedSerializerConfig,
} from "./compressed/compressed-serializer.js";
export type { CompressionLib } from "./compressed/compression-lib.js";
export {
  BUILT_IN_COMPRESSION_LIBS,
  DEFAULT_COMPRESSION_LIB,
  compressionLibNames,
  getCompressionLib,
  registerCompressionLib,
  unregisterCompressionLib,
} from "./compressed/compression-libs.js";
export { DEFAULT_BROTLI_QUALITY } from "./compressed/zlib-libs.js";

export {
  DEFAULT_SERIALIZER_TYPE,
  SerializerRegistry,
  defaultSerializerRegistry,
  registerSerializer,
  resolveSerializer,
  unregisterSerializer,
  type SerializerFactory,
} from "./registry/serializer-registry.js";
export type { SerializerLike } from "./registry/inner-serializer.js";
