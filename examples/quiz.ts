// Twin of the notes' quiz: the "Quiz as example" flow on the saved block "s3/dev", and the
// result_storage questions Q1 and Q2 on "s3/prod" and Q3 on the default storage. Each flow
// runs as the notes write it; then the script prints where each run's result landed (from
// the references in the metadata store) and what each storage holds (decoded from the
// objects themselves). Connection settings: see s3-helpers.ts.
//
// Run: node --env-file=.env --import tsx examples/quiz.ts
import { readdirSync } from "node:fs";
import {
  currentEngine, flow, PersistedResultBlob, resolveSerializer, S3, task, type Flow, type ResultRecord, type State,
} from "cairn";
import { clearS3ResultFiles, createS3Block, getS3ResultFiles } from "./s3-helpers.js";

const dev = await createS3Block("dev"); // prints: Created block s3/dev with ID: …
const prod = await createS3Block("prod"); // prints: Created block s3/prod with ID: …
const slugs = new Map([[dev.blockDocumentId, "s3/dev"], [prod.blockDocumentId, "s3/prod"]]);

/** Where a result landed, from its record in the metadata store (a reference, never the data). */
function where(record: ResultRecord | undefined): string {
  if (record?.type === "reference") return `persisted to ${slugs.get(record.storageBlockId ?? undefined) ?? "the default storage"}`;
  if (record?.type === "literal") return "kept inline in the metadata store (a literal)";
  return "not persisted";
}

/** Runs a flow, then prints where its result and each of its task runs' results landed. */
async function report(label: string, myFlow: Flow<[], unknown>): Promise<State> {
  const state = await myFlow.returnState();
  console.log(`${label} ${state.type}: the flow's result is ${where(state.data?.toRecord())}`);
  const client = await currentEngine().client();
  const [run] = await client.readFlowRuns({ flowName: myFlow.name, limit: 1 });
  for (const taskRun of await client.readTaskRuns({ flowRunId: run!.id })) {
    const record = taskRun.stateData === null ? undefined : (JSON.parse(taskRun.stateData) as ResultRecord);
    console.log(`${label} ${taskRun.name}: ${where(record)}`);
  }
  return state;
}

/** The values stored under a saved S3 block, decoded from their blobs, sorted. */
async function storedValues(slug: string): Promise<string> {
  const s3 = await S3.load(slug);
  const values: string[] = [];
  for (const key of await getS3ResultFiles(slug)) {
    const blob = PersistedResultBlob.parse(JSON.parse(new TextDecoder().decode(await s3.readPath(key))));
    values.push(JSON.stringify(await resolveSerializer(blob.serializer).loads(blob.data)));
  }
  return `${slug} holds ${values.length}${values.length === 0 ? "" : `: ${values.sort().join(", ")}`}`;
}

async function clearBoth(): Promise<void> {
  await clearS3ResultFiles("s3/dev");
  await clearS3ResultFiles("s3/prod");
}

// ---- Quiz as example --------------------------------------------------------------------
await clearBoth();
const extractUser = task(() => "Marvin");
const extractNumber = task({ retries: 2 }, () => 42);
const transform = task({ persistResult: false }, (userName: string, number: number) => `Welcome, ${userName} to the Club ${number}! 👋`);

const myFlow = flow({ name: "my-flow", resultStorage: "s3/dev" }, async () => {
  // Both "extract" tasks have no persistResult of their own: it is inferred
  const user = await extractUser(); // ❌ no feature requiring persistence: not persisted
  const nr = await extractNumber(); // ✅ the task retries: persisted to s3/dev (the flow's storage)
  const finalData = await transform(user, nr); // ❌ persistence disabled
  return finalData; // ✅ the flow sets resultStorage: persisted to s3/dev
});
await report("quiz", myFlow);
// prints: quiz COMPLETED: the flow's result is persisted to s3/dev
// prints: quiz extractUser-0: not persisted
// prints: quiz extractNumber-0: persisted to s3/dev
// prints: quiz transform-0: not persisted
console.log(await storedValues("s3/dev")); // prints: s3/dev holds 2: "Welcome, Marvin to the Club 42! 👋", 42
console.log(await storedValues("s3/prod")); // prints: s3/prod holds 0

// ---- Q1: a plain task in a flow with persistResult: true --------------------------------
await clearBoth();
{
  const myTask = task(() => "Hi! 👋");
  const myFlow = flow({ name: "q1", persistResult: true, resultStorage: "s3/prod" }, async () => {
    await myTask(); // inherits the flow's persistResult and storage
  });
  await report("Q1", myFlow);
  // prints: Q1 COMPLETED: the flow's result is kept inline in the metadata store (a literal)
  // prints: Q1 myTask-0: persisted to s3/prod
  console.log(await storedValues("s3/prod")); // prints: s3/prod holds 1: "Hi! 👋"
}

// ---- Q2: the task turns persistence off, retries or not ---------------------------------
await clearBoth();
{
  const myTask = task({ persistResult: false, retries: 3 }, () => "Hi! 👋");
  const myFlow = flow({ name: "q2", persistResult: true, resultStorage: "s3/prod" }, async () => {
    await myTask();
  });
  await report("Q2", myFlow);
  // prints: Q2 COMPLETED: the flow's result is kept inline in the metadata store (a literal)
  // prints: Q2 myTask-0: not persisted
  console.log(await storedValues("s3/prod")); // prints: s3/prod holds 0

  // Should it fail, its retry is refused before the function is called again:
  let calls = 0;
  const flaky = task({ persistResult: false, retries: 3 }, () => {
    calls += 1;
    if (calls === 1) throw new Error("flaky");
    return "Hi! 👋";
  });
  const flakyFlow = flow({ name: "q2-flaky", persistResult: true, resultStorage: "s3/prod" }, async () => {
    await flaky();
  });
  const state = await flakyFlow.returnState();
  console.log(state.message); // e.g. Task run 'flaky-0' cannot be retried: it sets persistResult: false, ...
  console.log(state.type, calls, /cannot be retried: it sets persistResult: false/.test(state.message ?? "")); // prints: FAILED 1 true
}

// ---- Q3: a flow with retries, a plain task ----------------------------------------------
{
  const myTask = task(() => {
    console.log("Big dataframe ⛔️");
    return Array.from({ length: 3 }, (_, row) => ({ row }));
  });
  const myFlow = flow({ name: "q3", retries: 2 }, async () => {
    const rows = await myTask();
    return rows.length;
  });
  await report("Q3", myFlow);
  // prints: Q3 COMPLETED: the flow's result is persisted to the default storage
  // prints: Q3 myTask-0: not persisted
  console.log(`.cairn-results holds ${readdirSync(".cairn-results").length}`); // prints: .cairn-results holds 1
}
await clearBoth();
