import { Command, InvalidArgumentError } from "commander";
import type { ResultReferenceCursor, ResultReferenceRecord } from "../../records/index.js";
import { Engine } from "../../engine/engine.js";
import { ConfigurationError } from "../../errors/configuration-error.js";
import { cliIO, cliSettings, print, useColor } from "../output.js";
import { pruneOrphans } from "./results-prune-orphans.js";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Parses a duration such as `"90m"`, `"12h"`, `"30d"`, `"2w"` (or plain seconds) into milliseconds.
 *
 * @example
 * ```ts
 * parseDuration("12h"); // 43_200_000
 * ```
 */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smhdw]?)$/.exec(text.trim());
  if (match === null) {
    throw new InvalidArgumentError(`"${text}" is not a duration: use a number and a unit, e.g. 90m, 12h, 30d or 2w.`);
  }
  return Number(match[1]) * (UNITS[match[2] || "s"] ?? 1) * 1000;
}

interface PruneOptions {
  orphans?: boolean;
  expired?: boolean;
  olderThan?: number;
  dryRun?: boolean;
}

/** Draws `done/total` as a bar on stderr when it is a TTY. */
function progress(done: number, total: number): void {
  const stderr = cliIO().stderr;
  if (!useColor("stderr") || total === 0) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  stderr.write(`\rPruning results [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}${done === total ? "\n" : ""}`);
}

/** `cairn results prune`: deletes result files and forgets their references, together. */
export function resultsCommand(): Command {
  const command = new Command("results").description("Manage persisted results.");
  command
    .command("prune")
    .description(
      "Delete persisted results that expired or are older than a duration: the files in their storage " +
        "and their references in the metadata store, together. Runs that held them then report the result as no longer available.",
    )
    .option("--expired", "results whose expiration (cacheExpirationSeconds) has passed")
    .option(
      "--orphans",
      "instead: per storage, result blobs that no reference points to and writes that never finished (leftovers of killed " +
        "processes), older than --older-than (default 1h)",
    )
    .option(
      "--older-than <DURATION>",
      "results recorded longer ago than this, e.g. 30d, 12h, 90m (with --orphans: blobs last modified longer ago; default 1h)",
      parseDuration,
    )
    .option("--dry-run", "list what would be deleted, delete nothing")
    .action(async (options: PruneOptions) => {
      if (options.orphans === true) {
        if (options.expired === true) {
          throw new ConfigurationError(
            "--orphans and --expired select different things: run `cairn results prune --expired` and " +
              "`cairn results prune --orphans` one after the other.",
          );
        }
        return pruneOrphans({ ...(options.olderThan === undefined ? {} : { olderThan: options.olderThan }), dryRun: options.dryRun === true });
      }
      if (options.expired !== true && options.olderThan === undefined) {
        throw new ConfigurationError("Say which results to prune: --expired, --older-than DURATION, or both; or --orphans.");
      }
      const now = Date.now();
      const olderThan = options.olderThan === undefined ? undefined : now - options.olderThan;
      const selected = (ref: ResultReferenceRecord): boolean =>
        (options.expired === true && ref.expiration !== null && Date.parse(ref.expiration) <= now) ||
        (olderThan !== undefined && Date.parse(ref.timestamp) <= olderThan);

      const engine = new Engine({ settings: cliSettings() });
      try {
        const client = await engine.client();
        const chosen: ResultReferenceRecord[] = [];
        let after: ResultReferenceCursor | undefined;
        do {
          const page = await client.readResultReferences({ after, limit: 1000 });
          for (const ref of page.references) if (selected(ref) && !chosen.some((c) => c.data === ref.data)) chosen.push(ref);
          after = page.next;
        } while (after !== undefined);

        if (options.dryRun === true) {
          for (const ref of chosen) {
            print(`would delete ${ref.storageKey} (block ${ref.storageBlockId ?? "default storage"}, recorded ${ref.timestamp}${ref.expiration === null ? "" : `, expired ${ref.expiration}`})`);
          }
          print(`${chosen.length} result${chosen.length === 1 ? "" : "s"} would be pruned (dry run: nothing deleted).`);
          return;
        }

        let done = 0;
        const failures: string[] = [];
        const forgotten: string[] = [];
        for (const ref of chosen) {
          try {
            const storage = ref.storageBlockId === null ? (await engine.results.resolveStorage(undefined)).storage : await engine.results.storageById(ref.storageBlockId);
            if (storage.deletePath === undefined) throw new Error(`${storage.describe()} cannot delete files`);
            await storage.deletePath(ref.storageKey);
            forgotten.push(ref.data);
          } catch (error) {
            failures.push(`${ref.storageKey}: ${error instanceof Error ? error.message : String(error)}`);
          }
          progress(++done, chosen.length);
        }
        if (forgotten.length > 0) await client.forgetResultReferences(forgotten);
        print(`Pruned ${forgotten.length} result${forgotten.length === 1 ? "" : "s"}: files deleted and references forgotten.`);
        if (failures.length > 0) {
          throw new ConfigurationError(
            `${failures.length} result${failures.length === 1 ? "" : "s"} could not be deleted and ${failures.length === 1 ? "was" : "were"} kept:\n  ${failures.join("\n  ")}`,
          );
        }
      } finally {
        await engine.close();
      }
    });
  return command;
}
