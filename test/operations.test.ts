import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as dgram from "dgram";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseHcl } from "../acl/hcl";
import { alarmSpecs, CLOCK_ERROR_BOUND_MS, renderAlarmTable } from "../components/cluster/alarms";
import { renderLifecycleScript, renderLifecycleService, STEP_DOWN_HEARTBEAT_SECONDS, STEP_DOWN_HOOK } from "../components/cluster/lifecycle";
import { auditLogGroupName } from "../components/cluster/monitoring";
import {
  metricsNamespace, NODE_METRICS, renderClockCheckScript, renderClockCheckService, renderClockCheckTimer, renderCloudWatchAgentConfig, STATSD_ADDRESS, VAULT_CLUSTER_NAME,
} from "../components/cluster/telemetry";
import { renderVaultConfig } from "../components/cluster/userData";
import { AWS_TYPES } from "../components/resourceTypes";
import { parseConfig, stackConfig } from "../config";
import { ProgramRun, runProgram } from "../offline/runtime";
import { decodeConfig } from "./fixtures";
import { ofType, onlyOfType, valueOf } from "./programRun";
import { shellcheck, systemdVerifyUnits } from "./validators";

const README = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");

/** A folder of stand-in commands: each logs its arguments to calls.log and runs the given body. */
function fakeCommands(commands: Record<string, string>): { bin: string; calls: () => string[] } {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-fake-"));
  const log = path.join(bin, "calls.log");
  for (const [name, body] of Object.entries(commands)) {
    fs.writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\necho "${name} $*" >> '${log}'\n${body}\n`, { mode: 0o755 });
  }
  return { bin, calls: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []) };
}

/** Runs the clock check with `chronyc -c tracking` answering `tracking`; resolves with what reached the agent's statsd port. */
async function clockCheckSends(tracking: string): Promise<string> {
  const { bin } = fakeCommands({ chronyc: `echo '${tracking}'` });
  const script = path.join(bin, "vault-clock-check");
  fs.writeFileSync(script, renderClockCheckScript(), { mode: 0o755 });
  const [host, port] = STATSD_ADDRESS.split(":");
  const socket = dgram.createSocket("udp4");
  try {
    await new Promise<void>((resolve, reject) => { socket.once("error", reject); socket.bind(Number(port), host, resolve); });
    const received = new Promise<string>((resolve) => socket.once("message", (message) => resolve(message.toString())));
    const run = spawnSync("bash", [script], { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    return await Promise.race([received, new Promise<string>((_, reject) => setTimeout(() => reject(new Error("nothing reached the statsd port in 5 s")), 5_000))]);
  } finally {
    socket.close();
  }
}

describe("operations: telemetry, audit shipping, alarms, leaving the cluster", () => {
  describe("what a node reports", () => {
    const hcl = parseHcl(renderVaultConfig({ region: "eu-west-1", tableName: "t", kmsKeyId: "k", nodeAddress: "10.0.0.1" }), "vault.hcl");
    const agent = JSON.parse(renderCloudWatchAgentConfig({ namespace: metricsNamespace("vault-dev"), auditLogPath: "/var/log/vault/audit.log", auditLogGroupName: auditLogGroupName("vault-dev") }));

    it("Vault sends statsd to the agent's loopback listener, without host names, under a fixed cluster name the alarm names", () => {
      assert.deepEqual(hcl.telemetry, [{
        statsd_address: STATSD_ADDRESS, disable_hostname: true, filter_default: false,
        prefix_filter: ["+vault.core.active", "+vault.audit.log_request_failure", "+vault.audit.log_response_failure", "+vault.core.handle_request", "+vault.expire.num_leases"],
      }]);
      assert.equal(hcl.cluster_name, VAULT_CLUSTER_NAME);
      assert.equal(NODE_METRICS.active, `vault.core.active.${VAULT_CLUSTER_NAME}`);
      assert.equal(agent.metrics.metrics_collected.statsd.service_address, hcl.telemetry[0].statsd_address);
      assert.match(STATSD_ADDRESS, /^127\.0\.0\.1:/, "statsd is never exposed off the node");
    });

    it("the agent publishes to the stack's namespace, rolled up across nodes, with the root disk's use", () => {
      assert.equal(agent.metrics.namespace, "VaultPlatform/vault-dev");
      assert.deepEqual(agent.metrics.aggregation_dimensions, [[]]);
      assert.deepEqual(agent.metrics.metrics_collected.disk, { resources: ["/"], measurement: ["used_percent"], metrics_collection_interval: 60 });
      assert.equal(agent.agent.run_as_user, "root", "Vault writes the audit log 0600 as its own user");
      assert.equal(agent.agent.omit_hostname, true, "one series per metric, not one per node");
    });

    it("ships the audit log file to the stack's log group, one stream per instance", () => {
      assert.deepEqual(agent.logs.logs_collected.files.collect_list, [{
        file_path: "/var/log/vault/audit.log", log_group_name: "/vault-platform/vault-dev/audit", log_stream_name: "{instance_id}",
      }]);
    });

    it("the clock check passes shellcheck, and its units pass systemd-analyze", () => {
      const result = shellcheck(renderClockCheckScript());
      assert.equal(result.status, 0, result.output);
      const units = { "vault-clock-check.service": renderClockCheckService("/bin/true"), "vault-clock-check.timer": renderClockCheckTimer() };
      const verified = systemdVerifyUnits(units);
      assert.equal(verified.status, 0, verified.output);
      assert.notEqual(systemdVerifyUnits({ ...units, "vault-clock-check.timer": renderClockCheckTimer().replace("OnUnitActiveSec", "OnUnitActiveSecs") }).status, 0);
    });

    it("the clock check sends chrony's error bound, |offset| + dispersion + delay / 2, in ms, as a gauge", async () => {
      // chronyc -c tracking: id, name, stratum, ref time, system time, last offset, rms, freq, resid, skew, root delay, root dispersion, interval, leap.
      const synced = await clockCheckSends("A9FEA97B,169.254.169.123,4,1764900000.123,-0.000250000,0.000001,0.000002,-3.1,0.0,0.1,0.000400000,0.000100000,64.2,Normal");
      assert.equal(synced, `${NODE_METRICS.clockErrorBound}:0.550|g`);
      const adrift = await clockCheckSends("A9FEA97B,169.254.169.123,4,1764900000.123,0.700000000,0.0,0.0,0.0,0.0,0.0,0.000400000,0.050000000,64.2,Normal");
      assert.equal(adrift, `${NODE_METRICS.clockErrorBound}:750.200|g`);
      assert.ok(750.2 > CLOCK_ERROR_BOUND_MS && 0.55 < CLOCK_ERROR_BOUND_MS);
    });
  });

  describe("leaving the cluster (termination lifecycle hook)", () => {
    const script = renderLifecycleScript("eu-west-1");

    it("passes shellcheck, and its service passes systemd-analyze", () => {
      const result = shellcheck(script);
      assert.equal(result.status, 0, result.output);
      const verified = systemdVerifyUnits({ "vault-lifecycle.service": renderLifecycleService("/bin/true") });
      assert.equal(verified.status, 0, verified.output);
    });

    it("waits through failed and InService polls, then stops Vault before releasing the termination", () => {
      const { bin, calls } = fakeCommands({
        // Target lifecycle state: IMDS fails once, then InService, then Terminated.
        curl: `case "$*" in
  *api/token*) echo token ;;
  *target-lifecycle-state*) n=$(grep -c target-lifecycle-state "$(dirname "$0")/calls.log"); case $n in 1) exit 22 ;; 2) echo InService ;; *) echo Terminated ;; esac ;;
  *instance-id*) echo i-0abc ;;
