/**
 * The contract every {@link OrchestrationClient} keeps, as a reusable test suite.
 * The embedded client runs it on a temporary SQLite file (`embedded-client.test.ts`);
 * the HTTP client will run it against a server.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { describe, test } from "node:test";
import { AmbiguousIdError } from "../../src/records/ambiguous-id-error.js";
import type { OrchestrationClient } from "../../src/client/orchestration-client.js";
import { runChild } from "./child-process.js";
import { at, makeFlowRun, makeLog, makeState, makeTaskRun, ownOwner } from "./fixtures/records.js";

/** A fresh, empty store for one test, and the ways to reach it. */
export interface ContractBackend {
  /** Opens a new client on this store (may be called several times: clients coexist). */
  open(): Promise<OrchestrationClient>;
  /**
   * How a child process reaches the same store: `opener` is the path of a module exporting
   * `openClient(config: string): Promise<OrchestrationClient>`; `config` is passed to it.
   */
  child: { opener: string; config: string };
  /** Releases the store (after every client is closed). */
  dispose(): Promise<void>;
}

/**
 * Registers the contract tests for one implementation.
 *
 * @param name shown in the test names.
 * @param makeBackend creates a fresh store per test; it must not open anything yet
 *   (the multi-process test has two child processes open it first, at the same time).
 */
