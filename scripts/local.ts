/**
 * The local stack from the command line:
 *   npm start                          start Vault and the fake Kubernetes API server if needed, apply Pulumi.local.yaml
 *   npm stop                           end both (state and Vault's data stay in .local/)
 *   npm run output -- <name.path> [--show-secrets]   one stack output of the last start
 * PULUMI_CONFIG_PASSPHRASE encrypts the state's secrets (default for this local stack: see local/localState.ts);
 * VAULT_PLATFORM_LOCAL_DIR moves the local folder.
 */
import * as path from "path";
import { parseArgs } from "util";
import { ConfigError, PROJECT_ROOT } from "../config";
import { Secret } from "../lib/secret";
import { LocalUp, localDown, localOutput, localUp } from "../local/localStack";
import { LOCAL_PASSPHRASE_DEFAULT, LocalStateError } from "../local/localState";
import { localDirectory, localLayout } from "../local/localServers";
import { RefusedChanges, VaultApplyError } from "../local/vaultApplier";

const USAGE = "npm start | npm stop | npm run output -- <name.path> [--show-secrets]";
const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE ?? LOCAL_PASSPHRASE_DEFAULT;
const root = localDirectory();

/** Counts per step kind, the way `pulumi up` ends. */
function summary(result: LocalUp): string {
  const count = (kind: string) => result.applied.steps.filter((step) => step.kind === kind).length;
  const lines = [["+", "create", "created"], ["~", "update", "updated"], ["+-", "replace", "replaced"], ["-", "delete", "deleted"]]
    .filter(([, kind]) => count(kind) > 0).map(([sign, kind, done]) => `    ${sign} ${count(kind)} ${done}`);
  return ["Resources:", ...lines, `    ${count("same")} unchanged`, "", `Duration: ${result.seconds.toFixed(1)}s`].join("\n");
}

function tryIt(result: LocalUp): string {
  const relative = (file: string) => path.relative(process.cwd(), file) || ".";
  const layout = localLayout(root);
  const vault = result.servers.vault;
  return [
    "Try it (any Vault CLI; npm run live:tools prints the one this project built):",
    `  export VAULT_ADDR=${vault.endpoint.address} VAULT_CACERT=${path.resolve(layout.vault.caFile)}`,
    "  # as an administrator (the local root token), write a consumer's credential for APISIX:",
    `  VAULT_TOKEN=$(node -p 'require("./${relative(layout.vault.initFile)}").root_token') vault write kv/apisix/consumer/jack/jwt-auth key=user-key secret=my-secret`,
    "  # APISIX's read-only token reads it, and may not write it:",
    "  VAULT_TOKEN=$(npm run --silent output -- apisixVault.apisix.token --show-secrets) vault read kv/apisix/consumer/jack/jwt-auth",
    "  # KES logs in with its AppRole:",
    "  vault write auth/approle/login role_id=$(npm run --silent output -- kesKeystore.kes.approle.id) \\",
    "    secret_id=$(npm run --silent output -- kesKeystore.kes.approle.secret --show-secrets)",
    `Logs: ${relative(layout.vault.log)}, audit: ${relative(layout.vault.stdout)}, fake Kubernetes API: ${relative(layout.kubernetes.log)}. Stop with npm stop.`,
  ].join("\n");
}

function printable(value: unknown, showSecrets: boolean): string {
  if (typeof value === "string" || value instanceof Secret) return showSecrets && value instanceof Secret ? value.reveal() : String(value);
  return JSON.stringify(value, (_key, item) => (showSecrets && item instanceof Secret ? item.reveal() : item), 2);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === "start" && rest.length === 0) {
    if (root !== path.join(PROJECT_ROOT, ".local")) console.error(`local folder: ${root} (VAULT_PLATFORM_LOCAL_DIR)`);
    const result = await localUp({ root, passphrase });
    console.log(`Updating (local), the stand-in for \`pulumi up --stack local\`:\n${result.applied.steps.filter((step) => step.kind !== "same").map((step) => `    ${step.kind} ${step.type} ${step.name}`).join("\n") || "    (no changes)"}`);
    console.log(`\nOutputs:\n${printable(result.outputs, false).split("\n").map((line) => `    ${line}`).join("\n")}\n`);
    console.log(summary(result));
    console.log(`\nVault ${result.servers.vault.started ? "started" : "already running"} (pid ${result.servers.vault.process.pid}), fake Kubernetes API server ${result.servers.kubernetes.started ? "started" : "already running"} (pid ${result.servers.kubernetes.process.pid}).\n`);
    console.log(tryIt(result));
  } else if (command === "stop" && rest.length === 0) {
    const stopped = await localDown(root);
    console.log(stopped.length > 0 ? `stopped ${stopped.join(" and ")}` : "nothing was running");
  } else if (command === "output") {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { "show-secrets": { type: "boolean", default: false } } });
    if (positionals.length !== 1) throw new UsageError(`output takes one name, e.g. kesKeystore.kes.approle.id\n${USAGE}`);
    console.log(printable(localOutput(root, passphrase, positionals[0]), values["show-secrets"]!));
  } else {
    throw new UsageError(USAGE);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((error) => {
  const expected = [UsageError, ConfigError, RefusedChanges, VaultApplyError, LocalStateError].some((kind) => error instanceof kind);
  console.error(expected ? error.message : `npm ${process.argv[2] ?? ""}: ${error instanceof Error ? error.message : error}`);
  process.exit(expected && error instanceof UsageError ? 2 : 1);
});
