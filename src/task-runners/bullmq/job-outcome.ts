import type { WritableFileSystem } from "../../blocks/writable-file-system.js";
import { errorMessage } from "../../engine/run-attempts.js";
import type { BaseResult } from "../../results/base-result.js";
import { LiteralResult } from "../../results/literal-result.js";
import { PersistedResult } from "../../results/persisted-result.js";
import { UnpersistedResult } from "../../results/unpersisted-result.js";
import { Failed } from "../../states/constructors.js";
import { State } from "../../states/state.js";
import { DistributedError, DistributedErrorCode } from "./distributed-error.js";
import { JOB_FORMAT_VERSION, type CairnJobOutcome } from "./job-payload.js";
import { encodeError, reviveError } from "./remote-error.js";
import type { ValueTransport, WireValue } from "./value-transport.js";

/**
 * The outcome a worker hands back for a final state: the state's fields, its result
 * (a reference or a literal; the value itself for an unpersisted result, inline or as a
 * transient blob) and its error. A value that cannot be encoded turns the state into a
 * FAILED one saying so (the returned `state`), which is what the worker then records.
 */
export async function encodeOutcome(
  state: State,
  runCount: number,
  transport: ValueTransport | undefined,
  subject: string,
): Promise<{ outcome: CairnJobOutcome; state: State }> {
  const data = state.data;
  if (data !== undefined && transport === undefined) throw new Error(`The outcome of ${subject} has a result but no storage to send it through.`);
  let result: CairnJobOutcome["result"];
  let value: WireValue | undefined;
  if (data instanceof UnpersistedResult && !data.available) {
    // The run was finished by a worker that is gone, and only it held the value: say so (never send `undefined`).
    result = data.toRecord();
  } else if (data instanceof UnpersistedResult) {
    try {
      value = await transport!.encode(data.peek());
    } catch (error) {
      const failure = new DistributedError(
        DistributedErrorCode.ValueNotSendable,
        `The return value of ${subject} cannot be sent back to the flow: ${errorMessage(error)} ` +
          "Return values the run's serializer can store, choose another resultSerializer, or persist the result.",
        { cause: error },
      );
      return encodeOutcome(Failed({ message: failure.message, error: failure }), runCount, transport, subject);
    }
  } else if (data instanceof PersistedResult) {
    result = data.toRecord();
    if (data.inMemory) value = await inlineOnly(transport!, await data.get());
  } else if (data !== undefined) {
    result = data.toRecord();
  }
  const details = state.stateDetails;
  const outcome: CairnJobOutcome = {
    cairn: JOB_FORMAT_VERSION,
    state: {
      type: state.type,
      name: state.name,
      message: state.message ?? null,
      timestamp: state.timestamp.toISOString(),
      ...(details.cacheKey === undefined ? {} : { cacheKey: details.cacheKey }),
    },
    ...(result === undefined ? {} : { result }),
    ...(value === undefined ? {} : { value }),
    ...(state.isFinal() && !state.isCompleted() ? { error: encodeError(state.toError()) } : {}),
    runCount,
  };
  return { outcome, state };
}

/** A value's inline form when it is small enough, else undefined (a persisted result is then read where needed). */
async function inlineOnly(transport: ValueTransport, value: unknown): Promise<WireValue | undefined> {
  try {
    const data = await transport.serializer.dumps(value);
    return Buffer.byteLength(data, "utf8") <= Math.min(transport.inlineMaxBytes, 64 * 1024) ? { inline: data } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The state back in the flow's process: its result as a {@link PersistedResult} (holding
 * the value when it came along), a literal, or an unpersisted result holding the value
 * (a transient blob is read and removed); an unpersisted result that nothing holds any more
 * (the worker that held it died after recording the run) rejects, saying so, when read.
 */
export async function decodeOutcome<T>(
  outcome: CairnJobOutcome,
  transport: ValueTransport,
  storageById: (id: string) => Promise<WritableFileSystem>,
  storageBlockId: string,
  subject = "The task run",
): Promise<State<T>> {
  const record = outcome.result;
  let data: BaseResult | undefined;
  if (record?.type === "unpersisted") {
    data = UnpersistedResult.missing(
      `${subject} completed on a worker that stopped before it handed its return value back, and the value was not ` +
        "persisted, so nothing holds it now (BullMQ gave the job to another worker, which found the run already finished " +
        "and did not run it twice). Persist the task's results (persistResult: true, or a cache policy) to keep them " +
        "through worker crashes.",
    );
  } else if (record?.type === "literal") {
    data = LiteralResult.fromRecord(record);
  } else if (record?.type === "reference") {
    const held = outcome.value === undefined ? undefined : { value: await transport.decode(outcome.value) };
    data = new PersistedResult({
      storageKey: record.storageKey,
      storageBlockId: record.storageBlockId,
      serializerType: record.serializerType,
      expiration: record.expiration === null ? null : new Date(record.expiration),
      integrity: record.integrity,
      storage: record.storageBlockId === null ? undefined : record.storageBlockId === storageBlockId ? transport.storage : await storageById(record.storageBlockId),
      ...(held === undefined ? {} : { value: held.value, holdValue: true }),
    });
  } else if (outcome.value !== undefined) {
    const value = await transport.decode(outcome.value);
    await transport.remove(outcome.value);
    data = UnpersistedResult.of(value);
  }
  const s = outcome.state;
  return new State<T>(s.type, {
    name: s.name,
    message: s.message ?? undefined,
    timestamp: new Date(s.timestamp),
    data: data as BaseResult<T> | undefined,
    stateDetails: s.cacheKey === undefined ? {} : { cacheKey: s.cacheKey },
    error: outcome.error === undefined ? undefined : reviveError(outcome.error),
  });
}
