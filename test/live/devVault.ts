/** A dev-mode Vault server on loopback for the suites that only need Vault's API (ACL, policies). */
import * as net from "net";
import { toolPath } from "../../scripts/liveTools";
import { ManagedProcess, startProcess, waitFor } from "./processes";
import { VaultEndpoint, vaultCall, vaultRequest } from "../../local/vaultHttp";

export interface DevVault {
  endpoint: VaultEndpoint;
  rootToken: string;
  process: ManagedProcess;
  /** The server's version, from sys/seal-status. */
  version: string;
}

/** A port nobody listens on right now (the kernel picks it), on 127.0.0.1. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `vault server -dev` on a free loopback port and waits (bounded) until it is unsealed and active. */
export async function startDevVault(): Promise<DevVault> {
  const vault = await toolPath("vault");
  const port = await freeLoopbackPort();
  const rootToken = "live-root";
  const process = startProcess("vault-dev", vault, [
    "server", "-dev", `-dev-root-token-id=${rootToken}`, `-dev-listen-address=127.0.0.1:${port}`, "-dev-no-store-token",
  ], { env: { PATH: globalThis.process.env.PATH, HOME: globalThis.process.env.HOME, VAULT_LOG_LEVEL: "warn" } });
  const endpoint = { address: `http://127.0.0.1:${port}` };
  await waitFor("the dev Vault server to become active", async () => {
    if (process.hasExited()) throw new Error(`vault exited early; see ${process.logFile}`);
    const health = await vaultRequest(endpoint, "GET", "sys/health", { timeoutMs: 1_000 });
    return health.status === 200 ? true : undefined;
  }, 30_000);
  const status = await vaultCall(endpoint, "GET", "sys/seal-status");
  return { endpoint, rootToken, process, version: status.version };
}
