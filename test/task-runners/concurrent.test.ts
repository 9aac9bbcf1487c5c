// The futures contract on the in-process concurrent runner (the default).
import { after, before } from "node:test";
import { ConcurrentTaskRunner } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { futuresContract } from "./futures.contract.js";

let t: TestEngine;
const runner = new ConcurrentTaskRunner();
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

futuresContract("the concurrent runner", { current: () => ({ runner, engine: t.engine }), remote: false });
