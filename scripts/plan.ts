/**
 * `npm run plan -- --stack <name> [--format text|markdown] [--dir <directory of Pulumi.<name>.yaml>]`: runs
 * the real program under Pulumi's mock runtime with that stack's config (policies always from this
 * project's policies/) and prints the offline plan. Exit 0 when the verdict is clean, 1 when an access
 * check fails, 2 when the command line or the configuration itself is invalid (one line naming the
 * problem and the fix; with --format markdown, a Markdown body too, for the pull-request comment).
 */
import * as path from "path";
import { parseArgs } from "util";
import { provisionerPolicyText, verifyAccess } from "../access";
import { ConfigError, parseConfig, PROJECT_ROOT, stackFileConfig, withPasswordPlaceholder, withVaultLayerOn } from "../config";
import { PlanFormat, renderPlan } from "./planReport";
import { runPlatform } from "../offline/runtime";

const USAGE = "npm run plan -- --stack <name> [--format text|markdown] [--dir <directory of Pulumi.<name>.yaml>]";
const FORMATS: PlanFormat[] = ["text", "markdown"];
/** Stands in for the provisioning token only when the plan itself turned the Vault layer on. */
const PLACEHOLDER_TOKEN = "hvs.offline-plan-placeholder";

export interface PlanResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The whole command, in process: arguments and environment in, what it prints and its exit code out. */
export async function runPlan(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<PlanResult> {
  let format: PlanFormat = "text";
  let stack = "dev";
  try {
    const { values } = parseArgs({
      args: argv,
      options: { stack: { type: "string", default: "dev" }, format: { type: "string", default: "text" }, dir: { type: "string", default: PROJECT_ROOT } },
      strict: true,
      allowPositionals: false,
    });
    if (!FORMATS.includes(values.format as PlanFormat)) throw new ConfigError(`plan: unknown --format "${values.format}"; use ${FORMATS.join(" or ")}`);
    format = values.format as PlanFormat;
    stack = values.stack!;
    const notes = ["Computed values (ARNs, IDs, DNS names, certificates, tokens) are placeholders from the mock runtime, not AWS or Vault."];
    const raw = stackFileConfig(path.join(values.dir!, `Pulumi.${stack}.yaml`));
    // The provisioner's login password is no part of the plan: a placeholder stands in for it.
    let config = parseConfig(raw, { env: { VAULT_TOKEN: env.VAULT_TOKEN }, overrides: withPasswordPlaceholder(raw) });
    if (!config.vault.configure) {
      config = withVaultLayerOn(config, PLACEHOLDER_TOKEN);
      notes.push("vault.configure is false in this stack; the plan shows the Vault layer as it will be once it is turned on.");
    }
    const report = verifyAccess(config.vaultLayer, stack);
    const { registrations } = await runPlatform(config, stack, { enforceAccess: false });
    const provisionerPolicy = provisionerPolicyText(config.vaultLayer, stack);
    return { code: report.problems.length === 0 ? 0 : 1, stdout: renderPlan({ stack, registrations, report, provisionerPolicy, notes }, format), stderr: "" };
  } catch (error) {
    const message = invalidInput(error);
    if (message === undefined) throw error;
    const stdout = format === "markdown" ? `# Offline plan: stack \`${stack}\`\n\n**Invalid configuration**: nothing was planned.\n\n\`\`\`\n${message}\n\`\`\`\n` : "";
    return { code: 2, stdout, stderr: `${message}\n` };
  }
}

/** The one-line message for bad input (command line, stack file, config), or undefined for a real failure. */
function invalidInput(error: unknown): string | undefined {
  if (error instanceof ConfigError) return error.message;
  const code = (error as { code?: string }).code;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" || code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return `plan: ${(error as Error).message.split("\n")[0]}; usage: ${USAGE}`;
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    return `plan: ${(error as Error).message.split("\n")[0]}; options go after "--", e.g. npm run plan -- --stack dev`;
  }
  return undefined;
}

if (require.main === module) {
  runPlan(process.argv.slice(2)).then((result) => {
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.code;
  });
}
