/**
 * The local stack's servers, left running between `npm start` and `npm stop`: a Vault server on loopback
 * (TLS from its own CA, file storage, one Shamir unseal key kept in the folder: local use only) and the
 * fake Kubernetes API server (local/fakeKubernetes.ts). Everything lives in one folder, `.local/` by default.
 */
import * as fs from "fs";
import * as path from "path";
import { toolPath } from "../scripts/liveTools";
import { PROJECT_ROOT } from "../config";
import { BackgroundProcess, runningFromPidFile, startInBackground, stopFromPidFile } from "./backgroundProcess";
import { makeClusterTls } from "./tlsFiles";
import { VaultEndpoint, vaultCall, vaultRequest } from "./vaultHttp";

/** Where the local stack keeps everything (ignored by git); VAULT_PLATFORM_LOCAL_DIR moves it. */
export function localDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.VAULT_PLATFORM_LOCAL_DIR ?? path.join(PROJECT_ROOT, ".local"));
}

export interface LocalLayout {
  root: string;
  vault: { config: string; data: string; tls: string; caFile: string; initFile: string; provisionerFile: string; provisionerPasswordFile: string; pidFile: string; stdout: string; log: string };
  /** The fake API server's folder; it writes the reviewer's JWT and its CA there, which the stack's kubernetes.reviewer names. */
  kubernetes: { directory: string; reviewer: { jwtFile: string; caCertFile: string }; pidFile: string; stdout: string; log: string };
}

export function localLayout(root: string): LocalLayout {
  const vault = path.join(root, "vault");
  const kubernetes = path.join(root, "kubernetes");
  return {
    root,
    vault: {
      config: path.join(vault, "vault.hcl"), data: path.join(vault, "data"), tls: path.join(vault, "tls"),
      caFile: path.join(vault, "tls", "ca.crt"), initFile: path.join(vault, "init.json"), provisionerFile: path.join(vault, "provisioner.json"), pidFile: path.join(vault, "vault.pid"),
      // The provisioner's userpass password (vault.login), mode 0600.
      provisionerPasswordFile: path.join(vault, "provisioner-password"),
      // Vault prints its banner and, with the local stack's `audit.path: stdout`, the audit log on stdout; its log on stderr.
      stdout: path.join(vault, "stdout.log"), log: path.join(vault, "vault.log"),
    },
    kubernetes: {
      directory: kubernetes, reviewer: { jwtFile: path.join(kubernetes, "reviewer.jwt"), caCertFile: path.join(kubernetes, "ca.crt") },
      pidFile: path.join(kubernetes, "fake.pid"), stdout: path.join(kubernetes, "fake.json"), log: path.join(kubernetes, "fake.log"),
    },
  };
}

export interface LocalServers {
  vault: { endpoint: VaultEndpoint; rootToken: string; process: BackgroundProcess; started: boolean };
  kubernetes: { url: string; process: BackgroundProcess; started: boolean };
}

const START_TIMEOUT_MS = 60_000;

/** vault.hcl of the local server: file storage, TLS on loopback, no mlock (an unprivileged user runs it). */
export function localVaultConfig(layout: LocalLayout, port: number): string {
  return [
    `storage "file" {\n  path = ${JSON.stringify(layout.vault.data)}\n}`,
    `listener "tcp" {\n  address       = "127.0.0.1:${port}"\n  tls_cert_file = ${JSON.stringify(path.join(layout.vault.tls, "vault.crt"))}\n` +
      `  tls_key_file  = ${JSON.stringify(path.join(layout.vault.tls, "vault.key"))}\n}`,
    `api_addr      = "https://127.0.0.1:${port}"`,
    "disable_mlock = true",
    "ui            = false",
    "",
  ].join("\n");
}