esac`,
        aws: `case "$*" in *describe-auto-scaling-instances*) echo vault-dev-asg ;; esac`,
        systemctl: "",
        sleep: "",
      });
      const file = path.join(bin, "vault-lifecycle");
      fs.writeFileSync(file, script, { mode: 0o755 });
      const run = spawnSync("bash", [file], { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: "utf8", timeout: 10_000 });
      assert.equal(run.status, 0, run.stderr);
      const significant = calls().filter((call) => !call.startsWith("curl") || call.includes("meta-data/"));
      assert.deepEqual(significant.map((call) => call.replace(/ -H X-aws-ec2-metadata-token: token /, " ").replace(/^curl -fsS --max-time 5 /, "curl ")), [
        "curl http://169.254.169.254/latest/meta-data/autoscaling/target-lifecycle-state",
        "sleep 5",
        "curl http://169.254.169.254/latest/meta-data/autoscaling/target-lifecycle-state",
        "sleep 5",
        "curl http://169.254.169.254/latest/meta-data/autoscaling/target-lifecycle-state",
        "systemctl stop vault",
        "curl http://169.254.169.254/latest/meta-data/instance-id",
        "aws autoscaling describe-auto-scaling-instances --region eu-west-1 --instance-ids i-0abc --query AutoScalingInstances[0].AutoScalingGroupName --output text",
        `aws autoscaling complete-lifecycle-action --region eu-west-1 --lifecycle-hook-name ${STEP_DOWN_HOOK} --auto-scaling-group-name vault-dev-asg --instance-id i-0abc --lifecycle-action-result CONTINUE`,
      ]);
    });
  });

  for (const [stack, expectedHealthy] of [["dev", 2], ["prod", 1]] as const) {
    describe(`alarms and audit shipping: the ${stack} stack`, () => {
      let run: ProgramRun;
      const prefix = `vault-${stack}`;
      before(async () => {
        const config = decodeConfig(stackConfig(stack));
        config["vault-platform:cluster"].alarmEmails = ["vault-oncall@example.com"];
        run = await runProgram(config, stack);
      });

      it("notifies one encrypted SNS topic, with the configured email subscribed, and exports its ARN", async () => {
        const topic = onlyOfType(run, AWS_TYPES.snsTopic);
        assert.equal(topic.inputs.kmsMasterKeyId, "alias/aws/sns");
        const subscription = onlyOfType(run, AWS_TYPES.snsSubscription).inputs;
        assert.deepEqual([subscription.protocol, subscription.endpoint], ["email", "vault-oncall@example.com"]);
        const topicArn = subscription.topic;
        for (const alarm of ofType(run, AWS_TYPES.metricAlarm)) assert.deepEqual([alarm.inputs.alarmActions, alarm.inputs.okActions], [[topicArn], [topicArn]], alarm.name);
        assert.equal(await valueOf(run.outputs.alarmTopicArn!), topicArn);
      });

      it(`creates the alarms with their metrics, thresholds and periods (healthy targets: fewer than ${expectedHealthy})`, () => {
        const alarms = Object.fromEntries(ofType(run, AWS_TYPES.metricAlarm).map((alarm) => [alarm.inputs.name, alarm.inputs]));
        const plain = (id: string) => {
          const alarm = alarms[`${prefix}-${id}`];
          return [alarm.namespace, alarm.metricName, alarm.statistic, alarm.period, alarm.evaluationPeriods, alarm.comparisonOperator, alarm.threshold, alarm.treatMissingData];
        };
        const namespace = `VaultPlatform/${prefix}`;
        assert.deepEqual(plain("no-active-node"), [namespace, "vault.core.active.vault-platform", "Maximum", 60, 2, "LessThanThreshold", 1, "breaching"]);
        assert.deepEqual(plain("healthy-targets-low"), ["AWS/NetworkELB", "HealthyHostCount", "Minimum", 60, 5, "LessThanThreshold", expectedHealthy, "breaching"]);
        assert.deepEqual(plain("audit-failures"), [namespace, "vault.audit.log_request_failure", "Sum", 60, 1, "GreaterThanThreshold", 0, "notBreaching"]);
        assert.deepEqual(plain("audit-response-failures"), [namespace, "vault.audit.log_response_failure", "Sum", 60, 1, "GreaterThanThreshold", 0, "notBreaching"]);
        assert.deepEqual(plain("clock-error"), [namespace, "vault_platform.clock_error_bound_ms", "Maximum", 60, 3, "GreaterThanThreshold", 500, "notBreaching"]);
        assert.deepEqual(plain("disk-used"), [namespace, "disk_used_percent", "Maximum", 300, 1, "GreaterThanThreshold", 80, "notBreaching"]);
        const balancer = onlyOfType(run, AWS_TYPES.loadBalancer).name;
        const targets = onlyOfType(run, AWS_TYPES.targetGroup).name;
        assert.deepEqual(alarms[`${prefix}-healthy-targets-low`].dimensions, { LoadBalancer: `net/${balancer}/0123456789abcdef`, TargetGroup: `targetgroup/${targets}/0123456789abcdef` });
        const table = `${onlyOfType(run, AWS_TYPES.table).name}-abc123`;
        for (const [id, metric] of [["storage-throttled", "ThrottledRequests"], ["storage-system-errors", "SystemErrors"]]) {
          const alarm = alarms[`${prefix}-${id}`];
          assert.deepEqual(alarm.metricQueries, [{
            id: "q", period: 60, returnData: true,
            expression: `SELECT SUM(${metric}) FROM SCHEMA("AWS/DynamoDB", Operation, TableName) WHERE TableName = '${table}'`,
          }]);
          assert.deepEqual([alarm.comparisonOperator, alarm.threshold, alarm.metricName], ["GreaterThanThreshold", 0, undefined]);
        }
        assert.equal(Object.keys(alarms).length, 8);
      });

      it("an instance refresh stops and rolls back on the alarms that mean clients fail, and every termination waits for Vault to stop", () => {
        const group = onlyOfType(run, AWS_TYPES.autoScalingGroup).inputs;
        assert.deepEqual([...group.instanceRefresh.preferences.alarmSpecification.alarms].sort(), ["audit-failures", "audit-response-failures", "healthy-targets-low", "no-active-node"].map((id) => `${prefix}-${id}`));
        assert.deepEqual(group.initialLifecycleHooks, [{
          name: STEP_DOWN_HOOK, lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING", heartbeatTimeout: STEP_DOWN_HEARTBEAT_SECONDS, defaultResult: "CONTINUE",
        }]);
      });

      it("keeps the shipped audit log a year by default, in a protected log group the nodes write to", () => {
        const logGroup = onlyOfType(run, AWS_TYPES.logGroup);
        assert.deepEqual([logGroup.inputs.name, logGroup.inputs.retentionInDays, logGroup.protect], [`/vault-platform/${prefix}/audit`, 365, true]);
        const userData = Buffer.from(onlyOfType(run, AWS_TYPES.launchTemplate).inputs.userData, "base64").toString("utf8");
        assert.ok(userData.includes(`"log_group_name": "/vault-platform/${prefix}/audit"`));
        assert.ok(userData.includes(`"namespace": "VaultPlatform/${prefix}"`));
      });

      it("the README's alarm table is the one this stack creates", () => {
        const config = parseConfig(stackConfig(stack), { env: { VAULT_TOKEN: "checked-only" } });
        if (!config.cluster.enabled) throw new Error(`${stack} has no cluster`);
        const specs = alarmSpecs({
          namePrefix: prefix, namespace: metricsNamespace(prefix), healthCheck: config.cluster.healthCheck, nodeCount: config.cluster.nodeCount,
          tableName: "table", arnSuffixes: { loadBalancer: "lb", targetGroup: "tg" },
        });
        const table = renderAlarmTable(specs);
        assert.ok(README.includes(`<!-- alarms:${stack} -->\n${table}\n<!-- /alarms:${stack} -->`), `README.md: put this between <!-- alarms:${stack} --> and <!-- /alarms:${stack} -->:\n${table}`);
      });
    });
  }
});
