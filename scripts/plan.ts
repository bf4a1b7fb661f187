/**
 * `npm run plan -- --stack <name> [--format markdown] [--dir <directory of Pulumi.<name>.yaml>]`: runs the
 * real program under Pulumi's mock runtime with that stack's config (policies always from this project's
 * policies/) and prints the offline plan. Exit 0 when the verdict
 * is clean, 1 when an access check fails, 2 when the configuration itself is invalid.
 */
import * as path from "path";
import { parseArgs } from "util";
import { verifyAccess } from "../access";
import { ConfigError, parseConfig, PROJECT } from "../config";
import { renderPlan } from "../offline/plan";
import { ROOT, runProgram, stackFileConfig } from "../offline/runtime";

const PLACEHOLDER_TOKEN = "hvs.offline-plan-placeholder";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "dev" },
      format: { type: "string", default: "text" },
      dir: { type: "string", default: ROOT },
    },
  });
  const format = values.format === "markdown" ? "markdown" : "text";
  const raw = stackFileConfig(path.join(values.dir!, `Pulumi.${values.stack}.yaml`));
  const notes = ["Computed values (ARNs, IDs, DNS names, certificates, tokens) are placeholders from the mock runtime, not AWS or Vault."];
  const vaultSettings = JSON.parse(raw[`${PROJECT}:vault`] ?? "{}");
  if (!vaultSettings.configure) {
    raw[`${PROJECT}:vault`] = JSON.stringify({ ...vaultSettings, configure: true });
    notes.push("vault.configure is false in this stack; the plan shows the Vault layer as it will be once it is turned on.");
  }
  const env = { VAULT_TOKEN: process.env.VAULT_TOKEN ?? PLACEHOLDER_TOKEN };
  const config = parseConfig(raw, { env });
  const report = verifyAccess(config);
  const { registrations } = await runProgram(raw, values.stack!, env, { enforceAccess: false });
  process.stdout.write(renderPlan({ stack: values.stack!, registrations, report, notes }, format));
  return report.problems.length === 0 ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  throw error;
});
