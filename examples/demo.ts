// The README's main job: a flow of tasks on the embedded default (SQLite store, local results).
// Run: npm run demo
import { flow, task, getRunContext, loadSettings } from "cairn";

const extractUser = task(async () => "Marvin");
const extractNumber = task({ retries: 2 }, async () => 42);
const transform = task({ persistResult: false }, (user: string, n: number) => `Welcome, ${user} to the Club ${n}!`);

const myFlow = flow({ name: "my-flow" }, async () => {
  const user = await extractUser();
  const nr = await extractNumber();
  const message = await transform(user, nr);
  return { message, flowRunId: getRunContext().flowRun!.id };
});

const { message, flowRunId } = await myFlow();
console.log(message);
const settings = loadSettings();
console.log(`Flow run ${flowRunId} recorded in ${settings.get("CAIRN_API_DATABASE_URL")}`);
console.log(`See it with: npx cairn flow-run inspect ${flowRunId}`);
