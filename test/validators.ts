/** Real validators for generated files: Debian's cloud-init, shellcheck, systemd-analyze and logrotate. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface ToolResult { status: number | null; output: string }

/** Each validator's command and the Debian package that brings it (what .ci/run installs). */
export const VALIDATORS: ReadonlyArray<{ command: string; debianPackage: string }> = [
  { command: "cloud-init", debianPackage: "cloud-init" },
  { command: "shellcheck", debianPackage: "shellcheck" },
  { command: "systemd-analyze", debianPackage: "systemd" },
  { command: "logrotate", debianPackage: "logrotate" },
];

/** The validators not on PATH. */
export function missingValidators(): Array<{ command: string; debianPackage: string }> {
  return VALIDATORS.filter(({ command }) => spawnSync("sh", ["-c", `command -v ${command}`]).status !== 0);
}

function run(command: string, args: string[]): ToolResult {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.error) throw new Error(`${command} is not installed (bash .ci/run installs it): ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Writes text to a fresh temporary file and returns its path. */
export function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

export function cloudInitSchema(cloudConfig: string): ToolResult {
  return run("cloud-init", ["schema", "--config-file", tempFile("user-data.yaml", cloudConfig)]);
}

export function shellcheck(script: string): ToolResult {
  return run("shellcheck", ["--severity=style", tempFile("script.sh", script)]);
}

/** Verifies unit text; systemd-analyze exits 0 on unknown keys, so any diagnostic counts as a failure. */
export function systemdVerify(unitText: string): ToolResult {
  return systemdVerifyUnits({ "vault-platform-check.service": unitText });
}

/** Verifies units that refer to each other (a timer and its service), written side by side under their names. */
export function systemdVerifyUnits(units: Record<string, string>): ToolResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-"));
  const files = Object.entries(units).map(([name, text]) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  });
  const result = run("systemd-analyze", ["verify", ...files]);
  return { status: result.output.trim() === "" ? result.status : 1, output: result.output };
}

/** Parses a logrotate rule with `logrotate --debug` (which rotates nothing); any "error:" line counts as a failure. */
export function logrotateCheck(ruleText: string): ToolResult {
  const rule = tempFile("vault-audit", ruleText);
  const result = run("logrotate", ["--debug", "--state", path.join(path.dirname(rule), "state"), rule]);
  return { status: /^error:/m.test(result.output) ? 1 : result.status, output: result.output };
}

// `npm test` runs this first: one line naming what is missing and how to install it, instead of a failure per test.
if (require.main === module) {
  const missing = missingValidators();
  if (missing.length > 0) {
    console.error(`npm test needs ${missing.map(({ command }) => command).join(", ")} to check the generated node files: ` +
      `apt-get install -y ${missing.map(({ debianPackage }) => debianPackage).join(" ")} (as root; bash .ci/run does it)`);
    process.exit(1);
  }
}
