import { addExtension } from "msgpackr";
import { fromErrorRecord, type ErrorRecord } from "../internal/error-record.js";

/**
 * The msgpack extension type Cairn writes for values msgpackr's structured clone would
 * change (errors keep their stack and own fields, URLs stay URLs). Registered once,
 * process-wide, for Cairn's private marker classes only: other users of msgpackr encode
 * exactly as before.
 */
export const CAIRN_MSGPACK_EXTENSION_TYPE = 0x43; // "C"

/** Stands for -0 while packing; written as a plain float64 -0, which every reader reads back. */
export class NegativeZeroMarker {}

/** Payload of a {@link RichValueMarker}. */
export type RichPayload = ({ kind: "Error" } & ErrorRecord) | { kind: "URL"; href: string };

/** Stands for an Error or URL while packing; written as extension {@link CAIRN_MSGPACK_EXTENSION_TYPE}. */
export class RichValueMarker {
  constructor(public payload: RichPayload | undefined = undefined) {}
}

let registered = false;

/** Registers the extension with msgpackr (once). */
export function registerCairnMsgpackExtension(): void {
  if (registered) return;
  registered = true;
  addExtension({
    Class: NegativeZeroMarker,
    type: CAIRN_MSGPACK_EXTENSION_TYPE,
    pack(_value: unknown, allocateForWrite?: (size: number) => { target: Uint8Array; targetView: DataView; position: number }) {
      // Writes float64 -0 directly (msgpackr writes -0 as the integer 0): standard msgpack.
      const { target, targetView, position } = allocateForWrite!(9);
      target[position] = 0xcb;
      targetView.setFloat64(position + 1, -0);
      return undefined as unknown as Uint8Array;
    },
  } as Parameters<typeof addExtension>[0]);
  addExtension({
    Class: RichValueMarker,
    type: CAIRN_MSGPACK_EXTENSION_TYPE,
    write: (marker: RichValueMarker) => marker.payload,
    read: (payload: unknown) => reviveRichPayload(payload),
  });
}

function reviveRichPayload(payload: unknown): unknown {
  const p = payload as Partial<Record<string, unknown>> | null;
  if (p !== null && typeof p === "object") {
    if (p.kind === "URL" && typeof p.href === "string") return new URL(p.href);
    if (p.kind === "Error" && typeof p.name === "string" && typeof p.message === "string") {
      const record: ErrorRecord = { name: p.name, message: p.message };
      if (typeof p.stack === "string") record.stack = p.stack;
      if ("cause" in p) record.cause = p.cause;
      if (Array.isArray(p.errors)) record.errors = p.errors;
      if (p.props !== null && typeof p.props === "object") record.props = p.props as Record<string, unknown>;
      return fromErrorRecord(record);
    }
  }
  throw new Error(`malformed Cairn msgpack extension (${CAIRN_MSGPACK_EXTENSION_TYPE}) payload`);
}
