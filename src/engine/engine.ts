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

/**
 * While runs keep the thread busy, the event loop gets a turn at least this often (timers,
 * and the I/O of a metadata client that writes over the network).
 */
const TURN_INTERVAL_MS = 10;
/** A long-lived engine looks for runs left unfinished by dead processes this often. */
const ORPHAN_SWEEP_INTERVAL_MS = 60_000;

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
  #nextTurn = 0;
  #sweepTimer: NodeJS.Timeout | undefined;
  #sweeping: Promise<unknown> | undefined;

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
      this.#startOrphanSweeps(client);
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

  /**
   * Undefined, or (at most every 10 ms) a promise that resolves on the next turn of the
   * event loop: awaited on the task path, so that timers and the metadata client's I/O
   * progress even when tasks never yield.
   * @internal
   */
  turn(): Promise<void> | undefined {
    const now = Date.now();
    if (now < this.#nextTurn) return undefined;
    this.#nextTurn = now + TURN_INTERVAL_MS;
    return new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * Marks runs left unfinished by dead processes CRASHED (`markOrphanedRunsCrashed`):
   * once right after the store opens (off the path of the flow that opened it) and then
   * every minute while the engine lives. Failures are left for the next sweep.
   */
  #startOrphanSweeps(client: OrchestrationClient): void {
    const sweep = (): void => {
      if (this.#closed || this.#sweeping !== undefined) return;
      this.#sweeping = client.markOrphanedRunsCrashed().then(
        () => (this.#sweeping = undefined),
        () => (this.#sweeping = undefined),
      );
    };
    setImmediate(sweep);
    this.#sweepTimer = setInterval(sweep, ORPHAN_SWEEP_INTERVAL_MS).unref();
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
    if (this.#sweepTimer !== undefined) clearInterval(this.#sweepTimer);
    if (this.#client !== undefined) {
      const client = await this.#client;
      await this.#sweeping;
      await client.close();
    }
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
