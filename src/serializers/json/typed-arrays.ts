import { endianness } from "node:os";

type TypedArrayConstructor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/** A typed array of any element type. */
export type AnyTypedArray = InstanceType<TypedArrayConstructor>;

/** The typed arrays the JSON serializer writes, by tag (the class name). A fixed list. */
export const TYPED_ARRAYS: ReadonlyMap<string, TypedArrayConstructor> = new Map<string, TypedArrayConstructor>([
  ["Int8Array", Int8Array],
  ["Uint8Array", Uint8Array],
  ["Uint8ClampedArray", Uint8ClampedArray],
  ["Int16Array", Int16Array],
  ["Uint16Array", Uint16Array],
  ["Int32Array", Int32Array],
  ["Uint32Array", Uint32Array],
  ["Float32Array", Float32Array],
  ["Float64Array", Float64Array],
  ["BigInt64Array", BigInt64Array],
  ["BigUint64Array", BigUint64Array],
]);

const BIG_ENDIAN = endianness() === "BE";

/** The tag of a typed array (its class name), or undefined for subclasses and Buffers. */
export function typedArrayTag(view: ArrayBufferView): string | undefined {
  const name = view.constructor.name;
  return TYPED_ARRAYS.get(name) === view.constructor ? name : undefined;
}

/** The bytes of a view in little-endian element order (the stored order on every platform). */
export function littleEndianBytes(view: ArrayBufferView): Buffer {
  const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  const size = (view as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  return BIG_ENDIAN && size > 1 ? swapped(bytes, size) : bytes;
}

/** Rebuilds a typed array of class `Ctor` from little-endian bytes. */
export function typedArrayFromBytes(Ctor: TypedArrayConstructor, bytes: Buffer): AnyTypedArray {
  const size = Ctor.BYTES_PER_ELEMENT;
  if (bytes.byteLength % size !== 0) {
    throw new RangeError(`${bytes.byteLength} bytes are not a whole number of ${Ctor.name} elements`);
  }
  const copy = new Uint8Array(bytes.byteLength); // aligned, owned
  copy.set(BIG_ENDIAN && size > 1 ? swapped(bytes, size) : bytes);
  return new Ctor(copy.buffer, 0, bytes.byteLength / size);
}

function swapped(bytes: Buffer, size: number): Buffer {
  const out = Buffer.from(bytes);
  if (size === 2) out.swap16();
  else if (size === 4) out.swap32();
  else out.swap64();
  return out;
}
