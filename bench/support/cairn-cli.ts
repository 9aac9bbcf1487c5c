// The cairn CLI from the sources, for the bench's worker processes (they load .ts modules
// that import the sources, so the CLI must be the same copy).
import { main } from "../../src/cli/main.js";

process.exitCode = await main(process.argv);
