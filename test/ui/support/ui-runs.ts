// Real flows for the UI's tests and screenshots: a pipeline with records, a cached task,
// a retried task and a subflow; a failed run; results of each preview kind; a saved block
// with a secret. Everything runs on the engine given, so it lands in its store and storage.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { flow, S3, task, type Engine } from "../../../src/index.js";

/** The secret of the saved S3 block: it must never reach the UI. */
export const BLOCK_SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCY-UI-SECRET";

/** What {@link runUiFlows} made, by what the tests look for. */
export interface UiRuns {
  pipelineRunId: string;
  failedRunId: string;
  subflowRunId: string;
  /** Task runs, by the kind of result they have. */
  recordsTaskRunId: string;
  objectTaskRunId: string;
  textTaskRunId: string;
  binaryTaskRunId: string;
  tamperedTaskRunId: string;
  retriedTaskRunId: string;
  cachedTaskRunId: string;
  /** The task key of the cached task. */
  cachedTaskKey: string;
  /** The folder the default local storage writes to. */
  resultsDir: string;
}

/**
 * Runs the flows on `engine` (whose local storage is at `resultsDir`) and tampers with one
 * result blob on disk. `rounds` runs of the pipeline are made (the newest is returned).
 */
export async function runUiFlows(engine: Engine, resultsDir: string, rounds = 2): Promise<UiRuns> {

  const extractOrders = task({ name: "extract-orders", persistResult: true, resultSerializer: "json" }, () =>
    Array.from({ length: 120 }, (_, i) => ({
      id: 1000 + i,
      customer: ["Ada", "Grace", "Linus", "Margaret"][i % 4]!,
      amount: Math.round((i * 37.5) % 500) + 0.99,
      paid: i % 3 !== 0,
    })),
  );
  const summarize = task({ name: "summarize", persistResult: true, resultSerializer: "json" }, (orders: { amount: number; paid: boolean }[]) => ({
    count: orders.length,
    total: Math.round(orders.reduce((s, o) => s + o.amount, 0) * 100) / 100,
    paid: orders.filter((o) => o.paid).length,
    byDay: { monday: 40, tuesday: 41, wednesday: 39 },
    generatedAt: new Date("2024-05-01T12:00:00Z"),
  }));
  const renderReport = task({ name: "render-report", persistResult: true }, (summary: { count: number; total: number }) =>
    `Orders report\n=============\n${summary.count} orders, ${summary.total} EUR in all.\n`,
  );
  const embed = task({ name: "embed", persistResult: true }, () => Float32Array.from({ length: 256 }, (_, i) => Math.round(Math.sin(i / 8) * 1000) / 1000));
  const fetchRates = task({ name: "fetch-rates", cacheKeyFn: (_c, [day]) => `rates-${String(day)}`, resultSerializer: "json" }, (day: string) => ({ day, eurUsd: 1.08, eurGbp: 0.85 }));
  let flaky = 0;
  const loadWarehouse = task({ name: "load-warehouse", retries: 2, retryDelaySeconds: 0.02, resultSerializer: "json" }, (n: number) => {
    if (++flaky % 2 === 1) throw new Error("warehouse connection reset by peer");
    return { loaded: n };
  });
  const audit = task({ name: "audit", persistResult: true, resultSerializer: "json" }, () => ({ checked: true, note: "this blob is edited on disk after the run" }));

  const notify = flow({ name: "notify-team" }, async (channel: string) => `sent to ${channel}`);

  const pipeline = flow({ name: "orders-pipeline", tags: ["nightly", "finance"] }, async (day: string) => {
    const orders = extractOrders.submit();
    const summary = await summarize(orders as never);
    await renderReport(summary);
    await embed();
    await fetchRates(day);
    await fetchRates(day);
    await loadWarehouse(summary.count);
    await audit();
    await notify("#data");
    return summary;
  });

  const failing = flow({ name: "sync-crm", tags: ["hourly"] }, async () => {
    await task({ name: "pull-contacts" }, () => 3)();
    await task({ name: "push-contacts" }, () => {
      throw new Error("CRM API refused the batch: 429 Too Many Requests");
    })();
  });

  for (let round = 0; round < rounds; round++) {
    await engine.run(() => pipeline("2024-05-01"));
    await engine.run(() => failing.returnState());
  }
  await engine.run(() =>
    new S3({ bucketPath: "acme-results/prod", awsAccessKeyId: "AKIAUIEXAMPLE", awsSecretAccessKey: BLOCK_SECRET, region: "eu-west-1" }).save("prod", {
      overwrite: true,
    }),
  );

  const client = await engine.client();
  const [failedRun] = await client.readFlowRuns({ flowName: "sync-crm", limit: 1 });
  const [pipelineRun] = await client.readFlowRuns({ flowName: "orders-pipeline", limit: 1 });
  const [subflowRun] = await client.readFlowRuns({ flowName: "notify-team", limit: 1 });
  const taskRuns = await client.readTaskRuns({ flowRunId: pipelineRun!.id });
  const byName = (prefix: string) => taskRuns.filter((t) => t.name.startsWith(prefix));

  const tampered = byName("audit")[0]!;
  const ref = JSON.parse(tampered.stateData!) as { storageKey: string };
  const file = join(resultsDir, ref.storageKey);
  writeFileSync(file, readFileSync(file, "utf8").replace('\\"checked\\":true', '\\"checked\\":false'));

  return {
    pipelineRunId: pipelineRun!.id,
    failedRunId: failedRun!.id,
    subflowRunId: subflowRun!.id,
    recordsTaskRunId: byName("extract-orders")[0]!.id,
    objectTaskRunId: byName("summarize")[0]!.id,
    textTaskRunId: byName("render-report")[0]!.id,
    binaryTaskRunId: byName("embed")[0]!.id,
    tamperedTaskRunId: tampered.id,
    retriedTaskRunId: byName("load-warehouse")[0]!.id,
    cachedTaskRunId: byName("fetch-rates").find((t) => t.stateName === "Cached")!.id,
    cachedTaskKey: byName("fetch-rates")[0]!.taskKey,
    resultsDir,
  };
}
