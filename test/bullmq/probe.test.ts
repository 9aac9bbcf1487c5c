// The storage check a worker makes before it runs a task run: a probe that is missing means the
// worker sees other storage than the flow; a storage the worker cannot read at all (unreachable,
// credentials refused) is told apart, so the message does not send the user after the wrong cause.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { LocalFileSystem } from "../../src/index.js";
import { StorageError, StorageErrorCode } from "../../src/blocks/storage-error.js";
import { DistributedError } from "../../src/bullmq.js";
import { checkProbe, writeProbe } from "../../src/task-runners/bullmq/storage-probe.js";

const dir = mkdtempSync(join(tmpdir(), "cairn-probe-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Fault injection: a storage whose reads fail as an unreachable object store's do. */
class UnreachableStorageFault extends LocalFileSystem {
  override async readPath(path: string): Promise<Uint8Array> {
    throw new StorageError(StorageErrorCode.Unreachable, `Could not read '${path}': connect ETIMEDOUT 10.0.0.9:9000.`, {
      key: path,
      storage: this.describe(),
      operation: "read",
    });
  }
}

describe("a worker's storage check", () => {
  it("passes where the flow's probe is", async () => {
    const storage = new LocalFileSystem({ basepath: join(dir, "shared") });
    await checkProbe(storage, await writeProbe(storage), "Task run 't-0'");
  });

  it("says the storage is not the same when the probe is missing", async () => {
    const flowSide = new LocalFileSystem({ basepath: join(dir, "flow") });
    const probe = await writeProbe(flowSide);
    const workerSide = new LocalFileSystem({ basepath: join(dir, "worker") });
    await assert.rejects(checkProbe(workerSide, probe, "Task run 't-0'"), (error: unknown) => {
      assert.ok(error instanceof DistributedError && error.code === "STORAGE_NOT_SHARED", String(error));
      assert.match(error.message, /^Task run 't-0' cannot run on worker .*: the flow's result storage local-file-system at .*\/worker is not the same storage here: the check object cairn-probes\/[0-9a-f]+ that the flow's process on .* wrote there is missing here/);
      assert.match(error.message, /Use storage that the flow and every worker reach: S3, Azure Blob Storage, or a folder on a shared mount/);
      return true;
    });
  });

  it("says the storage cannot be read from the worker (not that it is other storage) when reading fails", async () => {
    const storage = new UnreachableStorageFault({ basepath: join(dir, "unreachable") });
    const probe = await writeProbe(storage);
    await assert.rejects(checkProbe(storage, probe, "Task run 't-0'"), (error: unknown) => {
      assert.ok(error instanceof DistributedError && error.code === "STORAGE_NOT_SHARED", String(error));
      assert.match(error.message, /^Task run 't-0' cannot run on worker .*: the flow's result storage local-file-system at .*\/unreachable cannot be read from this worker: Could not read 'cairn-probes\/[0-9a-f]+': connect ETIMEDOUT 10\.0\.0\.9:9000\. Check that this worker reaches that storage \(network, credentials, permissions\)/);
      assert.doesNotMatch(error.message, /not the same storage/);
      return true;
    });
  });
});