/** Polls `check` until it returns a value, while the server's PID file still names a live process; bounded. */
async function until<T>(what: string, server: { name: string; pidFile: string; log: string }, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!runningFromPidFile(server.pidFile)) throw new Error(`${server.name} exited while waiting for ${what}; see ${server.log}`);
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${START_TIMEOUT_MS / 1000} s waiting for ${what}; see ${server.log}`);
}

/** Starts (or finds running) the local Vault, initialised and unsealed, on 127.0.0.1:`port`. */
async function startVault(layout: LocalLayout, port: number): Promise<LocalServers["vault"]> {
  const { vault: files } = layout;
  fs.mkdirSync(files.data, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(files.caFile)) {
    makeClusterTls({
      ca: { keyCurve: "P256", subject: { commonName: "vault-platform local CA" }, validityHours: 8760, allowedUses: ["cert_signing", "crl_signing"] },
      server: {
        keyCurve: "P256", subject: { commonName: "vault-platform local Vault" }, validityHours: 8760, allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
        dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"],
      },
    }, files.tls);
  }
  const endpoint: VaultEndpoint = { address: `https://127.0.0.1:${port}`, caCertificate: fs.readFileSync(files.caFile, "utf8") };
  let process = runningFromPidFile(files.pidFile);
  const started = process === undefined;
  if (!process) {
    fs.writeFileSync(files.config, localVaultConfig(layout, port), { mode: 0o600 });
    const vaultBinary = await toolPath("vault");
    process = startInBackground("vault", vaultBinary, ["server", `-config=${files.config}`], { pidFile: files.pidFile, stdout: files.stdout, stderr: files.log },
      { PATH: globalThis.process.env.PATH, HOME: globalThis.process.env.HOME });
  }
  const server = { name: "vault", pidFile: files.pidFile, log: files.log };
  await until(`Vault to answer on ${endpoint.address}`, server, async () => ((await vaultRequest(endpoint, "GET", "sys/seal-status", { timeoutMs: 2_000 })).status === 200 ? true : undefined));
  const status = await vaultCall(endpoint, "GET", "sys/seal-status");
  if (!status.initialized) {
    // One key share: this Vault is for trying the stack on one machine, never for real secrets.
    const init = await vaultCall(endpoint, "PUT", "sys/init", { body: { secret_shares: 1, secret_threshold: 1 } });
    fs.writeFileSync(files.initFile, JSON.stringify({ unseal_keys_b64: init.keys_base64, root_token: init.root_token }, null, 2), { mode: 0o600 });
  }
  const init = JSON.parse(fs.readFileSync(files.initFile, "utf8")) as { unseal_keys_b64: string[]; root_token: string };
  if ((await vaultCall(endpoint, "GET", "sys/seal-status")).sealed) {
    await vaultCall(endpoint, "PUT", "sys/unseal", { body: { key: init.unseal_keys_b64[0] } });
  }
  await until("Vault to become active", server, async () => ((await vaultRequest(endpoint, "GET", "sys/health")).status === 200 ? true : undefined));
  return { endpoint, rootToken: init.root_token, process, started };
}

/** Starts (or finds running) the fake Kubernetes API server on 127.0.0.1:`port`, keeping its CA, keys and reviewer JWT in its folder. */
async function startKubernetes(layout: LocalLayout, port: number): Promise<LocalServers["kubernetes"]> {
  const { kubernetes: files } = layout;
  fs.mkdirSync(files.directory, { recursive: true, mode: 0o700 });
  let process = runningFromPidFile(files.pidFile);
  const started = process === undefined;
  if (!process) {
    fs.rmSync(files.stdout, { force: true });
    process = startInBackground("fake-kubernetes", globalThis.process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(PROJECT_ROOT, "local", "fakeKubernetes.ts"), "--port", String(port), "--dir", files.directory],
      { pidFile: files.pidFile, stdout: files.stdout, stderr: files.log }, { PATH: globalThis.process.env.PATH, HOME: globalThis.process.env.HOME, TS_NODE_PROJECT: path.join(PROJECT_ROOT, "tsconfig.json") });
  }
  const url = await until("the fake Kubernetes API server to listen", { name: "fake-kubernetes", pidFile: files.pidFile, log: files.log }, async () => {
    const line = fs.existsSync(files.stdout) ? fs.readFileSync(files.stdout, "utf8").split("\n")[0] : "";
    return line ? (JSON.parse(line) as { url: string }).url : undefined;
  });
  return { url, process, started };
}

/** Starts whatever of the two servers is not running yet; a running one is left as it is. */
export async function startLocalServers(layout: LocalLayout, ports: { vault: number; kubernetes: number }): Promise<LocalServers> {
  fs.mkdirSync(layout.root, { recursive: true, mode: 0o700 });
  const kubernetes = await startKubernetes(layout, ports.kubernetes);
  const vault = await startVault(layout, ports.vault);
  return { vault, kubernetes };
}

/** Ends both servers by their PID files; returns the names of those that were running. */
export async function stopLocalServers(layout: LocalLayout): Promise<string[]> {
  const stopped: string[] = [];
  if (await stopFromPidFile("vault", layout.vault.pidFile)) stopped.push("vault");
  if (await stopFromPidFile("fake-kubernetes", layout.kubernetes.pidFile)) stopped.push("fake-kubernetes");
  return stopped;
}
