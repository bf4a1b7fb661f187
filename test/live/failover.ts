/**
 * Failover measurements of the cluster suite: stop the active node with a signal, time until another
 * node answers 200 on the health endpoint, restart the stopped node and wait until it is a standby
 * again; and a writer that keeps writing KV entries through whichever node answers meanwhile.
 */
import * as fs from "fs";
import { performance } from "perf_hooks";
import { HEALTH_PATH, VaultCluster, VaultNode } from "./clusterNodes";
import { stopProcess, waitFor } from "./processes";

export interface FailoverRound {
  signal: NodeJS.Signals;
  from: string;
  to: string;
  /** From the signal to another node answering 200. */
  seconds: number;
  /** From the signal to the new leader's log saying it acquired the HA lock (its activation follows). */
  lockSeconds: number;
  /**
   * "failed to acquire lock" errors the other nodes logged during the round (a storage call that failed,
   * not a lock held by another): Vault then waits lockRetryInterval before trying again.
   */
  lockErrors: string[];
}

/** vault/ha.go lockRetryInterval: how long a standby waits after a lock attempt that failed with an error. */
export const LOCK_ERROR_BACKOFF_SECONDS = 10;

const POLL_MS = 50;
const REJOIN_TIMEOUT_MS = 30_000;
const ACQUIRED_LOCK = /^(\S+) \[INFO\]\s+core: acquired lock, enabling active operation/;
const LOCK_ERROR = /\[ERROR\]\s+core: failed to acquire lock/;
const TIMESTAMPED = /^(\d{4}-\d\d-\d\dT\S+Z) /;

/**
 * One round: the cluster must have one active node and standbys; ends with the stopped node a standby
 * again. Rounds follow each other at once, so the node killed took the lock about a second earlier:
 * its lock then has nearly the whole TTL left, close to the worst case.
 */
export async function failOver(cluster: VaultCluster, signal: NodeJS.Signals, timeoutMs: number): Promise<FailoverRound> {
  const active = await cluster.waitForOneActive(REJOIN_TIMEOUT_MS);
  const others = cluster.nodes.filter((node) => node !== active);
  const signalledAt = Date.now();
  const started = performance.now();
  const stopping = stopProcess(active.process!, signal, 30_000);
  let successor: VaultNode;
  try {
    successor = await waitFor(`a node other than ${active.name} to answer 200 on ${HEALTH_PATH}`, async () => {
      const answers = await Promise.all(others.map((node) => cluster.health(node)));
      return answers.includes(200) ? others[answers.indexOf(200)] : undefined;
    }, timeoutMs, POLL_MS);
  } catch (error) {
    // What the candidates logged since the signal is the only evidence of why none took over.
    const logged = others.map((node) => `${node.name}:\n${logSince(node, signalledAt).slice(-12).join("\n") || "(nothing)"}`).join("\n");
    await stopping;
    cluster.start(active);
    throw new Error(`${(error as Error).message}\nlogged since the ${signal}:\n${logged}`);
  }
  const seconds = (performance.now() - started) / 1000;
  await stopping;
  const lockSeconds = (lockAcquiredAt(successor, signalledAt) - signalledAt) / 1000;
  const lockErrors = others.flatMap((node) => logSince(node, signalledAt).filter((entry) => LOCK_ERROR.test(entry)).map((entry) => `${node.name}: ${entry}`));
  cluster.start(active);
  await cluster.waitForHealth(active, 429, REJOIN_TIMEOUT_MS);
  return { signal, from: active.name, to: successor.name, seconds, lockSeconds, lockErrors };
}

/** The node's current log entries (a timestamped line with its continuation lines) from `since` (ms) on. */
function logSince(node: VaultNode, since: number): string[] {
  const entries: Array<{ at: number; text: string }> = [];
  for (const line of fs.readFileSync(node.process!.logFile, "utf8").split("\n")) {
    const stamp = TIMESTAMPED.exec(line)?.[1];
    if (stamp !== undefined) entries.push({ at: Date.parse(stamp), text: line });
    else if (entries.length > 0 && line.trim() !== "") entries[entries.length - 1].text += ` ${line.trim()}`;
  }
  return entries.filter((entry) => entry.at >= since).map((entry) => entry.text);
}

