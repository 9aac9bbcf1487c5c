import {
  CompressedSerializer,
  JSONSerializer,
  MsgpackSerializer,
  V8Serializer,
  resolveSerializer,
} from "../../src/serializers/index.js";
import { runSerializerContract, type Capabilities } from "./serializer.contract.js";

const JSON_CAN: Capabilities = {
  text: true,
  references: false,
  errorStack: true,
  errorFields: true,
  errorName: true,
  url: true,
  undefinedProperties: false,
  classInstancesAsPlain: false,
};

const MSGPACK_CAN: Capabilities = {
  text: false,
  references: true,
  errorStack: true,
  errorFields: true,
  errorName: true,
  url: true,
  undefinedProperties: true,
  classInstancesAsPlain: true,
};

const V8_CAN: Capabilities = {
  text: false,
  references: true,
  errorStack: true,
  errorFields: false,
  errorName: false,
  url: false,
  undefinedProperties: true,
  classInstancesAsPlain: true,
};

runSerializerContract({ name: "json", type: "json", create: () => new JSONSerializer(), capabilities: JSON_CAN });
runSerializerContract({
  name: "json (undefinedProperties: keep, indent: 2)",
  type: "json",
  create: () => new JSONSerializer({ undefinedProperties: "keep", indent: 2 }),
  capabilities: { ...JSON_CAN, undefinedProperties: true },
});
runSerializerContract({ name: "msgpack", type: "msgpack", create: () => new MsgpackSerializer(), capabilities: MSGPACK_CAN });
runSerializerContract({ name: "v8", type: "v8", create: () => new V8Serializer(), capabilities: V8_CAN });

for (const compressionlib of ["zstd", "zlib", "gzip", "brotli"]) {
  runSerializerContract({
    name: `compressed msgpack (${compressionlib})`,
    type: "compressed",
    failingType: "msgpack",
    create: () => new CompressedSerializer({ serializer: "msgpack", compressionlib }),
    capabilities: { ...MSGPACK_CAN, text: false },
  });
}
runSerializerContract({
  name: "compressed/json",
  type: "compressed",
  failingType: "json",
  create: () => resolveSerializer("compressed/json"),
  capabilities: { ...JSON_CAN, text: false },
});
runSerializerContract({
  name: "compressed/v8",
  type: "compressed",
  failingType: "v8",
  create: () => resolveSerializer("compressed/v8"),
  capabilities: V8_CAN,
});
