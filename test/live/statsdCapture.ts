/**
 * A statsd listener standing in for the CloudWatch agent on a node: bound to the node's own
 * loopback (inside its network namespace) at the address Vault's telemetry stanza names, logging
 * every datagram so the suite can read back which metrics Vault really sent.
 */
import * as fs from "fs";
import { STATSD_ADDRESS } from "../../components/cluster/telemetry";
import { ManagedProcess, startProcess } from "./processes";

export interface StatsdSample {
  name: string;
  value: number;
  /** statsd's type: g (gauge), c (counter), ms (timer). */
  type: string;
}

const [HOST, PORT] = STATSD_ADDRESS.split(":");
/** One datagram may carry several lines; each is `name:value|type`. */
const LISTENER = `const socket = require("dgram").createSocket("udp4");
socket.on("message", (message) => process.stdout.write(message.toString().trim() + "\\n"));
socket.bind(${Number(PORT)}, ${JSON.stringify(HOST)}, () => process.stdout.write("listening\\n"));`;

/** Starts the listener in `netns`; stop it with stopProcess like any other. */
export function startStatsdCapture(name: string, netns: string): ManagedProcess {
  return startProcess(`statsd-${name}`, process.execPath, ["-e", LISTENER], { netns });
}

/** Every sample the listener has received so far (its "listening" line and any noise are skipped). */
export function statsdSamples(capture: ManagedProcess): StatsdSample[] {
  return fs.readFileSync(capture.logFile, "utf8").split("\n").flatMap((line) => {
    const match = /^([^:|\s]+):(-?[0-9.eE+-]+)\|([a-z]+)/.exec(line);
    return match ? [{ name: match[1], value: Number(match[2]), type: match[3] }] : [];
  });
}
