/**
 * The node bootstrap script, run for real: the exact script, config template and TLS secret a mock
 * run of the program puts in the launch template and Secrets Manager, against a fake IMDSv2 in a
 * network namespace and stub AWS tools, with every write kept in a private mount namespace.
 */
import { strict as assert } from "assert";
import { parseHcl } from "../../acl/hcl";
import { CLOUDWATCH_AGENT_CONFIG, NODE_IP_PLACEHOLDER } from "../../components/cluster/userData";
import { nodeCloudConfig } from "../../scripts/planReport";
import { computedState, runProgram, unwrapSecret } from "../../offline/runtime";
import { stackConfig } from "../../config";
import { onlyOfType } from "../programRun";
import { BootstrapCase, BootstrapResult, NodeFile, runBootstrap } from "./bootstrapSandbox";
import { FakeImdsOptions, ImdsRequest, imdsRequests, INSTANCE_ID, startFakeImds } from "./fakeImds";
import { registerCleanup, run, runDirectory, stopProcess } from "./processes";
import { AWS_TYPES } from "../../components/resourceTypes";

const STACK = "prod";
const NODE_IP = "10.40.1.23";
const IMDS_ADDRESS = "169.254.169.254";
/** Few and short retries, so that giving up takes seconds (the script's production defaults take minutes). */
const ATTEMPTS = 3;
const FIRST_DELAY_SECONDS = 1;
const RETRY_ENV = { VAULT_BOOTSTRAP_ATTEMPTS: String(ATTEMPTS), VAULT_BOOTSTRAP_RETRY_SECONDS: String(FIRST_DELAY_SECONDS) };
/** Well above the sleeps plus a few curl and process starts on a busy machine; a hung script exceeds it. */
const GIVE_UP_BOUND_MS = 15_000;

const TLS_DIR = "/opt/vault/tls";
const CERT = `${TLS_DIR}/vault.crt`;
const KEY = `${TLS_DIR}/vault.key`;
const ANCHOR = "/etc/pki/ca-trust/source/anchors/vault-ca.pem";
const CONFIG = "/etc/vault.d/vault.hcl";
const LOG_DIR = "/var/log/vault";

const TOKEN_PUT = (status: number): ImdsRequest => ({ method: "PUT", path: "/latest/api/token", status });
const IP_GET = (status: number): ImdsRequest => ({ method: "GET", path: "/latest/meta-data/local-ipv4", status });
const ID_GET = (status: number): ImdsRequest => ({ method: "GET", path: "/latest/meta-data/instance-id", status });
const REGION = stackConfig(STACK)["aws:region"];
/** What a node that gives up asks the Auto Scaling API, with the instance ID from IMDS. */
const MARK_UNHEALTHY = ["autoscaling", "set-instance-health", "--region", REGION, "--instance-id", INSTANCE_ID,
  "--health-status", "Unhealthy", "--no-should-respect-grace-period"];
/** The units started before vault.service is checked, in order. */
const STARTED_BEFORE_CHECK = ["enable --now chronyd", "daemon-reload", "restart logrotate.timer",
  "enable --now vault-clock-check.timer", "enable --now vault"];
/** The termination watcher (lifecycle hook) starts only once Vault is active. */
const STARTED = [...STARTED_BEFORE_CHECK, "is-active --quiet vault", "enable --now vault-lifecycle"];
const AGENT_STARTED = [`-a fetch-config -m ec2 -s -c file:${CLOUDWATCH_AGENT_CONFIG}`];

/** The script's sleeps before its n-th attempt at one call: the first delay, doubled each time. */
function sleepMsBefore(attempt: number): number {
  return FIRST_DELAY_SECONDS * 1000 * (2 ** (attempt - 1) - 1);
}

interface TlsBundle { certificate: string; privateKey: string; caCertificate: string }

/** The PEM blocks of a file, in order, without the blank lines between them. */
function pemBlocks(text: string | undefined): string[] {
  return text?.match(/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g) ?? [];
}

