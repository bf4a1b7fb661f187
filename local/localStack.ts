/**
 * `npm start` and `npm stop` for the `local` stack (Pulumi.local.yaml): the servers it needs, the
 * provisioning token, and the stand-in for `pulumi up --stack local` (local/vaultApplier.ts), with its
 * state in the local folder. The Pulumi CLI and the Vault provider cannot be built here (see the README),
 * so this is not the Pulumi engine: it runs the program under the mock runtime and applies what it
 * registers through the calls terraform-provider-vault makes.
 */
import * as path from "path";
import { ConfigKey, parseConfig, PlatformConfig, PROJECT_ROOT, PROVISIONER_POLICY, stackConfig } from "../config";
import { VAULT_TYPES } from "../components/resourceTypes";
import { Secret } from "../lib/secret";
import { runPlatform } from "../offline/runtime";
import { LocalState, readLocalState, writeLocalState } from "./localState";
import { LocalLayout, localLayout, LocalServers, startLocalServers, stopLocalServers } from "./localServers";
import { provisionerPolicyText, ruleText } from "../access";
import { ApiCall, AppliedVaultResources, applyVaultResources, deletionCalls, ResourceState } from "./vaultApplier";
import { vaultCall } from "./vaultHttp";

export const LOCAL_STACK = "local";
/** The provisioning token lives as long as one `npm start` may take; the provider's child token (20 min) fits inside. */
const PROVISIONER_TOKEN_TTL = "1h";

export interface LocalStackOptions {
  /** The local folder (default .local/, or VAULT_PLATFORM_LOCAL_DIR). */
  root: string;
  /** Values used instead of the stack file's (tests run a second local stack on other ports and folders). */
  overrides?: Partial<Record<ConfigKey, unknown>>;
  /** PULUMI_CONFIG_PASSPHRASE, for the state's secrets. */
  passphrase: string;
}

export interface LocalUp {
  servers: LocalServers;
  config: PlatformConfig;
  applied: AppliedVaultResources;
  /** The stack outputs, secrets as Secret. */
  outputs: Record<string, unknown>;
  seconds: number;
}

/** The ports the stack's URLs name (vault.address, kubernetes.host); throws unless its files are where `npm start` makes them. */
export function checkedAgainstLayout(config: PlatformConfig, layout: LocalLayout, withReviewer = true): { vault: number; kubernetes: number } {
  const problems: string[] = [];
  const expectFile = (key: string, configured: string | undefined, actual: string) => {
    if (configured === undefined || path.resolve(PROJECT_ROOT, configured) !== actual) {
      problems.push(`vault-platform:${key} is ${configured ?? "unset"}, but npm start writes that file to ${path.relative(PROJECT_ROOT, actual)}; set it to that path`);
    }
  };
  expectFile("vault.caCertFile", config.vault.caCertFile, layout.vault.caFile);
  if (config.kubernetes.enabled && withReviewer) {
    expectFile("kubernetes.reviewer.jwtFile", config.kubernetes.reviewer?.jwtFile, layout.kubernetes.reviewer.jwtFile);
    expectFile("kubernetes.reviewer.caCertFile", config.kubernetes.reviewer?.caCertFile, layout.kubernetes.reviewer.caCertFile);
  }
  const loopbackPort = (key: string, url: string | undefined): number => {
    const parsed = url ? new URL(url) : undefined;
    if (!parsed || parsed.hostname !== "127.0.0.1" || parsed.port === "") problems.push(`vault-platform:${key} must be https://127.0.0.1:<port> for the local stack (is ${url ?? "unset"})`);
    return Number(parsed?.port);
  };
  const ports = { vault: loopbackPort("vault.address", config.vault.address), kubernetes: loopbackPort("kubernetes.host", config.kubernetes.host) };
  if (config.cluster.enabled) problems.push("vault-platform:cluster.enabled must be false for the local stack");
  if (problems.length > 0) throw new Error(`Pulumi.${LOCAL_STACK}.yaml does not fit npm start:\n${problems.map((problem) => `- ${problem}`).join("\n")}`);
  return ports;
}

/** The Vault outputs each resource really computed, for the program's second run (the one whose outputs are real). */
function knownOutputs(resources: ResourceState[]) {
  const byResource = new Map(resources.map((resource) => [`${resource.type}::${resource.name}`, resource.outputs]));
  return (type: string, name: string): Record<string, any> | undefined => {
    const outputs = byResource.get(`${type}::${name}`);
    if (!outputs) return undefined;
    const reveal = (value: unknown) => (value instanceof Secret ? value.reveal() : value);
    switch (type) {
      case VAULT_TYPES.approleRole: return { roleId: outputs.roleId };
      case VAULT_TYPES.approleSecretId: return { secretId: reveal(outputs.secretId), accessor: outputs.secretIdAccessor };
      case VAULT_TYPES.token: return { clientToken: reveal(outputs.token) };
      default: return undefined;
    }
  };
}

