// The engine, results and caching suites, over HTTP against a Cairn server on SQLite.
import { importSuites } from "./import-suites.js";

await importSuites("http-sqlite");
