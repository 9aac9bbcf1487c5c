import { AsyncLocalStorage } from "node:async_hooks";
import { uuid7 } from "../utils/uuid7.js";
import { hostname } from "node:os";
import type { OrchestrationClient } from "../client/orchestration-client.js";
import type { RunOwner, StateRecord } from "../records/index.js";
import { LOG_LEVELS } from "../records/index.js";
import { createOrchestrationClient } from "../client/create-client.js";
import { loadSettings, type Settings } from "../settings/index.js";
import type { LogSink } from "./run-logger.js";
import type { StorageBlockResolver } from "../blocks/storage-block-resolver.js";
import { setBlockClientProvider } from "../blocks/block-client.js";
import { StoreBlockResolver } from "../blocks/store-block-resolver.js";
import { ResultStore } from "../results/result-store.js";
import type { ActiveRun } from "./run-recorder.js";
import type { State } from "../states/state.js";
import { RecentCacheEntries } from "./recent-cache-entries.js";

/** Options of {@link Engine}. */
export interface EngineOptions {
  /** Settings to use. @default loadSettings() from the environment and the active profile */
  settings?: Settings;
  /** Opens the metadata store. @default the client the settings select (embedded SQLite, or the API) */
  openClient?: (settings: Settings) => Promise<OrchestrationClient>;
  /** Loads saved storage blocks and names storage instances. @default a `StoreBlockResolver` on this engine's client */
  blocks?: StorageBlockResolver;
  /**
   * Whether SIGINT/SIGTERM mark this engine's active runs CRASHED (and terminate the process
   * when nothing else handles them). A process that handles those signals itself, such as a
   * worker draining its jobs, passes false; process exit still marks them. @default true
   */
  handleSignals?: boolean;
}

/**
 * One Cairn engine: settings, a metadata-store client and the runs in progress.
 *
 * `flow()` and `task()` use the engine in scope ({@link Engine.run}), else the process's
 * default engine. Tests can create engines side by side, each with its own store.
 *
 * @example
 * ```ts
 * const engine = new Engine({ settings: loadSettings({ env: { CAIRN_HOME: dir } }) });
 * await engine.run(() => myFlow());
 * await engine.close();
 * ```
 */
export class Engine {
  /** A random id for this engine instance, recorded as the owner of its runs. */
  readonly id = uuid7();
  readonly owner: RunOwner;
  readonly #openClient: (settings: Settings) => Promise<OrchestrationClient>;
  #settings: Settings | undefined;
  #client: Promise<OrchestrationClient> | undefined;
  #resolvedClient: OrchestrationClient | undefined;
  #sink: LogSink | undefined;
  /** Runs started by this engine and not yet final, by run id. */
  readonly activeRuns = new Map<string, ActiveRun>();
  /** Task runs computing a cache key's value right now, so a second run with that key waits instead of computing it again. */
  readonly inflightCacheKeys = new Map<string, { taskRunId: string; state: Promise<State> }>();
  /**
   * Cache entries this engine computed recently (at most 1,000, least recently used out):
   * found without a store round trip, and before they are flushed.
   */
  readonly recentCacheEntries = new RecentCacheEntries(1000);
  /** Call counters of standalone task runs, by task key. */
  readonly standaloneCounts = new Map<string, number>();
  readonly #blocks: StorageBlockResolver;
  #results: ResultStore | undefined;
  #hooksInstalled = false;
  readonly #handleSignals: boolean;
  #closed = false;

  constructor(options: EngineOptions = {}) {
    this.#settings = options.settings;
    this.#openClient = options.openClient ?? createOrchestrationClient;
    this.#blocks = options.blocks ?? new StoreBlockResolver(this);
    this.owner = { host: hostname(), pid: process.pid, engineId: this.id };
    this.#handleSignals = options.handleSignals ?? true;
  }

  /** The engine's settings (loaded on first use). */
  get settings(): Settings {
    this.#settings ??= loadSettings();
    return this.#settings;
  }

  /** Writes and resolves results for this engine's runs. */
  get results(): ResultStore {
    this.#results ??= new ResultStore(this.settings, this.#blocks);
    return this.#results;
  }