/** The outputs with every known secret value held as a Secret, deeply. */
function withSecrets(value: unknown, secrets: Set<string>): unknown {
  if (typeof value === "string") return secrets.has(value) ? new Secret(value) : value;
  if (Array.isArray(value)) return value.map((item) => withSecrets(item, secrets));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withSecrets(item, secrets)]));
  return value;
}

/**
 * The provisioning token's policy for this run: the one generated from the declarations, plus the delete
 * calls of what this run removes (the new declarations no longer name those paths; on a real stack the
 * administrator writes the narrower policy after such an up). Written with the local root token, then a
 * fresh orphan token with only that policy, as the runbook does.
 */
async function provisionerToken(servers: LocalServers, config: PlatformConfig, deletions: ApiCall[]): Promise<string> {
  const { endpoint, rootToken } = servers.vault;
  const removals = deletions.map(({ method, path: callPath }) => ruleText({ path: callPath, capabilities: [method === "DELETE" ? "delete" : "update"] }));
  const policy = `${provisionerPolicyText(config.vaultLayer, LOCAL_STACK)}${removals.length > 0 ? `# What this run deletes.\n${removals.join("\n")}\n` : ""}`;
  await vaultCall(endpoint, "PUT", `sys/policies/acl/${PROVISIONER_POLICY}`, { token: rootToken, body: { policy } });
  const created = await vaultCall(endpoint, "POST", "auth/token/create-orphan", {
    token: rootToken, body: { policies: [PROVISIONER_POLICY], ttl: PROVISIONER_TOKEN_TTL, display_name: "pulumi-provisioner", renewable: false },
  });
  return created.auth.client_token;
}

/**
 * Starts what is not running, then brings Vault to what Pulumi.local.yaml declares: a first run creates
 * everything, a second one with nothing changed makes no change.
 */
export async function localUp(options: LocalStackOptions): Promise<LocalUp> {
  const started = Date.now();
  const layout = localLayout(options.root);
  const raw = stackConfig(LOCAL_STACK);
  const overrides = options.overrides ?? {};
  const { passphrase } = options;
  // The whole stack is checked before anything starts, except the reviewer's files: the fake API server makes them.
  const withoutReviewerFiles = { ...overrides, kubernetes: { ...(overrides.kubernetes as object), reviewer: undefined } };
  const ports = checkedAgainstLayout(parseConfig(raw, { env: { VAULT_TOKEN: "checked-only" }, overrides: withoutReviewerFiles }), layout, false);
  const previous = readLocalState(layout.stateFile, passphrase);

  const servers = await startLocalServers(layout, ports);
  // The provider's token input is never used by the stand-in, which is handed the token itself.
  const config = parseConfig(raw, { env: { VAULT_TOKEN: "provisioner-token-made-below" }, overrides });
  checkedAgainstLayout(config, layout);
  const run = await runPlatform(config, LOCAL_STACK);
  const token = await provisionerToken(servers, config, deletionCalls(run.registrations, previous.resources));
  let applied: AppliedVaultResources;
  try {
    // checkedAgainstLayout made sure the stack's vault.address and caCertFile are this server's.
    applied = await applyVaultResources(servers.vault.endpoint, token, run.registrations, previous.resources);
  } finally {
    await vaultCall(servers.vault.endpoint, "POST", "auth/token/revoke-self", { token }).catch(() => undefined);
  }
  const real = await runPlatform(config, LOCAL_STACK, {}, knownOutputs(applied.state));
  const secrets = new Set(applied.state.flatMap((resource) => Object.values(resource.outputs)).filter((value): value is Secret => value instanceof Secret).map((value) => value.reveal()));
  const state: LocalState = { resources: applied.state, outputs: withSecrets(real.resolved, secrets) as Record<string, unknown> };
  writeLocalState(layout.stateFile, passphrase, state);
  return { servers, config, applied, outputs: state.outputs, seconds: (Date.now() - started) / 1000 };
}

/** `npm stop`: ends the servers `npm start` left running; the folder (state, Vault's data) stays for the next start. */
export function localDown(root: string): Promise<string[]> {
  return stopLocalServers(localLayout(root));
}

/** One stack output by dotted path (`kesKeystore.kes.approle.id`), from the last `npm start`. */
export function localOutput(root: string, passphrase: string, dottedPath: string): unknown {
  const { outputs } = readLocalState(localLayout(root).stateFile, passphrase);
  let value: unknown = outputs;
  for (const key of dottedPath.split(".").filter((part) => part !== "")) {
    if (!value || typeof value !== "object" || !(key in value)) {
      throw new Error(`no output ${dottedPath}${Object.keys(outputs).length === 0 ? " (run npm start first)" : `; outputs: ${Object.keys(outputs).join(", ")}`}`);
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
