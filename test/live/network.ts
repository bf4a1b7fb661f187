/**
 * A private network for the cluster suite, built from network namespaces: a hub namespace with a
 * bridge (the emulators listen there, standing in for the VPC endpoints), one namespace per Vault
 * node on the bridge with its own address (as each instance has its private IP), and one veth end in
 * the root namespace so the test process reaches them as a client. Nothing listens in the root
 * namespace. Every namespace is deleted when the suite ends.
 */
import { registerCleanup, run } from "./processes";

export interface NetworkHost {
  /** The network namespace to run the host's processes in. */
  namespace: string;
  ip: string;
}

export interface ClusterNetwork {
  hub: NetworkHost;
  nodes: NetworkHost[];
  /** The test process's own address on the bridge, in the root namespace. */
  clientIp: string;
}

/** Networks this process has created: suites in one mocha run each get their own (they live until the run ends). */
let created = 0;

/** Creates the hub, `nodeCount` node namespaces and the client link; names are unique to this process and call. */
export function createClusterNetwork(nodeCount: number): ClusterNetwork {
  const sequence = created++;
  const prefix = `vpl-${process.pid}-${sequence}`;
  // One /24 per test process and network, so that two concurrent runs never route the same subnet.
  const subnet = `10.${213 + sequence}.${process.pid % 250}`;
  const hub = { namespace: `${prefix}-hub`, ip: `${subnet}.1` };
  addNamespace(hub.namespace);
  ipIn(hub.namespace, "link", "add", "br0", "type", "bridge");
  ipIn(hub.namespace, "addr", "add", `${hub.ip}/24`, "dev", "br0");
  ipIn(hub.namespace, "link", "set", "br0", "up");

  const nodes = Array.from({ length: nodeCount }, (_, index) => {
    const node = { namespace: `${prefix}-node${index + 1}`, ip: `${subnet}.${11 + index}` };
    addNamespace(node.namespace);
    ipIn(hub.namespace, "link", "add", `port${index + 1}`, "type", "veth", "peer", "name", "eth0", "netns", node.namespace);
    ipIn(hub.namespace, "link", "set", `port${index + 1}`, "master", "br0", "up");
    ipIn(node.namespace, "addr", "add", `${node.ip}/24`, "dev", "eth0");
    ipIn(node.namespace, "link", "set", "eth0", "up");
    return node;
  });

  // Interface names in the root namespace are shared by every process: keep it unique and short (15 characters at most).
  const clientLink = `vpl${process.pid}n${sequence}`;
  const clientIp = `${subnet}.254`;
  run("ip", ["link", "add", clientLink, "type", "veth", "peer", "name", "uplink", "netns", hub.namespace]);
  registerCleanup(`delete link ${clientLink}`, () => run("ip", ["link", "delete", clientLink]));
  ipIn(hub.namespace, "link", "set", "uplink", "master", "br0", "up");
  run("ip", ["addr", "add", `${clientIp}/24`, "dev", clientLink]);
  run("ip", ["link", "set", clientLink, "up"]);
  return { hub, nodes, clientIp };
}

function addNamespace(namespace: string): void {
  run("ip", ["netns", "add", namespace]);
  registerCleanup(`delete namespace ${namespace}`, () => run("ip", ["netns", "delete", namespace]));
  ipIn(namespace, "link", "set", "lo", "up");
}

function ipIn(namespace: string, ...args: string[]): void {
  run("ip", ["-n", namespace, ...args]);
}
