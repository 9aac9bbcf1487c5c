// The engine, results and caching suites, over HTTP against a Cairn server on PostgreSQL
// (CAIRN_TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres; one fresh
// database per test engine, dropped afterwards).
import { importSuites } from "./import-suites.js";

await importSuites("http-postgres");
