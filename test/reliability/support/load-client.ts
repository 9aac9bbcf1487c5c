// One client of the load suite: `load-client.ts <api url> <task runs> <per flow> <out file>`.
// Runs flows of `per flow` task runs (half awaited one by one, half mapped) through an engine
// talking to the server over HTTP, and records every state change it hands to its client, in
// order: what the server must end up holding, row by row. Prints "progress <task runs done>"
// after each flow (and "ready" once warmed up), writes the record to <out file> as JSON, and exits 0 when every flow completed.
import { writeFileSync } from "node:fs";
import { HttpClient } from "../../../src/client/http/http-client.js";
import type { OrchestrationClient } from "../../../src/client/orchestration-client.js";
import { Engine } from "../../../src/engine/engine.js";
import { flow, task } from "../../../src/index.js";
import type { StateRecord } from "../../../src/records/index.js";
import { loadSettings } from "../../../src/settings/index.js";

const [url, totalText, perFlowText, outFile] = process.argv.slice(2);
const total = Number(totalText);
const perFlow = Number(perFlowText);

/** What this client produced: each run's state ids and types, in recording order. */
const produced = { flowRuns: [] as string[], taskRuns: new Set<string>(), states: new Map<string, { id: string; type: string }[]>() };

/** The HTTP client, with every recordState and recordTaskRun noted on the way through. */
function recording(client: OrchestrationClient): OrchestrationClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (property === "recordState") {
        return (state: StateRecord) => {
          const runId = state.taskRunId ?? state.flowRunId ?? "";
          let list = produced.states.get(runId);
          if (list === undefined) produced.states.set(runId, (list = []));
          list.push({ id: state.id, type: state.type });
          target.recordState(state);
        };
      }
      if (property === "recordTaskRun") {
        return (run: Parameters<OrchestrationClient["recordTaskRun"]>[0]) => {
          produced.taskRuns.add(run.id);
          target.recordTaskRun(run);
        };
      }
      if (property === "recordFlowRun") {
        return (run: Parameters<OrchestrationClient["recordFlowRun"]>[0]) => {
          if (!produced.flowRuns.includes(run.id)) produced.flowRuns.push(run.id);
          target.recordFlowRun(run);
        };
      }
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
}

const engine = new Engine({
  settings: loadSettings({ env: { ...process.env, CAIRN_API_URL: url, CAIRN_LOGGING_TO_CONSOLE: "false" } }),
  openClient: async (settings) => recording(new HttpClient({ url: settings.get("CAIRN_API_URL") ?? url! })),
});

const step = task({ name: "load-step" }, (i: number) => i * 2);
const batch = flow({ name: "load-flow" }, async (start: number, count: number) => {
  let sum = 0;
  const half = Math.floor(count / 2);
  for (let i = 0; i < half; i++) sum += await step(start + i);
  const futures = step.map(Array.from({ length: count - half }, (_, k) => start + half + k));
  for (const future of futures) sum += await future.result();
  return sum;
});

// Warm up (opens the connection, compiles the path) outside the measured part.
await engine.run(() => batch.returnState(-1, 1));
process.stdout.write("ready\n");

let done = 0;
while (done < total) {
  const count = Math.min(perFlow, total - done);
  const state = await engine.run(() => batch.returnState(done, count));
  if (state.type !== "COMPLETED") throw new Error(`a flow ended ${state.type}: ${state.message ?? ""}`);
  const expected = Array.from({ length: count }, (_, k) => (done + k) * 2).reduce((a, b) => a + b, 0);
  if ((await state.result()) !== expected) throw new Error("a flow returned a wrong sum");
  done += count;
  process.stdout.write(`progress ${done}\n`);
}
await engine.close();
writeFileSync(
  outFile!,
  JSON.stringify({ flowRuns: produced.flowRuns, taskRuns: [...produced.taskRuns], states: Object.fromEntries(produced.states) }),
);
process.stdout.write("done\n");
