/**
 * Vault nodes of the cluster suite: each runs `vault server` with the program's vault.hcl (only the
 * node address filled in, as the bootstrap script's sed does) in its own network namespace, and in a
 * private mount namespace where the TLS files sit at the paths the config names, so the config is
 * used byte for byte. AWS endpoints and test credentials come from the environment.
 */
import * as fs from "fs";
import * as path from "path";
import { NODE_IP_PLACEHOLDER, VAULT_API_PORT } from "../../components/cluster/userData";
import { ClusterTlsFiles } from "../../local/tlsFiles";
import { NetworkHost } from "./network";
import { HealthCheck } from "./programFacts";
import { ManagedProcess, runDirectory, startProcess, waitFor } from "./processes";
import { VaultEndpoint, VaultResponse, vaultCall, vaultRequest } from "../../local/vaultHttp";

export const HEALTH_PATH = "/v1/sys/health";

export interface VaultNode {
  name: string;
  host: NetworkHost;
  /** vault.hcl of this node. */
  configFile: string;
  /** The running server; replaced on every restart. */
  process?: ManagedProcess;
}

export interface ClusterSetup {
  vaultBinary: string;
  tls: ClusterTlsFiles;
  /** Where the config expects the certificate chain and the key. */
  tlsCertPath: string;
  tlsKeyPath: string;
  /** The name clients verify the certificate against: the load balancer's DNS name. */
  serverName: string;
  /** AWS settings of every node: emulator endpoints, region, static test credentials. */
  env: NodeJS.ProcessEnv;
}

/** A node's health: the HTTP status, or "down" when nothing answers. */
export type HealthAnswer = number | "down";

// Mount a tmpfs over the folder holding the TLS files, copy them there, then become Vault (exec: the PID stays).
const NODE_SCRIPT = 'mount -t tmpfs -o mode=0755 tmpfs "$1" && mkdir -p "$(dirname "$3")" "$(dirname "$5")"'
  + ' && cp "$2" "$3" && cp "$4" "$5" && exec "$6" server -config="$7"';

/** Transport errors of a node that is stopped, starting or being killed. */
const NOT_ANSWERING = new Set(["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ETIMEDOUT", "EPIPE"]);

export class VaultCluster {
  readonly nodes: VaultNode[];

  /** Writes each host's vault.hcl: `vaultHcl` with NODE_IP_PLACEHOLDER replaced by the host's IP, nothing else. */
  constructor(readonly setup: ClusterSetup, hosts: NetworkHost[], vaultHcl: string) {
    this.nodes = hosts.map((host, index) => {
      const name = `vault${index + 1}`;
      const configFile = path.join(runDirectory(), name, "vault.hcl");
      fs.mkdirSync(path.dirname(configFile), { recursive: true });
      fs.writeFileSync(configFile, vaultHcl.split(NODE_IP_PLACEHOLDER).join(host.ip));
      return { name, host, configFile };
    });
  }

  /** Starts `vault server` on the node. */
  start(node: VaultNode): ManagedProcess {
    if (node.process && !node.process.hasExited()) throw new Error(`${node.name} is still running (pid ${node.process.pid})`);
    const { tls, tlsCertPath, tlsKeyPath, vaultBinary } = this.setup;
    const mountPoint = `/${tlsCertPath.split("/")[1]}`;
    if (mountPoint !== `/${tlsKeyPath.split("/")[1]}`) throw new Error(`${tlsCertPath} and ${tlsKeyPath} are under different top folders`);
    node.process = startProcess(node.name, "unshare", [
      "--mount", "--propagation", "private", "sh", "-c", NODE_SCRIPT, "vault-node",
      mountPoint, tls.certificateFile, tlsCertPath, tls.keyFile, tlsKeyPath, vaultBinary, node.configFile,
    ], { netns: node.host.namespace, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...this.setup.env } });
    return node.process;
  }

  /** The node's API as a client behind the load balancer reaches it: its IP, verified against the CA for the load balancer's name. */
  endpoint(node: VaultNode): VaultEndpoint {
    return { address: `https://${node.host.ip}:${VAULT_API_PORT}`, caCertificate: this.setup.tls.caCertificate, servername: this.setup.serverName };
  }

  /** One request to the node's API (`apiPath` relative to /v1/, or a whole /v1/... path). */
  request(node: VaultNode, method: string, apiPath: string, options: { token?: string; body?: unknown; timeoutMs?: number } = {}): Promise<VaultResponse> {
    return vaultRequest(this.endpoint(node), method, apiPath, { timeoutMs: 5_000, ...options });
  }

  /** A request that must succeed (2xx); throws with Vault's errors otherwise. */
  call(node: VaultNode, method: string, apiPath: string, options: { token?: string; body?: unknown } = {}): Promise<any> {
    return vaultCall(this.endpoint(node), method, apiPath, options);
  }

  /** The status the node answers on `urlPath` (the health endpoint unless told), or "down"; a TLS failure still throws. */
  async health(node: VaultNode, urlPath = HEALTH_PATH): Promise<HealthAnswer> {
    try {
      return (await this.request(node, "GET", urlPath, { timeoutMs: 2_000 })).status;
    } catch (error: any) {
      if (NOT_ANSWERING.has(error.code)) return "down";
      throw error;
    }
  }

  /** Every node's health answer, in node order. */
  healthOfAll(urlPath = HEALTH_PATH): Promise<HealthAnswer[]> {
    return Promise.all(this.nodes.map((node) => this.health(node, urlPath)));
  }

  /** What a target group with this health check sees: each node's answer on its path, and the nodes it keeps in service. */
  async loadBalancerView(check: HealthCheck): Promise<{ answers: HealthAnswer[]; inService: string[] }> {
    const answers = await this.healthOfAll(check.path);
    return { answers, inService: this.nodes.filter((_, index) => matcherAccepts(check.matcher, answers[index])).map((node) => node.name) };
  }

  /** Waits (bounded) until the node answers `status` on the health endpoint; fails early if its process ends. */
  async waitForHealth(node: VaultNode, status: number, timeoutMs: number): Promise<void> {
    await waitFor(`${node.name} to answer ${status} on ${HEALTH_PATH}`, async () => {
      if (node.process?.hasExited()) throw new Error(`${node.name} exited; see ${node.process.logFile}`);
      return (await this.health(node)) === status ? true : undefined;
    }, timeoutMs);
  }

  /** Waits (bounded) for one active node (200) and every other one a standby (429); returns the active one. */
  async waitForOneActive(timeoutMs: number): Promise<VaultNode> {
    return waitFor("one active node and the others standby", async () => {
      const answers = await this.healthOfAll();
      const standbys = answers.filter((answer) => answer === 429).length;
      return standbys === this.nodes.length - 1 && answers.includes(200) ? this.nodes[answers.indexOf(200)] : undefined;
    }, timeoutMs);
  }
}

/** Whether a target group's success-code matcher ("200", "200,202", "200-299") accepts the answer. */
function matcherAccepts(matcher: string, answer: HealthAnswer): boolean {
  if (answer === "down") return false;
  return matcher.split(",").some((part) => {
    const [low, high = low] = part.trim().split("-").map(Number);
    return answer >= low && answer <= high;
  });
}
