// npm run bench: runs every benchmark in its own process, prints its figures, and rewrites
// docs/benchmarks.md with them. Ratios are against baselines measured in the same run,
// since these machines are shared and noisy.
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";

interface Bench {
  file: string;
  title: string;
  /** The script prints markdown (else its output is kept as a code block). */
  markdown: boolean;
}

const BENCHES: Bench[] = [
  { file: "bench/engine.ts", title: "Engine overhead", markdown: true },
  { file: "bench/results.ts", title: "Results", markdown: true },
  { file: "bench/results-s3.ts", title: "Results on S3", markdown: true },
  { file: "bench/serializers.ts", title: "Serializers", markdown: false },
  { file: "bench/store.ts", title: "Metadata store", markdown: false },
  { file: "bench/server.ts", title: "Server", markdown: true },
  { file: "bench/ui.ts", title: "Web UI", markdown: true },
  { file: "bench/distributed.ts", title: "Distributed execution (BullMQ)", markdown: true },
];

const only = process.argv.slice(2);
const sections: string[] = [];
for (const bench of BENCHES) {
  if (!existsSync(bench.file)) continue;
  if (only.length > 0 && !only.some((o) => bench.file.includes(o))) continue;
  process.stderr.write(`running ${bench.file} ...\n`);
  const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", bench.file], {
    encoding: "utf8",
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(`${out}\n`);
  sections.push(bench.markdown ? out.trim() : `## ${bench.title}\n\nCommand: \`node --import tsx ${bench.file}\` (run by \`npm run bench\`).\n\n\`\`\`\n${out.trim()}\n\`\`\``);
}

if (only.length === 0) {
  const header = `# Benchmarks

Latest figures from \`npm run bench\` (bench/index.ts), ${new Date().toISOString().slice(0, 10)}, Node ${process.version},
${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}). The machine is shared and noisy: compare ratios
within one run, not absolute times across runs.
`;
  writeFileSync("docs/benchmarks.md", `${header}\n${sections.join("\n\n")}\n`);
  process.stderr.write("wrote docs/benchmarks.md\n");
}
