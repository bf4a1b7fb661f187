/**
 * Runs a node's bootstrap script for real without touching the host: inside a network namespace
 * (where the fake IMDS answers on 169.254.169.254) and a private mount namespace where tmpfs and an
 * /etc overlay take every write, copies of /etc/passwd and /etc/group add the `vault` user and group,
 * and stubs stand in for the tools only an EC2 node has (aws, systemctl, update-ca-trust, the CloudWatch agent's control script).
 * The results are stat'ed and copied out from inside the same mount namespace, before it goes away.
 */
import * as fs from "fs";
import * as path from "path";
import type { NodeCloudConfig } from "../../scripts/planReport";
import { CLOUDWATCH_AGENT_CTL } from "../../components/cluster/userData";
import { logTail, runDirectory, startProcess, stopProcess, waitFor } from "./processes";

export type NodeFile = NodeCloudConfig["write_files"][number];

export interface BootstrapCase {
  /** Names the case's folder and logs. */
  name: string;
  netns: string;
  /** The cloud-config files the script needs, installed as cloud-init's write_files does. */
  files: NodeFile[];
  /** What cloud-init's runcmd runs. */
  command: string[];
  /** Extra environment of the script (the retry overrides). */
  env: Record<string, string>;
  /** The only `aws` arguments the stub answers. */
  expectedAwsArgs: string[];
  /** The SecretString the stub prints, or "down": every call fails as an unreachable endpoint does. */
  secretsManager: string | "down";
  /** false: vault.service never becomes active (`systemctl is-active` fails, as for a Vault that keeps crashing). */
  vaultStarts?: boolean;
  /** Paths to stat (and copy, when they are files) after the script ran. */
  inspect: string[];
}

export interface FileFacts {
  owner: string;
  group: string;
  /** Octal, as `stat -c %a` prints it. */
  mode: string;
}

export interface BootstrapResult {
  exitCode: number;
  stderr: string;
  /** Wall time of the script alone, measured inside the namespace. */
  elapsedMs: number;
  /** Facts of each inspected path that exists after the run. */
  stats: Map<string, FileFacts>;
  /** Content of an inspected file as the script left it, undefined when it does not exist. */
  read(nodePath: string): string | undefined;
  /** Arguments of each `aws` call. */
  awsCalls: string[][];
  /** Arguments of each `systemctl` call, space-joined. */
  systemctlCalls: string[];
  /** The anchors folder's listing at each `update-ca-trust` call. */
  caTrustUpdates: string[];
  /** Arguments of each CloudWatch agent control call, space-joined. */
  cloudWatchAgentCalls: string[];
}

const SCRIPT_TIMEOUT_MS = 60_000;
/** Folders Amazon Linux's ca-certificates ships (Debian has no /etc/pki); the script expects them. */
const PREEXISTING_DIRS = ["/etc/pki/ca-trust/source/anchors"];
/** Host folders hidden behind a tmpfs: the script writes below them. */
const TMPFS_DIRS = ["/opt", "/var/log", "/usr/local/sbin"];

/** Runs the case's command in its sandbox and returns what it did; throws if the sandbox itself failed. */
export async function runBootstrap(spec: BootstrapCase): Promise<BootstrapResult> {
  const dir = fs.mkdtempSync(path.join(runDirectory(), `bootstrap-${spec.name}-`));
  for (const sub of ["bin", "files", "scratch", "node"]) fs.mkdirSync(path.join(dir, sub));
  writeStubs(dir, spec);
  writeAccountFiles(dir);
  const wrapper = writeSandboxScript(dir, spec);
  const sandbox = startProcess(`bootstrap-${spec.name}`, "unshare", ["--mount", "--propagation", "private", "bash", wrapper], { netns: spec.netns });
  try {
    await waitFor(`the bootstrap script (${spec.name}) to end`, async () => (sandbox.hasExited() ? true : undefined), SCRIPT_TIMEOUT_MS);
  } finally {
    // A script still retrying would otherwise hit the next case's fake IMDS.
    await stopProcess(sandbox);
  }
  const exitCodeFile = path.join(dir, "exit-code");
  if (!fs.existsSync(exitCodeFile)) throw new Error(`the sandbox failed before the script ran:\n${logTail(sandbox)}`);
  const lines = (file: string) => {
    const text = fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), "utf8") : "";
    return text === "" ? [] : text.replace(/\n$/, "").split("\n");
  };
  const copy = (nodePath: string) => path.join(dir, "node", nodePath);
  return {
    exitCode: Number(lines("exit-code")[0]),
    stderr: fs.readFileSync(path.join(dir, "stderr"), "utf8"),
    elapsedMs: Number(lines("elapsed-ms")[0]),
    stats: new Map(lines("stat").map((line) => {
      const [name, owner, group, mode] = line.split(" ");
      return [name, { owner, group, mode }];
    })),
    read: (nodePath) => (fs.existsSync(copy(nodePath)) ? fs.readFileSync(copy(nodePath), "utf8") : undefined),
    awsCalls: lines("aws-calls").map((line) => JSON.parse(line)),
    systemctlCalls: lines("systemctl-calls"),
    caTrustUpdates: lines("update-ca-trust-calls"),
    cloudWatchAgentCalls: lines("amazon-cloudwatch-agent-ctl-calls"),
  };
}

