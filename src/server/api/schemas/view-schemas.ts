import { z } from "@hono/zod-openapi";
import { IdSchema, StateTypeSchema, TimestampSchema } from "./common-schemas.js";
import { TaskRunSchema } from "./run-schemas.js";
import { CACHE_MISS_REASONS } from "../../../states/cache-outcome.js";

/**
 * `schema | null` for a schema registered as a component: `.nullable()` on one loses the
 * null in the OpenAPI 3.0 document (the generator emits the bare `$ref`), a union keeps it.
 *
 * @example
 * ```ts
 * z.object({ result: orNull(ResultReferenceViewSchema) });
 * ```
 */
export const orNull = <S extends z.ZodType>(schema: S) => z.union([schema, z.null()]);

/** `Attempt`: one attempt of a run, from a RUNNING state to the state that ended it. */
export const AttemptSchema = z
  .object({
    number: z.number().int().min(1),
    start: TimestampSchema,
    end: TimestampSchema.nullable(),
    stateType: StateTypeSchema.openapi({ description: "How it ended: FAILED for an attempt that was retried, RUNNING while it runs." }),
    stateName: z.string(),
    message: z.string().nullable(),
  })
  .openapi("Attempt");

/** `TimelineTaskRun`: one row of a flow run's timeline. */
export const TimelineTaskRunSchema = z
  .object({
    id: IdSchema,
    name: z.string(),
    stateType: StateTypeSchema,
    stateName: z.string(),
    stateTimestamp: TimestampSchema,
    created: TimestampSchema,
    startTime: TimestampSchema.nullable(),
    endTime: TimestampSchema.nullable(),
    runCount: z.number().int(),
    attempts: z.array(AttemptSchema),
    subflowRunId: IdSchema.nullable().openapi({ description: "The subflow run this task run stands for, when it is one." }),
  })
  .openapi("TimelineTaskRun");

/** `FlowRunTimeline`. */
export const FlowRunTimelineSchema = z
  .object({
    flowRunId: IdSchema,
    taskRuns: z.array(TimelineTaskRunSchema),
    truncated: z.boolean().openapi({ description: "True when the flow run has more task runs than one timeline holds (50,000; the oldest are shown)." }),
  })
  .openapi("FlowRunTimeline");

/** `TaskInput`. */
export const TaskInputSchema = z
  .object({ name: z.string(), upstream: z.array(IdSchema).optional().openapi({ description: "Task runs whose futures were passed for it." }) })
  .openapi("TaskInput");

/** The reasons a cache lookup can miss. */
export const CacheMissReasonSchema = z
  .enum(CACHE_MISS_REASONS)
  .openapi("CacheMissReason");

/** `ResultReferenceView`: a run's result as recorded. */
export const ResultReferenceViewSchema = z
  .discriminatedUnion("type", [
    z.object({
      type: z.literal("reference"),
      storageKey: z.string(),
      storageBlockId: IdSchema.nullable(),
      serializerType: z.string(),
      expiration: z.string().nullable(),
      integrity: z.string().nullable().openapi({ description: 'The blob\'s integrity hash ("sha256-..."), when the reference records it.' }),
    }),
    z.object({ type: z.literal("literal"), value: z.union([z.boolean(), z.literal("undefined")]).nullable() }),
    z.object({ type: z.literal("unpersisted"), pruned: z.boolean() }),
  ])
  .openapi("ResultReferenceView");

/** `StorageBlockView`: the saved block of a result (no fields, so no secrets). */
export const StorageBlockViewSchema = z
  .object({ id: IdSchema, blockTypeSlug: z.string(), name: z.string(), isAnonymous: z.boolean() })
  .openapi("StorageBlockView");

/** `TaskRunDetails`. */
export const TaskRunDetailsSchema = z
  .object({
    taskRun: TaskRunSchema,
    attempts: z.array(AttemptSchema),
    inputs: z.array(TaskInputSchema).nullable(),
    cache: z
      .object({
        key: z.string(),
        hit: z.boolean(),
        entryTaskRunId: IdSchema.nullable(),
        reason: orNull(CacheMissReasonSchema),
        message: z.string().nullable(),
      })
      .nullable()
      .openapi({ description: "What the run's cache lookup found; null when the task does not cache." }),
    result: orNull(ResultReferenceViewSchema),
    storageBlock: orNull(StorageBlockViewSchema),
    subflowRunId: IdSchema.nullable(),
  })
  .openapi("TaskRunDetails");

/** `CachedTaskSummary`. */
export const CachedTaskSchema = z
  .object({ taskKey: z.string(), taskName: z.string(), writes: z.number().int(), lastWritten: z.string() })
  .openapi("CachedTask");

const runRef = { taskRunId: IdSchema, taskRunName: z.string(), flowRunId: IdSchema.nullable(), at: TimestampSchema, cacheKey: z.string() };

/** `CacheReport`: one task's cache. */
export const CacheReportSchema = z
  .object({
    taskKey: z.string(),
    taskName: z.string(),
    entries: z.array(
      z
        .object({
          cacheKey: z.string(),
          taskRunId: IdSchema,
          taskRunName: z.string(),
          flowRunId: IdSchema.nullable(),
          stateType: StateTypeSchema,
          stateName: z.string(),
          writtenAt: TimestampSchema,
          expiration: TimestampSchema.nullable(),
          expired: z.boolean(),
          hits: z.number().int(),
          lastHitAt: TimestampSchema.nullable(),
        })
        .openapi("CacheEntry"),
    ),
    hits: z.array(z.object({ ...runRef, entryTaskRunId: IdSchema.nullable() }).openapi("CacheHit")),
    misses: z.array(
      z
        .object({ ...runRef, reason: CacheMissReasonSchema, entryTaskRunId: IdSchema.nullable(), message: z.string().nullable() })
        .openapi("CacheMiss"),
    ),
    truncated: z.boolean(),
  })
  .openapi("CacheReport");
