/**
 * A fake EC2 instance metadata service that speaks IMDSv2 only, for the bootstrap live test. It runs
 * as its own process inside a network namespace whose loopback holds 169.254.169.254, the address the
 * bootstrap script hard-codes, and appends every request it answers to a log, so the test can count
 * attempts and see that the session token was used.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as http from "http";
import { ManagedProcess, startTypeScriptProcess, waitFor } from "./processes";

export interface FakeImdsOptions {
  /** The node's private IP, answered on /latest/meta-data/local-ipv4. */
  nodeIp: string;
  /** One JSON line per request: { method, path, status }. */
  requestLog: string;
  /** How many token PUTs answer 500 before one succeeds (Infinity: IMDS never answers). */
  failingTokenPuts: number;
  /** How many authorised local-ipv4 GETs answer 500 before one succeeds. */
  failingIpGets: number;
}

export interface ImdsRequest {
  method: string;
  path: string;
  status: number;
}

const TOKEN_PATH = "/latest/api/token";
const LOCAL_IPV4_PATH = "/latest/meta-data/local-ipv4";
const INSTANCE_ID_PATH = "/latest/meta-data/instance-id";
/** The instance ID the fake answers on /latest/meta-data/instance-id. */
export const INSTANCE_ID = "i-0123456789abcdef0";
const READY_LINE = "fake-imds listening";

/** Starts the fake in `netns` on 169.254.169.254:80 and waits (bounded) until it listens. */
export async function startFakeImds(netns: string, options: FakeImdsOptions): Promise<ManagedProcess> {
  // JSON has no Infinity: a count no script reaches stands in for "never".
  const encoded = JSON.stringify({ ...options, failingTokenPuts: Math.min(options.failingTokenPuts, Number.MAX_SAFE_INTEGER) });
  const server = startTypeScriptProcess("fake-imds", __filename, [encoded], { netns });
  await waitFor("the fake IMDS to listen", async () => (fs.readFileSync(server.logFile, "utf8").includes(READY_LINE) ? true : undefined), 15_000);
  return server;
}

/** The requests the fake answered, in order. */
export function imdsRequests(options: FakeImdsOptions): ImdsRequest[] {
  if (!fs.existsSync(options.requestLog)) return [];
  return fs.readFileSync(options.requestLog, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line));
}

function serve(options: FakeImdsOptions): void {
  const tokens = new Set<string>();
  let tokenPuts = 0;
  let ipGets = 0;
  const answer = (request: http.IncomingMessage): { status: number; body: string } => {
    if (request.method === "PUT" && request.url === TOKEN_PATH) {
      // Like the real service: no TTL header, no token.
      if (!request.headers["x-aws-ec2-metadata-token-ttl-seconds"]) return { status: 400, body: "missing TTL" };
      if (++tokenPuts <= options.failingTokenPuts) return { status: 500, body: "unavailable" };
      const token = randomBytes(16).toString("hex");
      tokens.add(token);
      return { status: 200, body: token };
    }
    if (request.method === "GET" && request.url === INSTANCE_ID_PATH) {
      if (!tokens.has(String(request.headers["x-aws-ec2-metadata-token"]))) return { status: 401, body: "" };
      return { status: 200, body: INSTANCE_ID };
    }
    if (request.method === "GET" && request.url === LOCAL_IPV4_PATH) {
      if (!tokens.has(String(request.headers["x-aws-ec2-metadata-token"]))) return { status: 401, body: "" };
      if (++ipGets <= options.failingIpGets) return { status: 500, body: "unavailable" };
      return { status: 200, body: options.nodeIp };
    }
    return { status: 404, body: "" };
  };
  http.createServer((request, response) => {
    const { status, body } = answer(request);
    fs.appendFileSync(options.requestLog, `${JSON.stringify({ method: request.method, path: request.url, status })}\n`);
    response.writeHead(status, { "Content-Type": "text/plain" }).end(body);
  }).listen(80, "169.254.169.254", () => console.log(READY_LINE));
}

if (require.main === module) serve(JSON.parse(process.argv[2]));
