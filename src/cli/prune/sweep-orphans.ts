import type { StoredPathInfo, WritableFileSystem } from "../../blocks/writable-file-system.js";
import type { OrchestrationClient } from "../../client/orchestration-client.js";
import type { ResultReferenceCursor } from "../../records/index.js";
import { looksLikeResultBlob, RESULT_BLOB_HEAD_BYTES } from "./looks-like-result-blob.js";
import type { SweepStorage } from "./sweep-storages.js";

/** The default {@link OrphanSweepOptions.minAgeMs}: one hour. */
export const DEFAULT_ORPHAN_MIN_AGE_MS = 3_600_000;

/** Without `readHead`, objects up to this size are read whole to check that they are result blobs. */
const WHOLE_READ_MAX_BYTES = 1024 * 1024;
/** References read per page. */
const REFERENCE_PAGE = 1000;

/** Something the sweep found: an orphaned blob or a stale unfinished write. */
export interface SweepFinding {
  kind: "blob" | "unfinished-write";
  storage: SweepStorage;
  path: string;
  size: number;
  modifiedAt: Date;
}

/** What the sweep did in one storage. */
export interface StorageSweepReport {
  storage: SweepStorage;
  /** Objects listed. */
  listed: number;
  orphans: number;
  orphanBytes: number;
  unfinishedWrites: number;
  unfinishedBytes: number;
  /** Unreferenced objects or unfinished writes younger than the age threshold: kept. */
  tooRecent: number;
  /** Unreferenced objects that are not result blobs (or could not be checked): kept. */
  notBlobs: number;
  /** Why nothing or not everything was done here (listing or deletes failed, cannot list). */
  problems: string[];
}

/** Options of {@link sweepOrphans}. */
export interface OrphanSweepOptions {
  client: OrchestrationClient;
  storages: readonly SweepStorage[];
  /** Which place each block id's references point into (see `collectSweepStorages`). */
  locationOfBlock: ReadonlyMap<string | null, string>;
  /**
   * Never touch an object or unfinished write modified less than this long before the
   * sweep started reading references: a live run writes its blob before the state that
   * refers to it reaches the store.
   * @default 1 hour
   */
  minAgeMs?: number;
  /**
   * Places (`locationUri + key`) never read nor touched: the metadata store's own SQLite
   * files, which this process holds a connection to (opening and closing them with `fs`
   * would drop its SQLite locks).
   */
  protectedPlaces?: ReadonlySet<string>;
  /** List what would go, delete nothing. */
  dryRun: boolean;
  /** Called for each finding (before it is deleted). */
  onFinding?: (finding: SweepFinding) => void;
  /** Called as the sweep goes: objects listed so far, in the storage being swept. */
  onProgress?: (storage: SweepStorage, report: StorageSweepReport) => void;
  /** @default () => new Date() */
  now?: () => Date;
}

/**
 * Finds, per storage, the result blobs that no reference in the metadata store points to,
 * and the writes that were started and never finished, and deletes them (unless `dryRun`).
 *
 * 1. The threshold is fixed first: `now - minAgeMs`.
 * 2. Every reference is read, a page at a time, into the set of places (`locationUri + key`)
 *    they point to. A reference without a block id protects its key in every storage.
 * 3. Each storage (but those inside another one, listed with it) is listed. An object is
 *    deleted only if no reference points to its place, it is older than the threshold, and
 *    its first bytes are those of a result blob (other files sharing the place are kept).
 *    Unfinished writes older than the threshold are discarded.
 *
 * @example
 * ```ts
 * const reports = await sweepOrphans({ client, storages, locationOfBlock, dryRun: true });
 * ```
 */