/** Each stub appends what `record` prints to <dir>/<name>-calls as one line, then runs `act` (which sees it as $call). */
function writeStubs(dir: string, spec: BootstrapCase): void {
  const asJsonArray = `jq -Rsc 'split("\\n")[:-1]'`;
  const secretFile = path.join(dir, "secret-string");
  if (spec.secretsManager !== "down") fs.writeFileSync(secretFile, spec.secretsManager);
  const awsAnswer = spec.secretsManager === "down"
    ? "echo 'Could not connect to the endpoint URL' >&2; exit 255"
    : `cat ${quote(secretFile)}`;
  const stubs: Record<string, { record: string; act: string }> = {
    aws: {
      record: `printf '%s\\n' "$@" | ${asJsonArray}`,
      act: `expected=$(printf '%s\\n' ${spec.expectedAwsArgs.map(quote).join(" ")} | ${asJsonArray})
# Marking the instance unhealthy goes to the Auto Scaling API, which is up in every case here.
case "$call" in '["autoscaling","set-instance-health",'*) exit 0 ;; esac
if [ "$call" != "$expected" ]; then echo "stub aws: no answer for $call" >&2; exit 252; fi
${awsAnswer}`,
    },
    systemctl: { record: `echo "$*"`, act: spec.vaultStarts === false ? `if [ "$call" = "is-active --quiet vault" ]; then exit 3; fi` : "" },
    "update-ca-trust": { record: "ls -A /etc/pki/ca-trust/source/anchors | paste -sd, -", act: "" },
    [path.basename(CLOUDWATCH_AGENT_CTL)]: { record: `echo "$*"`, act: "" },
  };
  for (const [name, stub] of Object.entries(stubs)) {
    fs.writeFileSync(path.join(dir, "bin", name), `#!/usr/bin/env bash
# Stub ${name} for the bootstrap live test.
set -euo pipefail
call=$(${stub.record})
echo "$call" >> ${quote(path.join(dir, `${name}-calls`))}
${stub.act}
`, { mode: 0o755 });
  }
}

/** Copies of the host's account files plus the `vault` system user and group the package creates. */
function writeAccountFiles(dir: string): void {
  const passwd = fs.readFileSync("/etc/passwd", "utf8");
  const group = fs.readFileSync("/etc/group", "utf8");
  const taken = new Set([...passwd.split("\n"), ...group.split("\n")].map((line) => line.split(":")[2]));
  let id = 900;
  while (taken.has(String(id))) id++;
  fs.writeFileSync(path.join(dir, "passwd"), `${passwd.trimEnd()}\nvault:x:${id}:${id}::/etc/vault.d:/bin/false\n`);
  fs.writeFileSync(path.join(dir, "group"), `${group.trimEnd()}\nvault:x:${id}:\n`);
}

/**
 * Stages the case's files and writes the script that mounts the sandbox, installs them, runs the
 * command and records what it left; returns the script's path.
 */
function writeSandboxScript(dir: string, spec: BootstrapCase): string {
  // Mount sources carry this tag, so `mount | grep vpb` would show any that outlived their namespace.
  const tag = `vpb-${process.pid}`;
  const scratch = path.join(dir, "scratch");
  const installs = spec.files.map((file, index) => {
    const staged = path.join(dir, "files", String(index));
    fs.writeFileSync(staged, file.content);
    const [user, group] = file.owner.split(":");
    return `install -D -m ${file.permissions} -o ${user} -g ${group} ${quote(staged)} ${quote(file.path)}`;
  });
  const env = Object.entries(spec.env).map(([name, value]) => `${name}=${quote(value)}`).join(" ");
  const wrapper = path.join(dir, "sandbox.sh");
  fs.writeFileSync(wrapper, `set -euo pipefail
# Every mount below lives only in this private mount namespace and ends with it.
mount -t tmpfs ${tag}-scratch ${quote(scratch)}
mkdir ${quote(`${scratch}/etc`)} ${quote(`${scratch}/etc-work`)}
mount -t overlay ${tag}-etc -o ${quote(`lowerdir=/etc,upperdir=${scratch}/etc,workdir=${scratch}/etc-work`)} /etc
mount --bind ${quote(path.join(dir, "passwd"))} /etc/passwd
mount --bind ${quote(path.join(dir, "group"))} /etc/group
${TMPFS_DIRS.map((target) => `mount -t tmpfs ${tag}-tmpfs ${target}`).join("\n")}
mkdir -p ${PREEXISTING_DIRS.join(" ")}
${installs.join("\n")}
# The agent's package puts its control script off PATH; the script calls it by that path.
install -D -m 0755 ${quote(path.join(dir, "bin", path.basename(CLOUDWATCH_AGENT_CTL)))} ${quote(CLOUDWATCH_AGENT_CTL)}

start=$(date +%s%3N)
status=0
env PATH=${quote(path.join(dir, "bin"))}:"$PATH" ${env} ${spec.command.map(quote).join(" ")} 2> ${quote(path.join(dir, "stderr"))} || status=$?
echo $(($(date +%s%3N) - start)) > ${quote(path.join(dir, "elapsed-ms"))}

for inspected in ${spec.inspect.map(quote).join(" ")}; do
  [ -e "$inspected" ] || continue
  stat -c '%n %U %G %a' "$inspected" >> ${quote(path.join(dir, "stat"))}
  if [ -f "$inspected" ]; then cp --parents "$inspected" ${quote(path.join(dir, "node"))}; fi
done
echo "$status" > ${quote(path.join(dir, "exit-code"))}
`);
  return wrapper;
}

/** Single-quotes a word for bash. */
function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
