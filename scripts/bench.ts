/**
 * `npm run bench [-- --smoke]`: evaluates the program under the mock runtime for the dev and prod stacks
 * and for 10, 100 and 1,000 generated consumers, next to a baseline that registers the same resources
 * directly. Runs compiled JavaScript with source-map support, as `pulumi up` runs a precompiled
 * program; each measurement is its own process. Times are medians of several runs; the ratio is the
 * median of the ratios of back-to-back pairs (ours, then baseline). `--smoke` runs the
 * 10-consumer case once and checks no target (CI). The full run exits 1 when a target is missed.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { PROJECT_ROOT } from "../config/policyFiles";

interface Measurement { registered: number; ms: number; maxRssMb: number }
interface Case { label: string; args: string[]; consumers?: number; runs?: number }

const COMPILED_CASE = path.join(PROJECT_ROOT, "bin", "scripts", "benchCase.js");

function measure(args: string[]): Measurement {
  const output = execFileSync(process.execPath, ["-r", "source-map-support/register", COMPILED_CASE, ...args], { cwd: PROJECT_ROOT, encoding: "utf8" });
  return JSON.parse(output.trim().split("\n").pop()!);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): number {
  const { values } = parseArgs({ options: { smoke: { type: "boolean", default: false }, runs: { type: "string" } } });
  const runs = Number(values.runs ?? (values.smoke ? 1 : 7));
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", PROJECT_ROOT], { stdio: "inherit" });
  const cases: Case[] = values.smoke
    ? [{ label: "10 consumers", args: ["--consumers", "10"], consumers: 10 }]
    : [
      { label: "dev stack", args: ["--stack", "dev"] },
      { label: "prod stack", args: ["--stack", "prod"] },
      ...[10, 100, 1000].map((consumers) => ({
        label: `${consumers} consumers`, args: ["--consumers", String(consumers)], consumers,
        // The 1,000-consumer case takes half a minute a run; three runs give a stable median.
        runs: consumers === 1000 && values.runs === undefined ? 3 : undefined,
      })),
    ];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-bench-"));
  const rows: Array<{ label: string; consumers?: number; registered: number; ours: number; baseline: number; ratio: number; oursMb: number; baselineMb: number }> = [];
  for (const benchCase of cases) {
    const replay = path.join(scratch, `${benchCase.label.replace(/\W+/g, "-")}.json`);
    const ours: Measurement[] = [measure([...benchCase.args, "--registrations", replay])];
    const baseline: Measurement[] = [];
    for (let run = 0; run < (benchCase.runs ?? runs); run++) {
      if (run > 0) ours.push(measure(benchCase.args));
      baseline.push(measure([...benchCase.args, "--mode", "baseline", "--registrations", replay]));
      if (baseline[run].registered !== ours[0].registered) {
        throw new Error(`${benchCase.label}: the baseline registered ${baseline[run].registered} resources, ours ${ours[0].registered}`);
      }
    }
    const row = {
      label: benchCase.label, consumers: benchCase.consumers, registered: ours[0].registered,
      ours: median(ours.map((m) => m.ms)), baseline: median(baseline.map((m) => m.ms)),
      // Each baseline run follows its own run of ours, so a pair shares the machine's state of the moment.
      ratio: median(ours.map((m, run) => m.ms / baseline[run].ms)),
      oursMb: Math.max(...ours.map((m) => m.maxRssMb)), baselineMb: Math.max(...baseline.map((m) => m.maxRssMb)),
    };
    rows.push(row);
    process.stdout.write(`${row.label}: ${row.registered} resources, ${(row.ours / 1000).toFixed(2)} s (baseline ${(row.baseline / 1000).toFixed(2)} s, ratio ${row.ratio.toFixed(2)}), peak ${row.oursMb.toFixed(0)} MiB (baseline ${row.baselineMb.toFixed(0)} MiB)\n`);
  }
  process.stdout.write(`\nmachine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ${values.smoke ? "one run" : `medians of ${runs} runs per figure${values.runs === undefined ? " (3 for 1,000 consumers)" : ""}; ratio = median of paired ratios`}\n`);
  if (values.smoke) return 0;

  const byConsumers = (count: number) => rows.find((row) => row.consumers === count)!;
  const targets: Array<[string, boolean]> = [
    ...rows.map((row): [string, boolean] => [`ratio at most 1.5 for ${row.label} (${row.ratio.toFixed(2)})`, row.ratio <= 1.5]),
    [`1,000 consumers at most 12 x 100 consumers (${(byConsumers(1000).ours / byConsumers(100).ours).toFixed(1)} x)`, byConsumers(1000).ours <= 12 * byConsumers(100).ours],
    [`peak memory for 1,000 consumers under 1 GiB (${byConsumers(1000).oursMb.toFixed(0)} MiB)`, byConsumers(1000).oursMb < 1024],
  ];
  for (const [target, met] of targets) process.stdout.write(`${met ? "met   " : "MISSED"} ${target}\n`);
  return targets.every(([, met]) => met) ? 0 : 1;
}

process.exitCode = main();
