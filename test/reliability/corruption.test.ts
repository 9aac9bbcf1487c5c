// Corruption suite (issue 10): N seeded mutations of real result blobs — bit flips,
// truncation, empty files, garbage, valid JSON with wrong fields, edited data, swapped
// blobs, unknown versions, framed-layout cuts — each read back twice: by bare key
// (readResult) and through its reference (readResultReference, which also checks the
// recorded hash). Every read must end in a clear Cairn error naming the key and the
// storage, or (only where the bytes still are a valid blob: a swapped blob read by bare
// key) in exactly the right value: 0 wrong values, 0 crashes (no other error type), 0
// hangs (each read has a time limit). npm test runs a small N; npm run reliability N=1,000.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import {
  LocalFileSystem, readResult, readResultReference, ResultIntegrityError, ResultReplacedError, task, UnsupportedResultBlobVersionError,
  type PersistedResult,
} from "../../src/index.js";
import { CairnError } from "../../src/errors/cairn-error.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { RELIABILITY_SEED, reliabilityN, seededRandom } from "./support/scale.js";

const N = reliabilityN(1000, 150);
const READ_TIMEOUT_MS = 10_000;

let t: TestEngine;
let storage: LocalFileSystem;
before(() => {
  t = createTestEngine();
  storage = new LocalFileSystem({ basepath: join(t.home, "corruption") });
});
after(async () => {
  await t.cleanup();
});

/** A real result blob to mutate: its bytes, its reference and its value. */
interface Source {
  name: string;
  key: string;
  integrity: string;
  value: unknown;
  bytes: Buffer;
  framed: boolean;
}

const KINDS = [
  "bit flip", "bit flips (8)", "truncation", "empty", "garbage", "garbage after a JSON brace", "valid JSON, wrong fields",
  "edited data", "swapped blob", "unknown version", "framed: head cut", "framed: length lies", "framed: bytes missing",
  "framed: bytes extra",
] as const;
type Kind = (typeof KINDS)[number];

type Outcome = "refused clearly" | "right value" | "wrong value" | "unclear error" | "crash" | "hang";

