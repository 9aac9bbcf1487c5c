// Twin of the notes' "How to toggle results on or off?": a big task result is never
// persisted, while the flow (with retries) persists its own.
import { readdirSync } from "node:fs";
import { flow, task } from "cairn";

const myTask = task({ persistResult: false }, () => {
  console.log("Big dataframe ⛔️ disabling results");
  return Array.from({ length: 100_000 }, (_, i) => ({ row: i }));
});

const myFlow = flow({ persistResult: true, retries: 2 }, async () => {
  const rows = await myTask();
  return rows.length;
});

console.log(await myFlow()); // prints: 100000
// Only the flow's result was written to the default local storage:
console.log(readdirSync(".cairn-results").length); // prints: 1
