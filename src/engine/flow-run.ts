import { uuid7 } from "../utils/uuid7.js";
import type { FlowRunRecord, TaskRunRecord } from "../records/index.js";
import { decidePersistence } from "../results/persistence-decision.js";
import { createResult } from "../results/create-result.js";
import { Pending } from "../states/constructors.js";
import type { State } from "../states/state.js";
import { ConcurrentTaskRunner } from "../task-runners/concurrent/concurrent-task-runner.js";
import { generateRunName } from "../utils/run-names.js";
import { currentEngine } from "./engine.js";
import type { FlowDefinition } from "./flow.js";
import { bindParameters, parametersJson } from "./parameters.js";
import { runScope, type FlowRunContext } from "./run-context.js";
import { RunLogger } from "./run-logger.js";
import { FlowRunRecorder, TaskRunRecorder } from "./run-recorder.js";
import { runAttempts } from "./run-attempts.js";
import { finalStateFor } from "./return-value.js";
import { nextDynamicKey } from "./dynamic-key.js";
import { RunWriteBarrier } from "./run-write-barrier.js";
import { isoTime } from "../utils/iso-time.js";

const defaultTaskRunner = new ConcurrentTaskRunner();

/**
 * Runs one flow run to its final state: records it (and, for a subflow, a task run in
 * the parent standing for it), runs attempts with retries and timeout, waits for the
 * task runs it submitted, creates its result, and flushes the store at the top level.
 * Never rejects for a failed run.
 */
export async function runFlow<T>(definition: FlowDefinition, args: unknown[]): Promise<State<T>> {
  const engine = currentEngine();
  const client = engine.openClient ?? (await engine.client());
  const scope = runScope.getStore();
  const parent = scope?.flow;
  const settings = engine.settings;
  const options = definition.options;
  const decision = decidePersistence(options, parent?.resultOptions, settings.get("CAIRN_RESULTS_PERSIST_BY_DEFAULT"));

  const id = uuid7();
  const name = generateRunName();
  const parameters = bindParameters(definition.parameterNames, args);
  const now = isoTime(Date.now());

  // A subflow is represented in its parent by a task run, so the parent's history shows it.
  let parentTaskRun: TaskRunRecorder | undefined;
  if (parent !== undefined) {
    const taskKey = `subflow:${definition.name}`;
    const dynamicKey = nextDynamicKey(parent, taskKey);
    const row: TaskRunRecord = {
      id: uuid7(), name: `${definition.name}-${dynamicKey}`, taskKey, dynamicKey,
      flowRunId: parent.flowRun.id, cacheKey: null, cacheExpiration: null,
      stateType: "PENDING", stateName: "Pending", stateMessage: null, stateTimestamp: now, stateData: null,
      runCount: 0, startTime: null, endTime: null, created: now, owner: engine.owner,
    };
    parentTaskRun = new TaskRunRecorder(client, row);
    parentTaskRun.setState(Pending());
  }

  const row: FlowRunRecord = {
    id, name, flowName: definition.name, flowVersion: options.version ?? null,
    parameters: parametersJson(parameters), tags: options.tags ?? [],
    parentTaskRunId: parentTaskRun?.id ?? null,
    stateType: "PENDING", stateName: "Pending", stateMessage: null, stateTimestamp: now,
    runCount: 0, startTime: null, endTime: null, created: now, owner: engine.owner,
  };
  const recorder = new FlowRunRecorder(client, row);
  recorder.setState(Pending());
  engine.activeRuns.set(id, recorder);
  const label = `Flow run '${name}'`;
  const logger = new RunLogger(engine.logSink, "cairn.flow_runs", label, id, null);
  logger.info(`Beginning flow run '${name}' for flow '${definition.name}'`);

  const context: FlowRunContext = {
    kind: "flow", engine,
    flowRun: { id, name, flowName: definition.name, parameters },
    taskRunner: options.taskRunner ?? defaultTaskRunner,
    resultOptions: decision.inherited,
    logger,
    signal: parent?.signal ?? new AbortController().signal,
    attempt: 0,
    taskCallCounts: new Map(),
    retainTaskRuns: (options.retries ?? 0) > 0,
    priorTaskRuns: new Map(),
    decisions: new Map(),
    pending: new Set(),
    barrier: new RunWriteBarrier(client),
  };

  const owner = {
    label,
    subject: `flow '${definition.name}'`,
    results: engine.results,
    keyTemplate: undefined,
    keyValues: () => ({ task_run: { id: "", name: "", task_name: "" }, parameters }),
    cacheResultInMemory: options.cacheResultInMemory ?? true,
    expiration: null,
  };
  const state = await runAttempts<T>({
    label,
    options,
    persistenceDisabled: options.persistResult === false,
    previousAttempts: 0,
    logger,
    errorContext: { flowRunId: id, runName: definition.name },
    parentSignal: parent?.signal,
    setState: (s) => {
      if (s.type === "RUNNING") row.runCount++;
      recorder.setState(s);
      if (parentTaskRun !== undefined && (s.type === "RUNNING" || s.isFinal())) {
        if (s.type === "RUNNING") parentTaskRun.row.runCount++;
        parentTaskRun.setState(s);
      }
    },
    invoke: async (attempt, signal) => {
      const drop = new AbortController();
      const attemptContext: FlowRunContext = { ...context, signal, attempt, taskCallCounts: new Map(), dropQueued: drop.signal };
      context.attempt = attempt;
      try {
        return await runScope.run({ flow: attemptContext, task: undefined }, () => definition.fn(...args));
      } catch (error) {
        drop.abort(error);
        throw error;
      } finally {
        // Task runs still in flight finish before the flow run does.
        while (attemptContext.pending.size > 0) await Promise.all([...attemptContext.pending]);
      }
    },
    finish: (value) =>
      finalStateFor<T>(value, (v) =>
        decision.persist ? context.barrier.whenDurable(() => createResult(v, decision, owner)) : createResult(v, decision, owner),
      ),
  });

  engine.activeRuns.delete(id);
  if (state.isCompleted()) logger.info(`Finished in state ${state.toString()}`);
  else logger.error(`Finished in state ${state.toString()}`);
  if (parent === undefined) await client.flush();
  return state;
}
