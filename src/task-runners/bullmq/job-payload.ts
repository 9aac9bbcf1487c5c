import type { WritableFileSystem } from "../../blocks/writable-file-system.js";
import type { RemoteArgument, RemoteTaskRunSpec } from "../../engine/remote-task-spec.js";
import type { StateType } from "../../records/index.js";
import type { ResultRecord } from "../../results/base-result.js";
import { readPersistedValue } from "../../results/read-persisted-value.js";
import { errorMessage } from "../../engine/run-attempts.js";
import { DistributedError, DistributedErrorCode } from "./distributed-error.js";
import type { WireError } from "./remote-error.js";
import type { StorageProbe } from "./storage-probe.js";
import type { ValueTransport, WireValue } from "./value-transport.js";

/** The format version of {@link CairnJobData}, {@link CairnJobOutcome} and {@link CairnJobReply}. */
export const JOB_FORMAT_VERSION = 2;

/** An argument as it travels in a job. */
export type WireArgument =
  | { readonly value: WireValue }
  /** A persisted result in another storage than the run's (its block document id). */
  | { readonly persisted: string; readonly storageBlockId: string; readonly integrity?: string }
  | { readonly list: readonly WireArgument[] };

/** The data of one BullMQ job: one task run. */
export interface CairnJobData {
  readonly cairn: typeof JOB_FORMAT_VERSION;
  readonly spec: RemoteTaskRunSpec;
  readonly args: readonly WireArgument[];
  /** Proves to the worker that it sees the same result storage as the flow. */
  readonly probe: StorageProbe;
  /** The Redis list the worker pushes the job's {@link CairnJobReply} to (the submitting runner's). */
  readonly reply: string;
}

/** How a job's task run ended, as the worker hands it back to the flow. */
export interface CairnJobOutcome {
  readonly cairn: typeof JOB_FORMAT_VERSION;
  readonly state: {
    readonly type: StateType;
    readonly name: string;
    readonly message: string | null;
    readonly timestamp: string;
    readonly cacheKey?: string;
  };
  /** A literal or persisted result (its reference). */
  readonly result?: ResultRecord;
  /** The value: of an unpersisted result, or of a persisted one when it is small (saves the flow a read). */
  readonly value?: WireValue;
  readonly error?: WireError;
  readonly runCount: number;
}

/**
 * What a worker pushes to the flow's reply list (`CairnJobData.reply`) before it completes
 * a job: the run's outcome, or why the job failed outside the task (it is then failed in
 * BullMQ too). It goes out on the connection that completes the job, ahead of the completion.
 */
export type CairnJobReply =
  | { readonly job: string; readonly outcome: CairnJobOutcome }
  | { readonly job: string; readonly failed: string };

/** A job's BullMQ return value: its outcome went to the reply list (none of it rides in BullMQ's events). */
export type CairnJobReturn = { readonly replied: true };

/**
 * Encodes a task run's arguments for a job: persisted results by reference, the rest
 * inline or as transient blobs. Resolves to the arguments and the transient blobs written.
 */
export async function encodeArguments(
  args: readonly RemoteArgument[],
  transport: ValueTransport,
  storageBlockId: string,
  subject: string,
): Promise<{ args: WireArgument[]; transient: WireValue[] }> {
  const transient: WireValue[] = [];
  const one = async (arg: RemoteArgument, position: string): Promise<WireArgument> => {
    if (arg.kind === "list") return { list: await Promise.all(arg.items.map((item, i) => one(item, `${position}[${i}]`))) };
    if (arg.kind === "result") {
      const result = arg.result;
      const integrity = result.integrity === undefined ? {} : { integrity: result.integrity };
      if (result.storageBlockId === storageBlockId) return { value: { persisted: result.storageKey, ...integrity } };
      return { persisted: result.storageKey, storageBlockId: result.storageBlockId!, ...integrity };
    }
    let wire: WireValue;
    try {
      wire = await transport.encode(arg.value);
    } catch (error) {
      throw new DistributedError(
        DistributedErrorCode.ValueNotSendable,
        `Argument ${position} of ${subject} cannot be sent to a worker: ${errorMessage(error)} ` +
          "Pass values the run's serializer can store, choose another resultSerializer, or call the task directly " +
          "(a direct call runs in the flow's process).",
        { cause: error },
      );
    }
    if ("transient" in wire) transient.push(wire);
    return { value: wire };
  };
  const out: WireArgument[] = [];
  try {
    for (let i = 0; i < args.length; i++) out.push(await one(args[i]!, String(i)));
  } catch (error) {
    // No job will name the blobs written for the arguments before this one: they go now.
    await Promise.all(transient.map((wire) => transport.remove(wire).catch(() => undefined)));
    throw error;
  }
  return { args: out, transient };
}

/** The arguments' values back (persisted results read from their storage). */
export async function decodeArguments(
  args: readonly WireArgument[],
  transport: ValueTransport,
  storageById: (id: string) => Promise<WritableFileSystem>,
): Promise<unknown[]> {
  const one = async (arg: WireArgument): Promise<unknown> => {
    if ("list" in arg) return Promise.all(arg.list.map(one));
    if ("storageBlockId" in arg) {
      return readPersistedValue(await storageById(arg.storageBlockId), arg.persisted, { expectedIntegrity: arg.integrity });
    }
    return transport.decode(arg.value);
  };
  return Promise.all(args.map(one));
}

/** The transient blobs among encoded arguments. */
export function transientArguments(args: readonly WireArgument[]): WireValue[] {
  const out: WireValue[] = [];
  const walk = (arg: WireArgument): void => {
    if ("list" in arg) arg.list.forEach(walk);
    else if ("value" in arg && "transient" in arg.value) out.push(arg.value);
  };
  args.forEach(walk);
  return out;
}
