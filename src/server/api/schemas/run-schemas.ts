import { z } from "@hono/zod-openapi";
import { IdSchema, INT32_MAX, RunOwnerSchema, StateTypeSchema, TimestampSchema, textOf } from "./common-schemas.js";

/** Fields `FlowRunRecord` and `TaskRunRecord` share. */
const runFields = {
  id: IdSchema,
  name: textOf(500),
  stateType: StateTypeSchema,
  stateName: textOf(200),
  stateMessage: z.string().nullable(),
  stateTimestamp: TimestampSchema,
  runCount: z.number().int().min(0).max(INT32_MAX),
  startTime: TimestampSchema.nullable(),
  endTime: TimestampSchema.nullable(),
  created: TimestampSchema,
  owner: RunOwnerSchema,
};

/** `FlowRunRecord`: a flow run with its current state. */
export const FlowRunSchema = z
  .object({
    ...runFields,
    flowName: textOf(500),
    flowVersion: textOf(200).nullable(),
    parameters: z.string().openapi({ description: "JSON text of the parameters." }),
    tags: z.array(textOf(500)),
    parentTaskRunId: IdSchema.nullable(),
  })
  .openapi("FlowRun");

/** `TaskRunRecord`: a task run with its current state and result reference. */
export const TaskRunSchema = z
  .object({
    ...runFields,
    taskKey: textOf(2000),
    dynamicKey: textOf(200),
    flowRunId: IdSchema.nullable(),
    cacheKey: textOf(2000).nullable(),
    cacheExpiration: TimestampSchema.nullable(),
    stateData: z.string().nullable().openapi({ description: "JSON text of the result reference." }),
  })
  .openapi("TaskRun");

/** `StateRecord`: one state in a run's history. */
export const StateSchema = z
  .object({
    id: IdSchema,
    flowRunId: IdSchema.nullable(),
    taskRunId: IdSchema.nullable(),
    type: StateTypeSchema,
    name: textOf(200),
    message: z.string().nullable(),
    timestamp: TimestampSchema,
    data: z.string().nullable().openapi({ description: "JSON text of the result reference." }),
    details: z.string().nullable(),
  })
  .refine((s) => s.flowRunId !== null || s.taskRunId !== null, {
    message: "a state needs a flowRunId or a taskRunId",
    path: ["flowRunId"],
  })
  .openapi("State", {
    description: "A state belongs to a flow run or a task run: flowRunId, taskRunId or both are set.",
    anyOf: [
      { type: "object", required: ["flowRunId"], properties: { flowRunId: { type: "string", minLength: 1, maxLength: 200 } } },
      { type: "object", required: ["taskRunId"], properties: { taskRunId: { type: "string", minLength: 1, maxLength: 200 } } },
    ],
  });

/** `LogRecord`: a line a run logger wrote. */
export const LogSchema = z
  .object({
    flowRunId: IdSchema.nullable(),
    taskRunId: IdSchema.nullable(),
    level: z.number().int().min(0).max(100),
    name: textOf(500),
    message: z.string(),
    timestamp: TimestampSchema,
  })
  .openapi("Log");

/** A run that is not final yet, with its owner (orphan detection). */
export const UnfinishedRunSchema = z
  .object({
    kind: z.enum(["flow", "task"]),
    id: IdSchema,
    flowRunId: IdSchema.nullable(),
    owner: RunOwnerSchema,
  })
  .openapi("UnfinishedRun");
