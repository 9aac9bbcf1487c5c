import { inspect } from "node:util";
import { Command } from "commander";
import { Engine } from "../../engine/engine.js";
import { readPersistedBlob } from "../../results/read-persisted-value.js";
import { resolveSerializer } from "../../serializers/index.js";
import { cliSettings, print, renderTable } from "../output.js";

/** True when JSON.stringify/parse gives the same value back (only JSON's own types inside). */
function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 100) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isPlainJson(v, depth + 1));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value as object).every((v) => isPlainJson(v, depth + 1));
  }
  return false;
}

/** How `cairn result read` shows a value: JSON when it is plain JSON, else a bounded summary. */
export function formatResultValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (isPlainJson(value)) return JSON.stringify(value, null, 2);
  return inspect(value, { depth: 4, maxArrayLength: 20, maxStringLength: 200, breakLength: 100, colors: false });
}

/** `cairn result read KEY [--storage SLUG]`: prints a persisted result. */
export function resultCommand(): Command {
  const command = new Command("result").description("Read persisted results.");
  command
    .command("read")
    .description("Print the value of the persisted result at KEY (JSON where possible, a summary for other types).")
    .argument("<KEY>", "the result's storage key, e.g. 5bb365beb0e2487fbac2c34d378d0882")
    .option("--storage <SLUG>", "a saved storage block, e.g. s3/demo (default: the default result storage)")
    .option("--info", "also print the blob's serializer, dates and Cairn version")
    .action(async (key: string, options: { storage?: string; info?: boolean }) => {
      const engine = new Engine({ settings: cliSettings() });
      try {
        const { storage } = await engine.results.resolveStorage(options.storage);
        const blob = await readPersistedBlob(storage, key);
        const value = await resolveSerializer(blob.serializer).loads(blob.data);
        if (options.info === true) {
          print(renderTable([
            ["Storage:", storage.describe()],
            ["Serializer:", JSON.stringify(blob.serializer)],
            ["Layout:", blob.layout === "framed" ? `framed (${blob.byteLength} raw bytes after the head line)` : "document (one JSON object)"],
            ["Created:", blob.createdAt],
            ["Expires:", blob.expiration ?? "never"],
            ["Written by:", `Cairn ${blob.cairnVersion}`],
          ]));
          print();
        }
        print(formatResultValue(value));
      } finally {
        await engine.close();
      }
    });
  return command;
}
