/**
 * The local stack from the command line:
 *   npm start                          start Vault and the fake Kubernetes API server if needed, `pulumi up` Pulumi.local.yaml
 *   npm stop                           end both (the engine's state and Vault's data stay in .local/)
 *   npm run output -- <name.path> [--show-secrets]   one stack output, from the engine's state
 * PULUMI_CONFIG_PASSPHRASE encrypts the state's secrets (default for this local stack: LOCAL_PASSPHRASE_DEFAULT);
 * VAULT_PLATFORM_LOCAL_DIR moves the local folder.
 */
import * as path from "path";
import { parseArgs } from "util";
import { OutputMap } from "@pulumi/pulumi/automation";
import { ConfigError, PROJECT_ROOT } from "../config";
import { engineMode, outputAt } from "../local/engine";
import { LocalUp, localDown, localEngineStack, localUp, staleProvisionerFile } from "../local/localStack";
import { localDirectory, localLayout } from "../local/localServers";
import { toolPath, userOnlyPlugins } from "./liveTools";

/** The passphrase when PULUMI_CONFIG_PASSPHRASE is unset: for a Vault on loopback that holds no real secret, never for a real stack. */
export const LOCAL_PASSPHRASE_DEFAULT = "vault-platform-local";

const USAGE = "npm start | npm stop | npm run output -- <name.path> [--show-secrets]";
const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE ?? LOCAL_PASSPHRASE_DEFAULT;
const root = localDirectory();

/** Commands to try the consumers' own flows, named after the consumers the outputs hold, with this project's Vault binary. */
export function tryIt(outputs: OutputMap, vault: { address: string; caFile: string; initFile: string; binary: string }): string {
  const relative = (file: string) => path.relative(process.cwd(), file) || ".";
  const apisix = Object.keys((outputs.apisixVault?.value as object | undefined) ?? {})[0];
  const kes = Object.keys((outputs.kesKeystore?.value as object | undefined) ?? {})[0];
  const output = (name: string) => `$(npm run --silent output -- ${name} --show-secrets)`;
  return [
    `Try it, with the Vault CLI this project built (${vault.binary}):`,
    `  export VAULT_ADDR=${vault.address} VAULT_CACERT=${path.resolve(vault.caFile)}`,
    ...(apisix ? [
      "  # as an administrator (the local root token), write a consumer's credential for APISIX:",
      `  VAULT_TOKEN=$(node -p 'require("./${relative(vault.initFile)}").root_token') ${vault.binary} write kv/apisix/consumer/jack/jwt-auth key=user-key secret=my-secret`,
      `  # ${apisix}'s read-only token reads it, and may not write it:`,
      `  VAULT_TOKEN=${output(`apisixVault.${apisix}.token`)} ${vault.binary} read kv/apisix/consumer/jack/jwt-auth`,
    ] : []),
    ...(kes ? [
      `  # ${kes} logs in with its AppRole:`,
      `  ${vault.binary} write auth/approle/login role_id=${output(`kesKeystore.${kes}.approle.id`)} \\`,
      `    secret_id=${output(`kesKeystore.${kes}.approle.secret`)}`,
    ] : []),
  ].join("\n");
}

function printable(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === "start" && rest.length === 0) {
    if (root !== path.join(PROJECT_ROOT, ".local")) console.error(`local folder: ${root} (VAULT_PLATFORM_LOCAL_DIR)`);
    const mode = engineMode(userOnlyPlugins());
    if (mode === "plain") console.error("pulumi-language-nodejs and pulumi-resource-vault are on PATH: running plain `pulumi up --stack local` with them");
    const result: LocalUp = await localUp({ root, passphrase, mode, onOutput: (text) => process.stdout.write(text) });
    const { vault, kubernetes } = result.servers;
    const layout = localLayout(root);
    console.log(`\nVault ${vault.started ? "started" : "already running"} (pid ${vault.process.pid}), fake Kubernetes API server ${kubernetes.started ? "started" : "already running"} (pid ${kubernetes.process.pid}); npm start took ${result.seconds.toFixed(1)} s.\n`);
    const stale = staleProvisionerFile(result.config);
    if (stale) console.log(`warning: ${stale}\n`);
    console.log(tryIt(result.outputs, { address: vault.endpoint.address, caFile: layout.vault.caFile, initFile: layout.vault.initFile, binary: await toolPath("vault") }));
    console.log(`Logs: ${path.relative(process.cwd(), layout.vault.log)}, audit: ${path.relative(process.cwd(), layout.vault.stdout)}, fake Kubernetes API: ${path.relative(process.cwd(), layout.kubernetes.log)}. Stop with npm stop.`);
  } else if (command === "stop" && rest.length === 0) {
    const stopped = await localDown(root);
    console.log(stopped.length > 0 ? `stopped ${stopped.join(" and ")}` : "nothing was running");
  } else if (command === "output") {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { "show-secrets": { type: "boolean", default: false } } });
    if (positionals.length !== 1) throw new UsageError(`output takes one name, e.g. kesKeystore.kes.approle.id\n${USAGE}`);
    const stack = await localEngineStack(root, passphrase);
    console.log(printable(outputAt(await stack.outputs(), positionals[0], values["show-secrets"]!)));
  } else {
    throw new UsageError(USAGE);
  }
}

class UsageError extends Error {}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    const expected = [UsageError, ConfigError].some((kind) => error instanceof kind);
    // The engine's own display already showed what failed; its CommandError repeats the whole output.
    const message = error instanceof Error ? (error.name === "CommandError" ? "pulumi up failed (above)" : error.message) : String(error);
    console.error(expected ? message : `npm ${process.argv[2] ?? ""}: ${message}`);
    process.exit(expected && error instanceof UsageError ? 2 : 1);
  });
}
