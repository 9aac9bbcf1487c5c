import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { PersistedResultBlob } from "../../src/results/result-blob.js";
import { resolveSerializer } from "../../src/serializers/index.js";

/** Every file under `dir` (relative paths), or [] when it does not exist. */
export function filesUnder(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path).map((p) => relative(dir, join(path, p))) : [entry];
  }).sort();
}

/** Decodes every result file under `dir` the way the seed's read_result example does. */
export async function decodeAll(dir: string): Promise<unknown[]> {
  const values: unknown[] = [];
  for (const file of filesUnder(dir)) {
    const blob = PersistedResultBlob.parse(JSON.parse(readFileSync(join(dir, file), "utf8")) as unknown);
    values.push(await resolveSerializer(blob.serializer).loads(blob.data));
  }
  return values;
}
