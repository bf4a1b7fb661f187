/**
 * `npm start` and `npm stop` for the `local` stack (Pulumi.local.yaml): the servers it needs, the
 * provisioner's userpass login (vault.login) or, for a stack without one, a provisioning token, and `pulumi up --stack local` through the real Pulumi engine (local/engine.ts) with
 * the Vault provider stand-in (local/provider/). The state is the engine's, in the local folder.
 */
import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { OutputMap, Stack } from "@pulumi/pulumi/automation";
import { ConfigKey, declaredLogin, parseConfig, PlatformConfig, PROJECT, PROJECT_ROOT, PROVISIONER_POLICY, readProvisionerFile, stackConfig, withOverride } from "../config";
import { provisionerPolicyText, ruleText } from "../access";
import { BootstrapStep, loginBootstrap } from "../access/loginBootstrap";
import { Secret } from "../lib/secret";
import { runPlatform } from "../offline/runtime";
import { toolPath } from "../scripts/liveTools";
import { revealed } from "../lib/wireSecret";
import { EngineLayout, engineLayout, engineStack, EngineStep, plainUpCommands, SECRETS_KEY, stepCollector, TOKEN_KEY } from "./engine";
import { LocalLayout, localLayout, LocalServers, startLocalServers, stopLocalServers } from "./localServers";
import { MadeCall } from "./provider/standIn";
import { RESOURCE_CALLS } from "./provider/vaultCalls";
import { vaultCall, vaultRequest } from "./vaultHttp";

export const LOCAL_STACK = "local";
/** The provisioning token is periodic: each `npm start` renews it, so the provider's token input stays the same between runs. */
const PROVISIONER_TOKEN_PERIOD = "24h";

export interface LocalStackOptions {
  /** The local folder (default .local/, or VAULT_PLATFORM_LOCAL_DIR). */
  root: string;
  /** Values used instead of the stack file's (tests run a second local stack on other ports and folders). */
  overrides?: Partial<Record<ConfigKey, unknown>>;
  /** PULUMI_CONFIG_PASSPHRASE, for the state's secrets. */
  passphrase: string;
  /** Receives the engine's display as `pulumi up` prints it (default: none). */
  onOutput?: (text: string) => void;
  /** "plain" runs `pulumi up --stack local` with the user's own language host and provider (see engineMode); default "inline". */
  mode?: "plain" | "inline";
}

