import { realpathSync } from "node:fs";
import { basename, dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { createOrchestrationClient } from "../../client/create-client.js";
import { parseDatabaseUrl, type Settings } from "../../settings/index.js";
import { cliSettings, print, warn } from "../output.js";
import { formatBytes, progressLine } from "../progress-line.js";
import { collectSweepStorages } from "../prune/sweep-storages.js";
import { DEFAULT_ORPHAN_MIN_AGE_MS, sweepOrphans, type StorageSweepReport, type SweepFinding } from "../prune/sweep-orphans.js";
import { CairnError } from "../../errors/cairn-error.js";

/** Options of {@link pruneOrphans}. */
export interface PruneOrphansOptions {
  /** Only objects older than this (milliseconds). @default 1 hour */
  olderThan?: number;
  dryRun?: boolean;
}

/**
 * `cairn results prune --orphans [--older-than D] [--dry-run]`: per storage, deletes the
 * result blobs no reference points to and the writes that never finished (a killed
 * process's leftovers), older than `D` (default 1h, so a live run's blob whose state is
 * still on its way to the store is never touched). See docs/cli.md.
 *
 * @example
 * ```sh
 * cairn results prune --orphans --dry-run
 * cairn results prune --orphans --older-than 1d
 * ```
 */
export async function pruneOrphans(options: PruneOrphansOptions): Promise<void> {
  const settings = cliSettings();
  const minAgeMs = options.olderThan ?? DEFAULT_ORPHAN_MIN_AGE_MS;
  const dryRun = options.dryRun === true;
  if (minAgeMs < DEFAULT_ORPHAN_MIN_AGE_MS) {
    warn(
      `--older-than ${describeAge(minAgeMs)} is below the default of 1h: a blob written by a run that is still going, whose ` +
        "state has not reached the store yet, looks orphaned. Use it only when no run is going on any machine that uses this store.",
    );
  }
  const client = await createOrchestrationClient(settings);
  const line = progressLine();
  let reports: StorageSweepReport[];
  try {
    const { storages, skipped, locationOfBlock } = await collectSweepStorages(client, settings);
    for (const s of skipped) warn(`Skipping the storage block ${s.name}: ${s.reason}.`);
    reports = await sweepOrphans({
      client,
      storages,
      locationOfBlock,
      minAgeMs,
      dryRun,
      protectedPlaces: storeFiles(settings),
      onFinding: dryRun ? (finding) => print(describeFinding(finding)) : undefined,
      onProgress: (place, r) =>
        line.update(
          `${dryRun ? "Scanning" : "Pruning"} ${place.storage.describe()}: ${r.listed} objects listed, ` +
            `${r.orphans + r.unfinishedWrites} ${dryRun ? "to remove" : "removed"} (${formatBytes(r.orphanBytes + r.unfinishedBytes)})`,
        ),
    });
  } finally {
    line.done();
    await client.close();
  }

  for (const r of reports) print(describeReport(r, dryRun, minAgeMs));
  const blobs = sum(reports, (r) => r.orphans);
  const blobBytes = sum(reports, (r) => r.orphanBytes);
  const temps = sum(reports, (r) => r.unfinishedWrites);
  const tempBytes = sum(reports, (r) => r.unfinishedBytes);
  const storages = reports.filter((r) => r.storage.coveredBy === undefined).length;
  const what = `${count(blobs, "orphaned result blob")} (${formatBytes(blobBytes)}) and ${count(temps, "stale unfinished write")} (${formatBytes(tempBytes)})`;
  print(
    dryRun
      ? `Dry run: ${what} would be removed from ${count(storages, "storage")}; nothing was deleted.`
      : `Removed ${what} from ${count(storages, "storage")}.`,
  );
  const problems = reports.flatMap((r) => r.problems.map((p) => `${r.storage.storage.describe()}: ${p}`));
  if (problems.length > 0) {
    throw new CairnError(
      "PRUNE_INCOMPLETE",
      `${count(problems.length, "problem")} kept the sweep from finishing; what it could not remove is still there and a ` +
        `later run will find it again:\n  ${problems.slice(0, 20).join("\n  ")}${problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : ""}`,
    );
  }
}

/** The `file://` places of the SQLite store's files (database, WAL, shared memory, journal). */
function storeFiles(settings: Settings): Set<string> {
  const location = parseDatabaseUrl(settings.get("CAIRN_API_DATABASE_URL"));
  if (settings.get("CAIRN_API_URL") !== undefined || location.dialect !== "sqlite" || location.path === ":memory:") return new Set();
  let dir = dirname(location.path);
  try {
    dir = realpathSync(dir);
  } catch {
    // Not created yet.
  }
  const base = `${pathToFileURL(dir).href.replace(/\/$/, "")}/${basename(location.path)}`;
  return new Set(["", "-wal", "-shm", "-journal"].map((suffix) => base + suffix));
}

function describeFinding(f: SweepFinding): string {
  const what = f.kind === "blob" ? f.path : `unfinished write ${f.path}`;
  return `would delete ${f.storage.storage.describe()}: ${what} (${formatBytes(f.size)}, modified ${f.modifiedAt.toISOString()})`;
}

function describeReport(r: StorageSweepReport, dryRun: boolean, minAgeMs: number): string {
  const where = `${r.storage.storage.describe()} [${r.storage.names.join(", ")}]`;
  if (r.storage.coveredBy !== undefined) return `${where}: inside ${r.storage.coveredBy}, swept with it.`;
  const parts = [
    `${count(r.orphans, "orphaned blob")} (${formatBytes(r.orphanBytes)}) and ${count(r.unfinishedWrites, "unfinished write")} ` +
      `(${formatBytes(r.unfinishedBytes)}) ${dryRun ? "would be removed" : "removed"}, of ${count(r.listed, "object")} listed`,
  ];
  if (r.tooRecent > 0) parts.push(`${r.tooRecent} unreferenced newer than ${describeAge(minAgeMs)} kept`);
  if (r.notBlobs > 0) parts.push(r.notBlobs === 1 ? "1 file that is not a result blob left alone" : `${r.notBlobs} files that are not result blobs left alone`);
  return `${where}: ${parts.join("; ")}.`;
}

function describeAge(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms / 1000}s`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function sum(reports: readonly StorageSweepReport[], of: (r: StorageSweepReport) => number): number {
  return reports.reduce((total, r) => total + of(r), 0);
}