export function runOrchestrationClientContract(
  name: string,
  makeBackend: () => Promise<ContractBackend>,
): void {
  /** Runs `fn` with a fresh store and one open client; closes and disposes after. */
  async function withClient(
    fn: (client: OrchestrationClient, backend: ContractBackend) => Promise<void>,
  ): Promise<void> {
    const backend = await makeBackend();
    const client = await backend.open();
    try {
      await fn(client, backend);
    } finally {
      await client.close();
      await backend.dispose();
    }
  }

  describe(`OrchestrationClient contract: ${name}`, () => {
    test("recording returns at once and queues nothing async", async () => {
      await withClient(async (client) => {
        const run = makeFlowRun();
        assert.equal(client.recordFlowRun(run), undefined);
        assert.equal(client.recordState(makeState("RUNNING", { flowRunId: run.id })), undefined);
        assert.equal(client.recordLogs([makeLog({ flowRunId: run.id })]), undefined);
        assert.equal(await client.flush(), undefined);
      });
    });

    test("a flow run and a task run round-trip with every field", async () => {
      await withClient(async (client) => {
        const flowRun = makeFlowRun({
          flowVersion: "1.2.0",
          parameters: '{"n":1,"s":"x"}',
          tags: ["a", "b c"],
          parentTaskRunId: "parent-task",
          stateType: "COMPLETED",
          stateName: "Cached",
          stateMessage: "done",
          runCount: 3,
          endTime: at(1500),
          owner: { host: "h", pid: 42, engineId: "e" },
        });
        const taskRun = makeTaskRun({
          flowRunId: flowRun.id,
          cacheKey: "k1",
          cacheExpiration: at(9000),
          stateData: '{"type":"literal","value":true}',
          stateMessage: "ok",
        });
        client.recordFlowRun(flowRun);
        client.recordTaskRun(taskRun);
        assert.deepEqual(await client.readFlowRun(flowRun.id), flowRun);
        assert.deepEqual(await client.readTaskRun(taskRun.id), taskRun);
        assert.deepEqual(await client.readTaskRuns({ flowRunId: flowRun.id }), [taskRun]);
        assert.equal(await client.readFlowRun(randomUUID()), undefined);
        assert.equal(await client.readTaskRun(randomUUID()), undefined);
      });
    });

    test("upserts of the same run coalesce: the newest version wins", async () => {
      await withClient(async (client) => {
        const older = makeFlowRun({ created: at(0) });
        const newer = makeFlowRun({ created: at(10) });
        client.recordFlowRun(older);
        client.recordFlowRun(newer);
        client.recordFlowRun({ ...older, stateType: "RUNNING", stateName: "Running", runCount: 2 });
        const final = { ...older, stateType: "COMPLETED" as const, stateName: "Completed", endTime: at(5) };
        client.recordFlowRun(final);
        assert.deepEqual(await client.readFlowRun(older.id), final);
        // Across bursts too: an update after a flush overwrites the stored row.
        const retried = { ...final, stateType: "FAILED" as const, stateName: "Failed", runCount: 4 };
        client.recordFlowRun(retried);
        await client.flush();
        assert.deepEqual(await client.readFlowRun(older.id), retried);
        assert.deepEqual(
          (await client.readFlowRuns()).map((r) => r.id),
          [newer.id, older.id],
          "an update does not change a run's place in the listing",
        );

        const task = makeTaskRun();
        client.recordTaskRun(task);
        client.recordTaskRun({ ...task, stateType: "COMPLETED", stateName: "Completed", stateData: '{"type":"unpersisted"}' });
        const tasks = await client.readTaskRuns();
        assert.equal(tasks.length, 1);
        assert.equal(tasks[0]?.stateType, "COMPLETED");
        assert.equal(tasks[0]?.stateData, '{"type":"unpersisted"}');
      });
    });

    test("a stored run keeps its identity (name, creation time, flow run, task key); later versions change the rest", async () => {
      await withClient(async (client) => {
        const flowRun = makeFlowRun({ created: at(0) });
        const task = makeTaskRun({ flowRunId: flowRun.id, created: at(1) });
        client.recordFlowRun(flowRun);
        client.recordTaskRun(task);
        await client.flush();
        // A later version (e.g. the same task run re-run on a flow retry) that names other identity values.
        const owner = { ...task.owner, pid: task.owner.pid + 1 };
        client.recordFlowRun({ ...flowRun, name: "renamed", flowName: "other-flow", created: at(50), stateType: "RUNNING", stateName: "Running", runCount: 2 });
        client.recordTaskRun({
          ...task, name: "renamed-0", taskKey: "other-key", dynamicKey: "9", flowRunId: randomUUID(), created: at(50),
          stateType: "COMPLETED", stateName: "Completed", stateData: '{"type":"unpersisted"}', runCount: 3,
          cacheKey: "k", startTime: at(51), endTime: at(52), owner,
        });
        await client.flush();
        assert.deepEqual(await client.readFlowRun(flowRun.id), { ...flowRun, stateType: "RUNNING", stateName: "Running", runCount: 2 });
        assert.deepEqual(await client.readTaskRun(task.id), {
          ...task, stateType: "COMPLETED", stateName: "Completed", stateData: '{"type":"unpersisted"}', runCount: 3,
          cacheKey: "k", startTime: at(51), endTime: at(52), owner,
        });
      });
    });

    test("a run's state history reads back oldest first, in recording order", async () => {
      await withClient(async (client) => {
        const flowRun = makeFlowRun();
        const task = makeTaskRun({ flowRunId: flowRun.id });
        const flowStates = [
          makeState("PENDING", { flowRunId: flowRun.id }, { timestamp: at(1) }),
          makeState("RUNNING", { flowRunId: flowRun.id }, { timestamp: at(2), details: '{"x":1}' }),
        ];
        // Same timestamps: recording order decides.
        const taskStates = [
          makeState("PENDING", { flowRunId: flowRun.id, taskRunId: task.id }, { timestamp: at(3) }),
          makeState("RUNNING", { flowRunId: flowRun.id, taskRunId: task.id }, { timestamp: at(3) }),
          makeState("FAILED", { flowRunId: flowRun.id, taskRunId: task.id }, { timestamp: at(3), message: "boom" }),
          makeState("SCHEDULED", { flowRunId: flowRun.id, taskRunId: task.id }, { timestamp: at(3), name: "AwaitingRetry" }),
        ];
        client.recordFlowRun(flowRun);
        client.recordTaskRun(task);
        for (const s of flowStates) client.recordState(s);
        client.recordState(taskStates[0]!);
        client.recordState(taskStates[1]!);
        await client.flush();
        client.recordState(taskStates[2]!);
        client.recordState(taskStates[3]!);
        const completed = makeState("COMPLETED", { flowRunId: flowRun.id }, { timestamp: at(9), data: '{"type":"literal","value":null}' });
        client.recordState(completed);

        assert.deepEqual(await client.readStates(flowRun.id), [...flowStates, completed]);
        assert.deepEqual(await client.readStates(task.id), taskStates);
        assert.deepEqual(await client.readStates(randomUUID()), []);
      });
    });

    test("logs append in order and filter by run, level and count", async () => {
      await withClient(async (client) => {
        const flowRunId = randomUUID();
        const taskRunId = randomUUID();
        const lines = [
          makeLog({ flowRunId, message: "start", level: 20 }),
          makeLog({ flowRunId, taskRunId, name: "cairn.task_runs", message: "debug", level: 10 }),
          makeLog({ flowRunId, taskRunId, name: "cairn.task_runs", message: "warn", level: 30 }),
        ];
        client.recordLogs(lines.slice(0, 2));
        await client.flush();
        client.recordLogs(lines.slice(2));
        client.recordLogs([]);
        client.recordLogs([makeLog({ flowRunId: randomUUID(), message: "other run" })]);
        assert.deepEqual(await client.readLogs({ flowRunId }), lines);
        assert.deepEqual(await client.readLogs({ taskRunId }), lines.slice(1));
        assert.deepEqual(await client.readLogs({ flowRunId, minLevel: 20 }), [lines[0], lines[2]]);
        assert.deepEqual(await client.readLogs({ flowRunId, limit: 2 }), lines.slice(0, 2));
      });
    });

    test("flush() makes everything durable: a reopened client sees it all", async () => {
      const backend = await makeBackend();
      try {
        const flowRun = makeFlowRun();
        const task = makeTaskRun({ flowRunId: flowRun.id });
        const state = makeState("RUNNING", { flowRunId: flowRun.id, taskRunId: task.id });
        const log = makeLog({ flowRunId: flowRun.id });
        const first = await backend.open();
        first.recordFlowRun(flowRun);
        first.recordTaskRun(task);
        first.recordState(state);
        first.recordLogs([log]);
        await first.flush();
        // A client opened now (another connection) sees the flushed rows.
        const second = await backend.open();
        assert.deepEqual(await second.readFlowRun(flowRun.id), flowRun);
        await second.close();
        // close() flushes what is still queued.
        const later = makeState("COMPLETED", { flowRunId: flowRun.id, taskRunId: task.id });
        first.recordState(later);
        await first.close();

        const reopened = await backend.open();
        try {
          assert.deepEqual(await reopened.readFlowRun(flowRun.id), flowRun);
          assert.deepEqual(await reopened.readTaskRun(task.id), task);
          assert.deepEqual(await reopened.readStates(task.id), [state, later]);
          assert.deepEqual(await reopened.readLogs({ flowRunId: flowRun.id }), [log]);
        } finally {
          await reopened.close();
        }
      } finally {
        await backend.dispose();
      }
    });

    test("flushSync() commits before it returns (when the client can)", async () => {
      await withClient(async (client, backend) => {
        const observer = await backend.open();
        try {
          const run = makeFlowRun();
          client.recordFlowRun(run);
          client.recordState(makeState("RUNNING", { flowRunId: run.id }));
          if (!client.flushSync()) return; // this implementation cannot: nothing more to check
          assert.deepEqual(await observer.readFlowRun(run.id), run);
          assert.equal((await observer.readStates(run.id)).length, 1);
          assert.equal(client.flushSync(), true, "an empty flushSync() is fine too");
        } finally {
          await observer.close();
        }
      });
    });

    test("runs are found by full id or unique prefix; an ambiguous prefix is refused", async () => {
      await withClient(async (client) => {
        const a = makeFlowRun({ id: "abc12345-0000-4000-8000-000000000001" });
        const b = makeFlowRun({ id: "abc67890-0000-4000-8000-000000000002" });
        const odd = makeFlowRun({ id: "x%_!-run" });
        const t = makeTaskRun({ id: "def12345-0000-4000-8000-000000000003" });
        const u = makeTaskRun({ id: "def67890-0000-4000-8000-000000000004" });
        for (const run of [a, b, odd]) client.recordFlowRun(run);
        for (const run of [t, u]) client.recordTaskRun(run);

        assert.equal((await client.readFlowRun(a.id))?.id, a.id);
        assert.equal((await client.readFlowRun("abc1"))?.id, a.id);
        assert.equal((await client.readFlowRun("abc6"))?.id, b.id);
        await assert.rejects(client.readFlowRun("abc"), (err: unknown) => {
          assert.ok(err instanceof AmbiguousIdError);
          assert.match(err.message, /"abc" matches more than one flow run/);
          return true;
        });
        assert.equal(await client.readFlowRun("zzz"), undefined);
        // LIKE wildcards in a prefix match themselves only.
        assert.equal((await client.readFlowRun("x%_"))?.id, odd.id);
        assert.equal(await client.readFlowRun("a_c"), undefined);
        assert.equal(await client.readFlowRun("%"), undefined);

        assert.equal((await client.readTaskRun("def1"))?.id, t.id);
        await assert.rejects(client.readTaskRun("def"), AmbiguousIdError);
        assert.equal(await client.readTaskRun("abc1"), undefined, "task runs and flow runs are apart");
      });
    });

    test("flow runs list newest first, filtered and paged", async () => {
      await withClient(async (client) => {
        const runs = [
          makeFlowRun({ flowName: "etl", created: at(1), stateType: "COMPLETED", stateName: "Completed" }),
          makeFlowRun({ flowName: "report", created: at(2), stateType: "FAILED", stateName: "Failed" }),
          makeFlowRun({ flowName: "etl", created: at(3), stateType: "RUNNING" }),
          makeFlowRun({ flowName: "etl", created: at(3), stateType: "FAILED", stateName: "Failed" }),
          makeFlowRun({ flowName: "etl", created: at(4), stateType: "COMPLETED", stateName: "Completed" }),
        ];
        for (const run of runs) client.recordFlowRun(run);
        const ids = (list: { id: string }[]) => list.map((r) => r.id);
        const [r0, r1, r2, r3, r4] = runs.map((r) => r.id);

        // Equal `created`: the one recorded later is newer.
        assert.deepEqual(ids(await client.readFlowRuns()), [r4, r3, r2, r1, r0]);
        assert.deepEqual(ids(await client.readFlowRuns({ limit: 2 })), [r4, r3]);
        assert.deepEqual(ids(await client.readFlowRuns({ limit: 2, offset: 2 })), [r2, r1]);
        assert.deepEqual(ids(await client.readFlowRuns({ offset: 3 })), [r1, r0]);
        assert.deepEqual(ids(await client.readFlowRuns({ flowName: "report" })), [r1]);
        assert.deepEqual(ids(await client.readFlowRuns({ stateTypes: ["FAILED"] })), [r3, r1]);
        assert.deepEqual(
          ids(await client.readFlowRuns({ flowName: "etl", stateTypes: ["FAILED", "RUNNING"], limit: 5 })),
          [r3, r2],
        );
        assert.deepEqual(await client.readFlowRuns({ stateTypes: [] }), []);
        assert.deepEqual(await client.readFlowRuns({ flowName: "nope" }), []);
      });
    });

    test("task runs list oldest first, filtered and paged", async () => {
      await withClient(async (client) => {
        const flowRunId = randomUUID();
        const runs = [
          makeTaskRun({ flowRunId, taskKey: "a", created: at(1) }),
          makeTaskRun({ flowRunId, taskKey: "b", created: at(2) }),
          makeTaskRun({ flowRunId, taskKey: "a", created: at(2) }),
          makeTaskRun({ flowRunId: null, taskKey: "a", created: at(0) }),
        ];
        for (const run of runs) client.recordTaskRun(run);
        const ids = (list: { id: string }[]) => list.map((r) => r.id);
        const [t0, t1, t2, t3] = runs.map((r) => r.id);
        assert.deepEqual(ids(await client.readTaskRuns({ flowRunId })), [t0, t1, t2]);
        assert.deepEqual(ids(await client.readTaskRuns({ flowRunId, taskKey: "a" })), [t0, t2]);
        assert.deepEqual(ids(await client.readTaskRuns({ taskKey: "a" })), [t3, t0, t2]);
        assert.deepEqual(ids(await client.readTaskRuns({ flowRunId, limit: 1, offset: 1 })), [t1]);
        assert.deepEqual(ids(await client.readTaskRuns()), [t3, t0, t1, t2]);
      });
    });

    test("runs of dead processes are marked CRASHED; live and own runs are not", async () => {
      await withClient(async (client, backend) => {
        const deadFlow = randomUUID();
        const deadTask = randomUUID();
        const reusedPid = randomUUID();
        const child = await runChild(backend.child, "orphan", {
          runs: [
            { kind: "flow", id: deadFlow },
            { kind: "task", id: deadTask, flowRunId: deadFlow },
            // Owned by *this* process's pid, under an engine id this process never used:
            // left behind by an earlier process that had the same pid.
            { kind: "flow", id: reusedPid, owner: { host: hostname(), pid: process.pid, engineId: "earlier-engine" } },
          ],
        });
        assert.equal(child.signal, "SIGKILL", child.stderr);

        const own = makeFlowRun();
        const ownTask = makeTaskRun({ flowRunId: own.id });
        const otherHost = makeFlowRun({ owner: { host: `not-${hostname()}`, pid: child.pid, engineId: "x" } });
        const liveOther = makeFlowRun({ owner: { host: hostname(), pid: process.ppid, engineId: "parent" } });
        const finished = makeFlowRun({ stateType: "COMPLETED", stateName: "Completed", owner: { host: hostname(), pid: child.pid, engineId: "x" } });
        for (const run of [own, otherHost, liveOther, finished]) client.recordFlowRun(run);
        client.recordTaskRun(ownTask);
        client.recordState(makeState("RUNNING", { flowRunId: own.id }));

        // The child's COMPLETED states never made it: its runs still look RUNNING.
        assert.equal((await client.readFlowRun(deadFlow))?.stateType, "RUNNING");

        assert.equal(await client.markOrphanedRunsCrashed(), 3);
        for (const id of [deadFlow, deadTask, reusedPid]) {
          const run = id === deadTask ? await client.readTaskRun(id) : await client.readFlowRun(id);
          assert.equal(run?.stateType, "CRASHED", id);
          assert.equal(run?.stateName, "Crashed");
          assert.match(run?.stateMessage ?? "", /The process that ran this run \(pid \d+ on host .+\) exited before the run finished/);
          const history = await client.readStates(id);
          assert.deepEqual(history.map((s) => s.type), ["RUNNING", "CRASHED"]);
          assert.equal(history[1]?.taskRunId, id === deadTask ? deadTask : null);
          assert.equal(history[1]?.flowRunId, deadFlow === id || id === deadTask ? deadFlow : reusedPid);
        }
        assert.match((await client.readFlowRun(deadFlow))?.stateMessage ?? "", new RegExp(`pid ${child.pid} on host`));

        for (const run of [own, otherHost, liveOther]) {
          assert.equal((await client.readFlowRun(run.id))?.stateType, "RUNNING", "untouched");
        }
        assert.equal((await client.readTaskRun(ownTask.id))?.stateType, "RUNNING");
        assert.equal((await client.readFlowRun(finished.id))?.stateType, "COMPLETED");
        assert.equal((await client.readStates(own.id)).length, 1);
        assert.equal(await client.markOrphanedRunsCrashed(), 0, "nothing left to mark");
      });
    });

    test("two processes write to one store at the same time", async () => {
      const backend = await makeBackend();
      try {
        const count = 2000;
        // Both open the fresh store (and migrate it) at about the same time, then start
        // writing at the same moment.
        const startAt = Date.now() + 1500;
        const results = await Promise.all([
          runChild(backend.child, "write", { prefix: "p1", count, startAt }),
          runChild(backend.child, "write", { prefix: "p2", count, startAt }),
        ]);
        for (const r of results) assert.equal(r.code, 0, r.stderr);

        const client = await backend.open();
        try {
          const flows = await client.readFlowRuns();
          assert.deepEqual(flows.map((f) => f.flowName).sort(), ["flow-p1", "flow-p2"]);
          assert.ok(flows.every((f) => f.stateType === "COMPLETED"));
          for (const prefix of ["p1", "p2"]) {
            const tasks = await client.readTaskRuns({ flowRunId: `${prefix}-flow` });
            assert.equal(tasks.length, count);
            assert.ok(tasks.every((t) => t.stateType === "COMPLETED"));
            assert.deepEqual(
              tasks.map((t) => t.id),
              Array.from({ length: count }, (_, i) => `${prefix}-task-${String(i).padStart(5, "0")}`),
            );
            const logs = await client.readLogs({ flowRunId: `${prefix}-flow` });
            assert.equal(logs.length, count);
            assert.equal(logs.at(-1)?.message, `${prefix} ${count - 1}`);
            for (const i of [0, 777, count - 1]) {
              const states = await client.readStates(`${prefix}-task-${String(i).padStart(5, "0")}`);
              assert.deepEqual(states.map((s) => s.type), ["PENDING", "RUNNING", "COMPLETED"]);
            }
          }
        } finally {
          await client.close();
        }
      } finally {
        await backend.dispose();
      }
    });

    test("reads see what was recorded just before them", async () => {
      await withClient(async (client) => {
        const run = makeFlowRun({ owner: ownOwner() });
        client.recordFlowRun(run);
        assert.equal((await client.readFlowRuns()).length, 1);
        client.recordState(makeState("RUNNING", { flowRunId: run.id }));
        assert.equal((await client.readStates(run.id)).length, 1);
      });
    });
  });
}
