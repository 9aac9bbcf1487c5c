// Twin of the notes' `read_result` helper: load a result file by hand and decode it with
// the serializer recorded in its blob.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { flow, LocalFileSystem, PersistedResultBlob, resolveSerializer, type PersistedResult } from "cairn";

const basepath = join(process.cwd(), "results-read-demo");

function readResultFile(filename: string): Promise<unknown> | unknown {
  const dictObj: unknown = JSON.parse(readFileSync(join(basepath, filename), "utf8"));
  const blob = PersistedResultBlob.parse(dictObj);
  return resolveSerializer(blob.serializer).loads(blob.data);
}

const produce = flow({ persistResult: true, resultStorage: new LocalFileSystem({ basepath }) },
  () => ({ answer: 42, when: new Date("2026-01-01T00:00:00Z") }));

const state = await produce.returnState();
const key = (state.data as PersistedResult).storageKey; // e.g. 5bb365beb0e2487fbac2c34d378d0882
const value = (await readResultFile(key)) as { answer: number; when: Date };
console.log(value.answer, value.when.toISOString()); // prints: 42 2026-01-01T00:00:00.000Z