export async function sweepOrphans(options: OrphanSweepOptions): Promise<StorageSweepReport[]> {
  const now = options.now ?? (() => new Date());
  const cutoff = now().getTime() - (options.minAgeMs ?? DEFAULT_ORPHAN_MIN_AGE_MS);
  const { referenced, anywhere } = await readReferencedPlaces(options.client, options.locationOfBlock);

  const reports: StorageSweepReport[] = [];
  for (const place of options.storages) {
    const report: StorageSweepReport = {
      storage: place,
      listed: 0,
      orphans: 0,
      orphanBytes: 0,
      unfinishedWrites: 0,
      unfinishedBytes: 0,
      tooRecent: 0,
      notBlobs: 0,
      problems: [],
    };
    reports.push(report);
    if (place.coveredBy !== undefined) continue;
    const { storage } = place;
    const progress = () => options.onProgress?.(place, report);

    if (storage.listPaths === undefined) {
      report.problems.push(`${storage.describe()} cannot list its objects (its block type has no listPaths): skipped.`);
    } else {
      try {
        for await (const info of storage.listPaths()) {
          report.listed++;
          if (report.listed % 200 === 0) progress();
          const where = place.location + info.path;
          if (referenced.has(where) || anywhere.has(info.path) || options.protectedPlaces?.has(where) === true) continue;
          if (info.modifiedAt.getTime() > cutoff) {
            report.tooRecent++;
            continue;
          }
          if (!(await isResultBlob(storage, info))) {
            report.notBlobs++;
            continue;
          }
          const finding: SweepFinding = { kind: "blob", storage: place, path: info.path, size: info.size, modifiedAt: info.modifiedAt };
          options.onFinding?.(finding);
          if (!options.dryRun) {
            if (storage.deletePath === undefined) {
              report.problems.push(`${storage.describe()} cannot delete objects (its block type has no deletePath).`);
              break;
            }
            try {
              await storage.deletePath(info.path);
            } catch (err) {
              report.problems.push(`could not delete ${info.path}: ${message(err)}`);
              continue;
            }
          }
          report.orphans++;
          report.orphanBytes += info.size;
          progress();
        }
      } catch (err) {
        report.problems.push(`listing stopped: ${message(err)}`);
      }
    }

    if (storage.listUnfinishedWrites !== undefined && storage.discardUnfinishedWrite !== undefined) {
      try {
        for await (const write of storage.listUnfinishedWrites()) {
          if (write.modifiedAt.getTime() > cutoff) {
            report.tooRecent++;
            continue;
          }
          options.onFinding?.({ kind: "unfinished-write", storage: place, path: write.path, size: write.size, modifiedAt: write.modifiedAt });
          if (!options.dryRun) {
            try {
              await storage.discardUnfinishedWrite(write);
            } catch (err) {
              report.problems.push(`could not discard the unfinished write ${write.path}: ${message(err)}`);
              continue;
            }
          }
          report.unfinishedWrites++;
          report.unfinishedBytes += write.size;
          progress();
        }
      } catch (err) {
        report.problems.push(`listing unfinished writes stopped: ${message(err)}`);
      }
    }
    progress();
  }
  return reports;
}

/** The places every reference points to (`location + key`), and the keys of references without a block id. */
async function readReferencedPlaces(
  client: OrchestrationClient,
  locationOfBlock: ReadonlyMap<string | null, string>,
): Promise<{ referenced: Set<string>; anywhere: Set<string> }> {
  const referenced = new Set<string>();
  const anywhere = new Set<string>();
  let after: ResultReferenceCursor | undefined;
  do {
    const page = await client.readResultReferences({ ...(after === undefined ? {} : { after }), limit: REFERENCE_PAGE });
    for (const ref of page.references) {
      if (ref.storageBlockId === null) {
        anywhere.add(ref.storageKey);
        continue;
      }
      const location = locationOfBlock.get(ref.storageBlockId);
      // A block that no longer exists: its results cannot be read any more, and its place is unknown.
      if (location !== undefined) referenced.add(location + ref.storageKey);
    }
    after = page.next;
  } while (after !== undefined);
  return { referenced, anywhere };
}

async function isResultBlob(storage: WritableFileSystem, info: StoredPathInfo): Promise<boolean> {
  try {
    if (storage.readHead !== undefined) return looksLikeResultBlob(await storage.readHead(info.path, RESULT_BLOB_HEAD_BYTES));
    if (info.size > WHOLE_READ_MAX_BYTES) return false;
    return looksLikeResultBlob(await storage.readPath(info.path));
  } catch {
    return false; // gone meanwhile, or unreadable: keep it
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
