import { ConfigurationError } from "../../errors/configuration-error.js";
import type { Serializer, SerializerConfig } from "../serializer.js";

/** Anything `resolveSerializer` accepts. */
export type SerializerLike = Serializer | string | SerializerConfig;

let resolver: ((x: SerializerLike) => Serializer) | undefined;

/**
 * Lets wrapper serializers (the compressed one) resolve their inner serializer through the
 * default registry without importing it (the registry imports them).
 */
export function bindSerializerResolver(resolve: (x: SerializerLike) => Serializer): void {
  resolver = resolve;
}

/** True for an object that has the `Serializer` methods. */
export function isSerializer(x: unknown): x is Serializer {
  const s = x as Partial<Serializer> | null;
  return (
    typeof s === "object" &&
    s !== null &&
    typeof s.dumps === "function" &&
    typeof s.loads === "function" &&
    typeof s.toConfig === "function"
  );
}

/** Resolves a wrapped serializer: an instance as is, a type string or config through the registry. */
export function resolveInnerSerializer(x: SerializerLike): Serializer {
  if (isSerializer(x)) return x;
  if (resolver === undefined) {
    throw new ConfigurationError(
      "Serializer types cannot be resolved yet: import the serializers from Cairn's public entry point " +
        "(which loads the registry), or pass a Serializer instance.",
    );
  }
  return resolver(x);
}