  /** The metadata-store client, opened on first use (migrations run then). */
  client(): Promise<OrchestrationClient> {
    if (this.#closed) return Promise.reject(new Error("This Cairn engine is closed; create a new Engine to run more flows."));
    this.#client ??= this.#openClient(this.settings).then((client) => {
      this.#resolvedClient = client;
      this.#installProcessHooks();
      return client;
    });
    return this.#client;
  }

  /** The client when it is already open (synchronous; used on hot paths after the first run). */
  get openClient(): OrchestrationClient | undefined {
    return this.#resolvedClient;
  }

  /** Where run loggers send their lines. */
  get logSink(): LogSink {
    if (this.#sink === undefined) {
      const level = this.settings.get("CAIRN_LOGGING_LEVEL").toLowerCase() as keyof typeof LOG_LEVELS;
      this.#sink = {
        minLevel: LOG_LEVELS[level] ?? LOG_LEVELS.info,
        toConsole: this.settings.get("CAIRN_LOGGING_TO_CONSOLE"),
        client: this.#resolvedClient,
      };
    }
    this.#sink.client = this.#resolvedClient;
    return this.#sink;
  }

  /** Runs `fn` with this engine in scope: flows and tasks called inside use it. */
  run<T>(fn: () => T): T {
    return engineScope.run(this, fn);
  }

  /** Waits until every recorded change is durable. */
  async flush(): Promise<void> {
    if (this.#client !== undefined) await (await this.#client).flush();
  }

  /** Flushes and closes the metadata-store client. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#removeProcessHooks();
    if (this.#client !== undefined) await (await this.#client).close();
  }

  /**
   * Marks every run still active in this engine as CRASHED (the process is going away)
   * and writes everything synchronously.
   */
  crashActiveRuns(message: string): void {
    const client = this.#resolvedClient;
    if (client === undefined) return;
    const timestamp = new Date().toISOString();
    for (const run of this.activeRuns.values()) {
      const state: StateRecord = {
        id: uuid7(),
        flowRunId: run.flowRunId,
        taskRunId: run.kind === "task" ? run.id : null,
        type: "CRASHED",
        name: "Crashed",
        message,
        timestamp,
        data: null,
        details: null,
      };
      run.recordFinal(state);
    }
    this.activeRuns.clear();
    client.flushSync();
  }

  readonly #onExit = (code: number): void => {
    this.crashActiveRuns(`The process exited (code ${code}) before the run finished.`);
    this.#resolvedClient?.flushSync();
  };

  readonly #onSignal = (signal: NodeJS.Signals): void => {
    this.crashActiveRuns(`The process received ${signal} before the run finished.`);
    // When nobody else handles the signal, keep its default meaning: terminate.
    const others = process.listeners(signal).filter((l) => !engineSignalHandlers.has(l as never));
    if (others.length === 0) {
      this.#removeProcessHooks();
      for (const handler of engineSignalHandlers) process.removeListener(signal, handler);
      process.kill(process.pid, signal);
    }
  };

  #installProcessHooks(): void {
    if (this.#hooksInstalled) return;
    this.#hooksInstalled = true;
    process.on("exit", this.#onExit);
    if (!this.#handleSignals) return;
    engineSignalHandlers.add(this.#onSignal);
    process.on("SIGINT", this.#onSignal);
    process.on("SIGTERM", this.#onSignal);
  }

  #removeProcessHooks(): void {
    if (!this.#hooksInstalled) return;
    this.#hooksInstalled = false;
    process.removeListener("exit", this.#onExit);
    process.removeListener("SIGINT", this.#onSignal);
    process.removeListener("SIGTERM", this.#onSignal);
    engineSignalHandlers.delete(this.#onSignal);
  }
}

const engineSignalHandlers = new Set<(signal: NodeJS.Signals) => void>();
const engineScope = new AsyncLocalStorage<Engine>();
let defaultEngine: Engine | undefined;

/** The engine in scope ({@link Engine.run}), else the process's default engine. */
export function currentEngine(): Engine {
  return engineScope.getStore() ?? (defaultEngine ??= new Engine());
}

// Blocks (`Block.save/load/delete`) use the client of the engine in scope.
setBlockClientProvider(() => currentEngine().client());

/**
 * Replaces the process's default engine (the one `flow()`/`task()` use outside
 * {@link Engine.run}). Returns the previous one, if any.
 */
export function setDefaultEngine(engine: Engine | undefined): Engine | undefined {
  const previous = defaultEngine;
  defaultEngine = engine;
  return previous;
}