describe("node bootstrap script, run in a namespace sandbox", () => {
  const netns = `vpb-${process.pid}`;
  let template: NodeFile;
  let node: Omit<BootstrapCase, "name" | "secretsManager">;
  let secretString: string;
  let bundle: TlsBundle;
  let tlsSecretArn: string;

  before(async () => {
    const stack = await runProgram(stackConfig(STACK), STACK);
    const cloudConfig = nodeCloudConfig(stack.registrations);
    assert.ok(cloudConfig, "the program registered no launch template");
    const command = cloudConfig.runcmd[0];
    const script = cloudConfig.write_files.find((file) => file.path === command[0]);
    const found = cloudConfig.write_files.find((file) => file.path.endsWith("/vault.hcl.template"));
    assert.ok(script && found, "the cloud-config lacks the bootstrap script or the vault.hcl template");
    template = found;
    secretString = unwrapSecret(onlyOfType(stack, AWS_TYPES.secretVersion).inputs.secretString);
    bundle = JSON.parse(secretString);
    // The script must ask for exactly the secret the node role may read, in the stack's region.
    const nodePolicy = JSON.parse(onlyOfType(stack, AWS_TYPES.rolePolicy).inputs.policy);
    tlsSecretArn = nodePolicy.Statement.find((statement: any) => statement.Sid === "VaultTlsBundle").Resource;
    // The version the program registered: the one each node of this launch template reads.
    const secretVersion = onlyOfType(stack, AWS_TYPES.secretVersion);
    const versionId = computedState(secretVersion.type, secretVersion.name, secretVersion.inputs).versionId;
    node = {
      netns,
      files: [script, template],
      command,
      env: RETRY_ENV,
      expectedAwsArgs: ["secretsmanager", "get-secret-value", "--region", REGION, "--secret-id", tlsSecretArn,
        "--version-id", versionId, "--query", "SecretString", "--output", "text"],
      inspect: [TLS_DIR, CERT, KEY, ANCHOR, CONFIG, LOG_DIR],
    };

    run("ip", ["netns", "add", netns]);
    registerCleanup(`network namespace ${netns}`, () => run("ip", ["netns", "delete", netns]));
    run("ip", ["-n", netns, "addr", "add", `${IMDS_ADDRESS}/32`, "dev", "lo"]);
    run("ip", ["-n", netns, "link", "set", "lo", "up"]);
  });

  /** Runs the script against a fake IMDS that fails as asked, and stops that IMDS afterwards. */
  async function bootstrap(
    name: string,
    imdsFailures: Pick<FakeImdsOptions, "failingTokenPuts" | "failingIpGets">,
    secretsManager: string | "down" = secretString,
    vaultStarts = true,
  ): Promise<{ result: BootstrapResult; requests: ImdsRequest[] }> {
    const imdsOptions = { nodeIp: NODE_IP, requestLog: `${runDirectory()}/imds-${name}.jsonl`, ...imdsFailures };
    const imds = await startFakeImds(netns, imdsOptions);
    try {
      const result = await runBootstrap({ ...node, name, secretsManager, vaultStarts });
      return { result, requests: imdsRequests(imdsOptions) };
    } finally {
      await stopProcess(imds);
    }
  }

  it("the fake IMDS refuses metadata without a session token, as a node with IMDSv2 required does", async () => {
    const imdsOptions = { nodeIp: NODE_IP, requestLog: `${runDirectory()}/imds-v1.jsonl`, failingTokenPuts: 0, failingIpGets: 0 };
    const imds = await startFakeImds(netns, imdsOptions);
    try {
      const status = run("ip", ["netns", "exec", netns, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
        `http://${IMDS_ADDRESS}/latest/meta-data/local-ipv4`]);
      assert.equal(status, "401");
      assert.deepEqual(imdsRequests(imdsOptions), [IP_GET(401)]);
    } finally {
      await stopProcess(imds);
    }
  });

  describe("on a healthy node", () => {
    let result: BootstrapResult;
    let requests: ImdsRequest[];
    before(async () => {
      ({ result, requests } = await bootstrap("healthy", { failingTokenPuts: 0, failingIpGets: 0 }));
    });

    it("succeeds, reading the instance ID and the node IP with one IMDSv2 token PUT and two authorised GETs", () => {
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stderr, "");
      assert.deepEqual(requests, [TOKEN_PUT(200), ID_GET(200), IP_GET(200)]);
    });

    it("asks Secrets Manager once, for the one secret the node role may read, in the stack's region", () => {
      assert.deepEqual(result.awsCalls, [node.expectedAwsArgs]);
    });

    it("writes vault.crt as certificate then CA, vault.key as the private key, and trusts the CA", () => {
      assert.deepEqual(pemBlocks(result.read(CERT)), [bundle.certificate.trim(), bundle.caCertificate.trim()]);
      assert.deepEqual(pemBlocks(result.read(KEY)), [bundle.privateKey.trim()]);
      assert.deepEqual(pemBlocks(result.read(ANCHOR)), [bundle.caCertificate.trim()]);
      assert.deepEqual(result.caTrustUpdates, ["vault-ca.pem"], "update-ca-trust runs once, after the anchor is written");
    });

    it("gives the files the owners and modes the README states", () => {
      assert.deepEqual(Object.fromEntries(result.stats), {
        [TLS_DIR]: { owner: "vault", group: "vault", mode: "750" },
        [CERT]: { owner: "vault", group: "vault", mode: "640" },
        [KEY]: { owner: "vault", group: "vault", mode: "640" },
        [ANCHOR]: { owner: "root", group: "root", mode: "640" },
        [CONFIG]: { owner: "root", group: "vault", mode: "640" },
        [LOG_DIR]: { owner: "vault", group: "vault", mode: "750" },
      });
    });

    it("renders vault.hcl from the template with the IMDS node IP in api_addr and cluster_addr", () => {
      const rendered = result.read(CONFIG);
      assert.equal(rendered, template.content.replaceAll(NODE_IP_PLACEHOLDER, NODE_IP));
      const config = parseHcl(rendered!, "vault.hcl");
      assert.equal(config.api_addr, `https://${NODE_IP}:8200`);
      assert.equal(config.cluster_addr, `https://${NODE_IP}:8201`);
    });

    it("starts chrony, reloads systemd, starts the clock check and vault, checks that vault.service is active, then starts the step-down service, in that order", () => {
      assert.deepEqual(result.systemctlCalls, STARTED);
    });

    it("starts the CloudWatch agent once, with the config cloud-init wrote", () => {
      assert.deepEqual(result.cloudWatchAgentCalls, AGENT_STARTED);
    });
  });

  it(`exits non-zero naming instance metadata when IMDS never answers, after ${ATTEMPTS} attempts, and powers off (no instance ID to mark)`, async () => {
    const { result, requests } = await bootstrap("imds-down", { failingTokenPuts: Infinity, failingIpGets: 0 });
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, new RegExp(`^vault-bootstrap: instance metadata \\(IMDSv2 token\\) unreachable after ${ATTEMPTS} attempts$`, "m"));
    assert.match(result.stderr, /^vault-bootstrap: could not mark this instance unhealthy; powering off$/m);
    assert.deepEqual(requests, Array(ATTEMPTS).fill(TOKEN_PUT(500)));
    assert.ok(result.elapsedMs >= sleepMsBefore(ATTEMPTS) && result.elapsedMs < GIVE_UP_BOUND_MS, `gave up after ${result.elapsedMs} ms`);
    assert.deepEqual(result.awsCalls, []);
    assert.deepEqual(result.systemctlCalls, ["poweroff"]);
  });

  it(`exits non-zero naming Secrets Manager when it never answers, after ${ATTEMPTS} calls, writing no TLS file`, async () => {
    const { result, requests } = await bootstrap("secrets-manager-down", { failingTokenPuts: 0, failingIpGets: 0 }, "down");
    assert.notEqual(result.exitCode, 0);
    assert.ok(result.stderr.includes(`vault-bootstrap: Secrets Manager (${tlsSecretArn}) unreachable after ${ATTEMPTS} attempts\n`), result.stderr);
    assert.deepEqual(result.awsCalls, [...Array(ATTEMPTS).fill(node.expectedAwsArgs), MARK_UNHEALTHY]);
    assert.match(result.stderr, new RegExp(`^vault-bootstrap: marked ${INSTANCE_ID} unhealthy; the Auto Scaling group replaces it$`, "m"));
    assert.deepEqual(requests, [TOKEN_PUT(200), ID_GET(200), IP_GET(200)]);
    assert.ok(result.elapsedMs >= sleepMsBefore(ATTEMPTS) && result.elapsedMs < GIVE_UP_BOUND_MS, `gave up after ${result.elapsedMs} ms`);
    assert.deepEqual([...result.stats.keys()], [], "nothing is written before the bundle arrives");
    assert.deepEqual(result.systemctlCalls, [], "marked unhealthy, so no power-off");
  });

  it(`marks the node unhealthy when vault.service never becomes active, after ${ATTEMPTS} checks`, async () => {
    const { result } = await bootstrap("vault-never-starts", { failingTokenPuts: 0, failingIpGets: 0 }, secretString, false);
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, new RegExp(`^vault-bootstrap: vault.service active unreachable after ${ATTEMPTS} attempts$`, "m"));
    assert.deepEqual(result.awsCalls, [node.expectedAwsArgs, MARK_UNHEALTHY]);
    assert.deepEqual(result.systemctlCalls, [...STARTED_BEFORE_CHECK, ...Array(ATTEMPTS).fill("is-active --quiet vault")],
      "no step-down service on a node that never served");
  });

  it("rides out an IMDS that fails the first 2 token PUTs and the first local-ipv4 GET", async () => {
    const { result, requests } = await bootstrap("imds-flaky", { failingTokenPuts: 2, failingIpGets: 1 });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(requests, [TOKEN_PUT(500), TOKEN_PUT(500), TOKEN_PUT(200), ID_GET(200), IP_GET(500), IP_GET(200)]);
    assert.ok(result.elapsedMs >= sleepMsBefore(3) + sleepMsBefore(2), `succeeded after ${result.elapsedMs} ms`);
    assert.equal(parseHcl(result.read(CONFIG)!, "vault.hcl").api_addr, `https://${NODE_IP}:8200`);
    assert.deepEqual(result.systemctlCalls, STARTED);
  });
});