export interface LocalUp {
  servers: LocalServers;
  config: PlatformConfig;
  /** What the engine did with each resource (create, same, update, replace, delete); none in plain mode, whose display shows them. */
  steps: EngineStep[];
  /** The stand-in's Vault calls of this run, in order. */
  calls: MadeCall[];
  /** The stack outputs; secret ones only with `secret: true`. */
  outputs: OutputMap;
  /** The engine's stack, for preview, refresh and destroy. */
  stack: Stack;
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

/** The committed stack file's config as YAML values, each override applied as parseConfig applies it. */
export function stackDocumentConfig(stack: string, overrides: Partial<Record<ConfigKey, unknown>> = {}): Record<string, unknown> {
  const document = yaml.load(fs.readFileSync(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  const config = { ...document.config };
  for (const [key, override] of Object.entries(overrides)) config[`${PROJECT}:${key}`] = withOverride(config[`${PROJECT}:${key}`], override);
  return config;
}

/**
 * The delete calls of what this run removes: the state's unprotected `vault:` resources the program no
 * longer registers (a run of the program under the mock runtime tells which). The provisioner policy
 * generated from the new declarations no longer names their paths; on a real stack the administrator
 * writes the wider policy for such an up, then the narrower one.
 */
async function removalRules(stack: Stack, config: PlatformConfig): Promise<string[]> {
  const registered = new Set((await runPlatform(config, LOCAL_STACK)).registrations.map((registration) => registration.urn));
  const resources: Array<{ urn: string; type: string; protect?: boolean; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }> =
    (await stack.exportStack()).deployment?.resources ?? [];
  return resources
    .filter((resource) => RESOURCE_CALLS[resource.type] && !resource.protect && !registered.has(resource.urn))
    .flatMap((resource) => RESOURCE_CALLS[resource.type].remove(revealed(resource.inputs ?? {}), revealed(resource.outputs ?? {})))
    .map(({ method, path: callPath }) => ruleText({ path: callPath, capabilities: [method === "DELETE" ? "delete" : "update"] }));
}

/**
 * The provisioning token: the policy generated from the declarations (plus what this run deletes) written
 * with the local root token, and a periodic orphan token holding only that policy, kept in the local
 * folder (mode 0600) and renewed each start. Returns whether a new token was made.
 */
async function provisionerToken(servers: LocalServers, layout: LocalLayout, policy: string): Promise<{ token: string; minted: boolean }> {
  const { endpoint, rootToken } = servers.vault;
  await vaultCall(endpoint, "PUT", `sys/policies/acl/${PROVISIONER_POLICY}`, { token: rootToken, body: { policy } });
  const file = layout.vault.provisionerFile;
  if (fs.existsSync(file)) {
    const { token } = JSON.parse(fs.readFileSync(file, "utf8")) as { token: string };
    if ((await vaultRequest(endpoint, "PUT", "auth/token/renew-self", { token, body: { increment: PROVISIONER_TOKEN_PERIOD } })).status === 200) return { token, minted: false };
  }
  const created = await vaultCall(endpoint, "POST", "auth/token/create-orphan", {
    token: rootToken, body: { policies: [PROVISIONER_POLICY], period: PROVISIONER_TOKEN_PERIOD, display_name: "pulumi-provisioner", renewable: true },
  });
  fs.writeFileSync(file, JSON.stringify({ token: created.auth.client_token }), { mode: 0o600 });
  return { token: created.auth.client_token, minted: true };
}

/** The provisioner's userpass password of the local stack: random, made on the first start, kept in the local folder (mode 0600). */
function localPassword(layout: LocalLayout): Secret {
  const file = layout.vault.provisionerPasswordFile;
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, randomBytes(24).toString("base64url"), { mode: 0o600 });
  }
  return new Secret(fs.readFileSync(file, "utf8"));
}

/** An administrator's steps (access/loginBootstrap.ts) made with the local root token, the password added where a step takes it. */
async function asAdministrator(servers: LocalServers, steps: BootstrapStep[], password: Secret): Promise<void> {
  const { endpoint, rootToken } = servers.vault;
  for (const step of steps) {
    if (step.unlessPresent !== undefined && (await vaultRequest(endpoint, "GET", step.unlessPresent, { token: rootToken })).status === 200) continue;
    await vaultCall(endpoint, step.method, step.path, { token: rootToken, body: step.takesPassword ? { ...step.body, password: password.reveal() } : step.body });
  }
}

/** The provisioner policy file no longer matches the declarations: `npm run provisioner-policy -- --stack local --write` fixes it. */
export function staleProvisionerFile(config: PlatformConfig): string | undefined {
  const committed = readProvisionerFile(LOCAL_STACK);
  if (committed?.text === provisionerPolicyText(config.vaultLayer, LOCAL_STACK)) return undefined;
  return `${committed?.file ?? `policies/provisioner/${LOCAL_STACK}.hcl`} does not match Pulumi.${LOCAL_STACK}.yaml (npm start used the policy generated from the stack); ` +
    `refresh it with \`npm run provisioner-policy -- --stack ${LOCAL_STACK} --write\``;
}

/** The engine stack of the local folder, with the stack's config (overrides applied) written to it. */
export async function localEngineStack(root: string, passphrase: string, overrides: Partial<Record<ConfigKey, unknown>> = {}): Promise<Stack> {
  // The named secrets go to the engine encrypted (setConfig, secret), never into the stack file in clear.
  const { secrets, ...settings } = overrides;
  const stack = await engineStack({ layout: engineLayout(root), stack: LOCAL_STACK, pulumi: await toolPath("pulumi"), passphrase, config: stackDocumentConfig(LOCAL_STACK, settings) });
  if (secrets !== undefined) await stack.setConfig(SECRETS_KEY, { value: JSON.stringify(secrets), secret: true });
  return stack;
}

/** The stand-in's calls since the log was last cleared. */
export function madeCalls(layout: EngineLayout): MadeCall[] {
  return fs.existsSync(layout.callLog) ? fs.readFileSync(layout.callLog, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as MadeCall) : [];
}

/**
 * Starts what is not running, then runs `pulumi up` of the local stack through the engine: a first run
 * creates everything, a second one with nothing changed changes nothing.
 */
export async function localUp(options: LocalStackOptions): Promise<LocalUp> {
  const started = Date.now();
  const layout = localLayout(options.root);
  const raw = stackConfig(LOCAL_STACK);
  // The provisioner's own login (vault.login): its password, made once and kept in the local folder, goes to the engine as a named secret.
  const login = declaredLogin(raw, options.overrides);
  const password = login !== undefined ? localPassword(layout) : undefined;
  const overrides = login !== undefined ? { ...options.overrides, secrets: { ...(options.overrides?.secrets as object | undefined), [login.passwordSecret]: password!.reveal() } } : options.overrides ?? {};
  // The whole stack is checked before anything starts, except the reviewer's files: the fake API server makes them.
  const withoutReviewerFiles = { ...overrides, kubernetes: { ...(overrides.kubernetes as object), reviewer: undefined } };
  const ports = checkedAgainstLayout(parseConfig(raw, { env: { VAULT_TOKEN: "checked-only" }, overrides: withoutReviewerFiles }), layout, false);
  const pulumi = await toolPath("pulumi");

  const servers = await startLocalServers(layout, ports);
  const config = parseConfig(raw, { env: { VAULT_TOKEN: "checked-only" }, overrides });
  checkedAgainstLayout(config, layout);
  const engine = engineLayout(options.root);
  const stack = await localEngineStack(options.root, options.passphrase, overrides);
  const removals = await removalRules(stack, config);
  const policy = `${provisionerPolicyText(config.vaultLayer, LOCAL_STACK)}${removals.length > 0 ? `# What this run deletes.\n${removals.join("\n")}\n` : ""}`;
  let token: string | undefined;
  if (login !== undefined) {
    const steps = loginBootstrap({ login, tokenTtlSeconds: config.vault.providerTokenTtlSeconds, policy, policyFile: `policies/provisioner/${LOCAL_STACK}.hcl` });
    await asAdministrator(servers, steps, password!);
    // The provider logs in: no token is kept in the stack.
    if ((await stack.getAllConfig())[TOKEN_KEY] !== undefined) await stack.removeConfig(TOKEN_KEY);
  } else {
    const provisioner = await provisionerToken(servers, layout, policy);
    token = provisioner.token;
    if (provisioner.minted || (await stack.getAllConfig())[TOKEN_KEY] === undefined) await stack.setConfig(TOKEN_KEY, { value: token, secret: true });
  }

  fs.rmSync(engine.callLog, { force: true });
  if (options.mode === "plain") {
    const plain = plainUpCommands(engine, LOCAL_STACK, pulumi, options.passphrase, token);
    for (const args of plain.runs) {
      const run = spawnSync(plain.command, args, { cwd: plain.cwd, env: { ...process.env, ...plain.env }, stdio: "inherit" });
      if (run.status !== 0) throw new Error(`pulumi ${args[0]} failed (above)`);
    }
    return { servers, config, steps: [], calls: [], outputs: await stack.outputs(), stack, seconds: (Date.now() - started) / 1000 };
  }
  const collector = stepCollector();
  const result = await stack.up({ onEvent: collector.onEvent, onOutput: options.onOutput, color: "never" });
  return { servers, config, steps: collector.steps(), calls: madeCalls(engine), outputs: result.outputs, stack, seconds: (Date.now() - started) / 1000 };
}

/** `npm stop`: ends the servers `npm start` left running; the folder (state, Vault's data) stays for the next start. */
export function localDown(root: string): Promise<string[]> {
  return stopLocalServers(localLayout(root));
}