async function withTimeout<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown } | "hang"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"hang">((resolve) => (timer = setTimeout(() => resolve("hang"), READ_TIMEOUT_MS)));
  try {
    return await Promise.race([promise.then((value) => ({ value }), (error: unknown) => ({ error })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe("corruption: a damaged result is refused with a clear error, never returned", () => {
  it(`${N} seeded mutations of real blobs (seed ${RELIABILITY_SEED}): 100% clear errors naming key and storage, 0 wrong values, 0 crashes, 0 hangs`, async () => {
    const random = seededRandom(RELIABILITY_SEED);
    const int = (n: number): number => Math.floor(random() * n);
    const make = async (name: string, options: Record<string, unknown>, value: unknown): Promise<Source> => {
      const persist = task({ persistResult: true, resultStorage: storage, name, ...options }, () => value);
      const ref = (await t.engine.run(() => persist.returnState())).data as PersistedResult;
      const bytes = Buffer.from(await storage.readPath(ref.storageKey));
      return { name, key: ref.storageKey, integrity: ref.integrity!, value, bytes, framed: bytes.subarray(0, 100).includes('"layout":"framed"') };
    };
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ i, s: `row-${i}`, when: new Date(1_700_000_000_000 + i), ok: i % 3 === 0 }));
    const sources: Source[] = [
      await make("json-small", { resultSerializer: "json" }, { user: "Marvin", n: 42, tags: ["a", "b"], when: new Date(0) }),
      await make("msgpack-small", { resultSerializer: "msgpack" }, { rows: rows(20), big: 12345678901234567890n }),
      await make("compressed-json", { resultSerializer: "compressed/json" }, { rows: rows(50) }),
      await make("msgpack-300k", { resultSerializer: "msgpack" }, { samples: new Float64Array(38_000).map((_, i) => Math.sin(i)) }),
      await make("msgpack-framed", { resultSerializer: "msgpack" }, { samples: new Float64Array(200_000).map((_, i) => Math.cos(i)), rows: rows(100) }),
      await make("v8-framed", { resultSerializer: "v8" }, { samples: new Float64Array(150_000).fill(0.25), label: "v8" }),
    ];
    assert.ok(sources.some((s) => s.framed) && sources.some((s) => !s.framed), "both layouts are mutated");

    const mutate = (kind: Kind, source: Source): Buffer | Source | undefined => {
      const b = source.bytes;
      const newline = b.indexOf(0x0a);
      switch (kind) {
        case "bit flip": {
          const out = Buffer.from(b);
          const at = int(out.length);
          out[at] = out[at]! ^ (1 << int(8));
          return out;
        }
        case "bit flips (8)": {
          const out = Buffer.from(b);
          for (let k = 0; k < 8; k++) {
            const at = int(out.length);
            out[at] = out[at]! ^ (1 << int(8));
          }
          return out;
        }
        case "truncation":
          return b.subarray(0, int(b.length));
        case "empty":
          return Buffer.alloc(0);
        case "garbage": {
          const out = Buffer.alloc(1 + int(4096));
          for (let k = 0; k < out.length; k++) out[k] = int(256);
          return out;
        }
        case "garbage after a JSON brace": {
          const out = Buffer.alloc(2 + int(2048));
          for (let k = 0; k < out.length; k++) out[k] = int(256);
          out[0] = 0x7b;
          if (random() < 0.5) out[1 + int(out.length - 1)] = 0x0a;
          return out;
        }
        case "valid JSON, wrong fields": {
          const head = JSON.parse(b.toString("utf8", 0, source.framed ? newline : b.length)) as Record<string, unknown>;
          const fields = Object.keys(head);
          const field = fields[int(fields.length)]!;
          const edits = [
            () => delete head[field],
            () => (head[`extra${int(100)}`] = int(10)),
            () => (head[field] = [null, 7, "x", {}, [], true][int(6)]),
            () => (head["serializer"] = { type: ["json", "msgpack", "nope", ""][int(4)] }),
          ];
          edits[int(edits.length)]!();
          const wrongShapes = [JSON.stringify([head]), "null", "42", '"a string"', JSON.stringify({ cairn: 1 })];
          const text = random() < 0.15 ? wrongShapes[int(wrongShapes.length)]! : JSON.stringify(head);
          return source.framed ? Buffer.concat([Buffer.from(`${text}\n`), b.subarray(newline + 1)]) : Buffer.from(`${text}\n`);
        }
        case "edited data": {
          if (source.framed) {
            const out = Buffer.from(b);
            const at = newline + 1 + int(out.length - newline - 1);
            out[at] = (out[at]! + 1 + int(255)) & 0xff;
            return out;
          }
          const blob = JSON.parse(b.toString("utf8")) as { data: string };
          const at = int(blob.data.length);
          const alphabet = source.name.startsWith("json") ? "abc019{}[]\":," : "ABCDabcd0189+/";
          let replacement = alphabet[int(alphabet.length)]!;
          if (replacement === blob.data[at]) replacement = replacement === "A" ? "B" : "A";
          blob.data = `${blob.data.slice(0, at)}${replacement}${blob.data.slice(at + 1)}`;
          return Buffer.from(`${JSON.stringify(blob)}\n`);
        }
        case "swapped blob": {
          const others = sources.filter((s) => s !== source);
          return others[int(others.length)]!;
        }
        case "unknown version": {
          const versions = [2, 3, 7, 99, 1000, 0, -1, 1.5, "1", null];
          const v = versions[int(versions.length)];
          const text = b.toString("utf8", 0, source.framed ? newline : b.length).replace(/^\{"cairn":1,/, `{"cairn":${JSON.stringify(v)},`);
          return source.framed ? Buffer.concat([Buffer.from(`${text}\n`), b.subarray(newline + 1)]) : Buffer.from(text);
        }
        case "framed: head cut":
          return source.framed ? b.subarray(0, int(newline + 1)) : undefined;
        case "framed: length lies": {
          if (!source.framed) return undefined;
          const head = JSON.parse(b.toString("utf8", 0, newline)) as { byteLength: number };
          const lie = [head.byteLength + 1 + int(1000), Math.max(0, head.byteLength - 1 - int(1000)), 0, Number.MAX_SAFE_INTEGER][int(4)]!;
          const text = b.toString("utf8", 0, newline).replace(`"byteLength":${head.byteLength}`, `"byteLength":${lie}`);
          return Buffer.concat([Buffer.from(`${text}\n`), b.subarray(newline + 1)]);
        }
        case "framed: bytes missing":
          return source.framed ? b.subarray(0, b.length - 1 - int(b.length - newline - 1)) : undefined;
        case "framed: bytes extra":
          return source.framed ? Buffer.concat([b, Buffer.alloc(1 + int(5000), int(256))]) : undefined;
      }
    };

    const tally = new Map<string, number>();
    const count = (label: string): void => void tally.set(label, (tally.get(label) ?? 0) + 1);
    const failures: string[] = [];
    const judge = (mutation: string, key: string, read: "bare key" | "reference", result: Awaited<ReturnType<typeof withTimeout>>, expected: unknown, replaced: boolean): Outcome => {
      if (result === "hang") return "hang";
      if ("value" in result) return isDeepStrictEqual(result.value, expected) ? "right value" : "wrong value";
      const err = result.error;
      if (!(err instanceof CairnError)) return "crash";
      const clear = err.message.includes(JSON.stringify(key)) && err.message.includes(storage.describe());
      const typed = err instanceof ResultIntegrityError || err instanceof UnsupportedResultBlobVersionError || err instanceof ResultReplacedError;
      if (!clear || !typed) return "unclear error";
      if (replaced && read === "reference" && !(err instanceof ResultReplacedError)) return "unclear error";
      void mutation;
      return "refused clearly";
    };

    let done = 0;
    let attempt = 0;
    const kindsSeen = new Map<Kind, number>();
    while (done < N) {
      attempt++;
      const source = sources[int(sources.length)]!;
      const kind = KINDS[int(KINDS.length)]!;
      const mutated = mutate(kind, source);
      if (mutated === undefined) continue; // a framed cut of a document blob: pick again
      const swapped: Source | undefined = Buffer.isBuffer(mutated) ? undefined : mutated;
      const bytes: Buffer = Buffer.isBuffer(mutated) ? mutated : mutated.bytes;
      if (swapped === undefined && bytes.equals(source.bytes)) continue; // a mutation that changed nothing
      const key = `m/${done}`;
      await storage.writePath(key, bytes);
      kindsSeen.set(kind, (kindsSeen.get(kind) ?? 0) + 1);
      // By bare key: a swapped blob is a valid blob, so its own value is the right answer.
      const bare = judge(kind, key, "bare key", await withTimeout(t.engine.run(() => readResult(key, { storage }))), swapped?.value ?? source.value, false);
      if (swapped !== undefined ? bare !== "right value" : bare !== "refused clearly") {
        failures.push(`#${done} ${kind} of ${source.name}, by bare key: ${bare}`);
      }
      // Through the reference: never a value (the bytes are not the recorded blob).
      const viaRef = judge(kind, key, "reference", await withTimeout(readResultReference({ storageKey: key, integrity: source.integrity }, { storage })), source.value, swapped !== undefined);
      if (viaRef !== "refused clearly") failures.push(`#${done} ${kind} of ${source.name}, through its reference: ${viaRef}`);
      count(`bare key: ${bare}`);
      count(`reference: ${viaRef}`);
      await storage.deletePath(key);
      done++;
    }
    const summary = [...tally].map(([k, v]) => `${k}: ${v}`).join(", ");
    const perKind = KINDS.map((k) => `${k}: ${kindsSeen.get(k) ?? 0}`).join(", ");
    console.log(`corruption suite: ${N} mutations (seed ${RELIABILITY_SEED}, ${attempt} drawn); reads: ${summary}; by kind: ${perKind}`);
    assert.deepEqual(failures, [], failures.slice(0, 20).join("\n"));
    for (const kind of KINDS) assert.ok(N < 100 || (kindsSeen.get(kind) ?? 0) > 0, `no ${kind} mutation was drawn`);
  });
});