/** When the node last logged taking the HA lock since `since` (Vault logs UTC with milliseconds). */
function lockAcquiredAt(node: VaultNode, since: number): number {
  const stamp = logSince(node, since).map((entry) => ACQUIRED_LOCK.exec(entry)?.[1]).filter((found) => found !== undefined).pop();
  if (!stamp) throw new Error(`${node.name} became active without logging that it acquired the lock; see ${node.process!.logFile}`);
  return Date.parse(stamp);
}

/** Minimum, median and maximum. */
export function spread(values: number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/** A run of writes no node acknowledged; open (no endedAt) while it lasts. */
export interface Outage {
  startedAt: number;
  endedAt?: number;
}

/**
 * Writes `<mount>/w<n>` = { value: n } in a loop, trying the nodes in turn (standbys forward to the
 * active node), and remembers every write Vault acknowledged with a 2xx.
 */
export class KvWriter {
  readonly acknowledged = new Map<string, number>();
  attempted = 0;
  /** The longest time between two acknowledged writes: the outage as this client saw it. */
  longestGapSeconds = 0;
  /** Runs of failed writes, from the first failure's start to the next acknowledgement (performance.now() ms). */
  readonly outages: Outage[] = [];
  private stopped = false;
  private loop?: Promise<void>;

  constructor(private readonly cluster: VaultCluster, private readonly token: string, private readonly mount: string) {}

  start(): void {
    this.loop ??= this.writeUntilStopped();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** The acknowledged keys that do not read back with the value written, read through `node`, 16 at a time. */
  async unreadable(node: VaultNode): Promise<string[]> {
    const keys = [...this.acknowledged.keys()];
    const missing: string[] = [];
    for (let start = 0; start < keys.length; start += 16) {
      await Promise.all(keys.slice(start, start + 16).map(async (key) => {
        const read = await this.cluster.request(node, "GET", `${this.mount}/${key}`, { token: this.token });
        if (read.status !== 200 || read.body?.data?.value !== this.acknowledged.get(key)) missing.push(key);
      }));
    }
    return missing;
  }

  private async writeUntilStopped(): Promise<void> {
    let preferred = 0;
    let lastAcknowledged: number | undefined;
    for (let value = 0; !this.stopped; value++) {
      this.attempted++;
      const key = `w${value}`;
      const attemptedAt = performance.now();
      const taken = await this.writeThroughAny(key, value, preferred);
      const open = this.outages.length > 0 && this.outages[this.outages.length - 1].endedAt === undefined;
      if (taken === undefined && !open && !this.stopped) this.outages.push({ startedAt: attemptedAt });
      if (taken !== undefined && open) this.outages[this.outages.length - 1].endedAt = performance.now();
      if (taken !== undefined) {
        this.acknowledged.set(key, value);
        preferred = taken;
        const now = performance.now();
        if (lastAcknowledged !== undefined) this.longestGapSeconds = Math.max(this.longestGapSeconds, (now - lastAcknowledged) / 1000);
        lastAcknowledged = now;
      }
      // Paced, so that the writer measures availability without starving three Vaults of CPU.
      await new Promise((resolve) => setTimeout(resolve, taken === undefined ? 100 : 50));
    }
  }

  /** Tries each node once, starting with `first`; returns the index of the node that acknowledged, if any. */
  private async writeThroughAny(key: string, value: number, first: number): Promise<number | undefined> {
    const nodes = this.cluster.nodes;
    for (let offset = 0; offset < nodes.length && !this.stopped; offset++) {
      const index = (first + offset) % nodes.length;
      try {
        const response = await this.cluster.request(nodes[index], "PUT", `${this.mount}/${key}`, { token: this.token, body: { value }, timeoutMs: 3_000 });
        if (response.status >= 200 && response.status < 300) return index;
      } catch {
        // A stopped or restarting node: try the next one.
      }
    }
    return undefined;
  }
}
