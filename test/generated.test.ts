import { strict as assert } from "assert";
import { HclSyntaxError, parseHcl } from "../acl/hcl";
import {
  AUDIT_LOG_MAX_SIZE, NODE_IP_PLACEHOLDER, renderAuditLogrotate, renderBootstrapScript, renderCloudConfig, renderLogrotateHourly, renderServiceDropIn, renderVaultConfig,
} from "../components/cluster/userData";
import * as yaml from "js-yaml";
import { renderLifecycleScript, renderLifecycleService } from "../components/cluster/lifecycle";
import { renderClockCheckScript, renderClockCheckService, renderClockCheckTimer, renderCloudWatchAgentConfig } from "../components/cluster/telemetry";
import { cloudInitSchema, logrotateCheck, shellcheck, systemdVerify } from "./validators";

const params = {
  region: "eu-west-1",
  tableName: "vault-storage-table-abc123",
  kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/0b1c",
  tlsSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:vault-tls-AbCd",
  tlsSecretVersionId: "0f6a3c2e-1b2d-4e5f-8a9b-0c1d2e3f4a5b",
  vaultVersion: "1.20.4",
  auditLogPath: "/var/log/vault/audit.log",
  namespace: "VaultPlatform/vault-dev",
  auditLogGroupName: "/vault-platform/vault-dev/audit",
};

describe("generated node files", () => {
  describe("vault.hcl", () => {
    const config = parseHcl(renderVaultConfig({ ...params, nodeAddress: "10.40.0.12" }), "vault.hcl");

    it("parses with HashiCorp's HCL parser", () => assert.equal(typeof config, "object"));

    it("uses DynamoDB storage with the HA lock on, as a string", () => {
      assert.deepEqual(config.storage, [{ dynamodb: [{ ha_enabled: "true", region: "eu-west-1", table: params.tableName }] }]);
    });

    it("auto-unseals with the KMS key", () => {
      assert.deepEqual(config.seal, [{ awskms: [{ region: "eu-west-1", kms_key_id: params.kmsKeyId }] }]);
    });

    it("listens with TLS 1.2 or better on 8200 and 8201", () => {
      const listener = config.listener[0].tcp[0];
      assert.equal(listener.address, "0.0.0.0:8200");
      assert.equal(listener.cluster_address, "0.0.0.0:8201");
      assert.equal(listener.tls_min_version, "tls12");
      assert.equal(listener.tls_disable, undefined);
      assert.equal(listener.tls_require_and_verify_client_cert, undefined, "client certs would fail LB health checks");
      assert.match(listener.tls_cert_file, /\.crt$/);
      assert.match(listener.tls_key_file, /\.key$/);
    });

    it("sets full per-node api_addr and cluster_addr, the UI, and keeps mlock", () => {
      assert.equal(config.api_addr, "https://10.40.0.12:8200");
      assert.equal(config.cluster_addr, "https://10.40.0.12:8201");
      assert.equal(config.ui, true);
      assert.equal(config.disable_mlock, false);
    });

    it("is a template the bootstrap script fills with the node IP", () => {
      const template = renderVaultConfig({ ...params, nodeAddress: NODE_IP_PLACEHOLDER });
      assert.equal(template.split(NODE_IP_PLACEHOLDER).length - 1, 2);
      assert.ok(renderBootstrapScript(params).includes(`s/${NODE_IP_PLACEHOLDER}/$node_ip/g`));
    });

    it("the parser rejects a broken config (the check can fail)", () => {
      assert.throws(() => parseHcl(renderVaultConfig({ ...params, nodeAddress: "10.0.0.1" }).replace('ha_enabled = "true"', 'ha_enabled = "true'), "vault.hcl"), (error: unknown) =>
        error instanceof HclSyntaxError && error.message.startsWith("vault.hcl:9:"));
    });
  });

  describe("cloud-config", () => {
    const text = renderCloudConfig(params);
    const document = yaml.load(text) as Record<string, any>;

    it("passes `cloud-init schema`", () => {
      const result = cloudInitSchema(text);
      assert.equal(result.status, 0, result.output);
      assert.match(result.output, /Valid cloud-config/);
    });

    it("`cloud-init schema` rejects a broken cloud-config (the check can fail)", () => {
      const result = cloudInitSchema(text.replace("permissions: '0750'", "permissions: 750"));
      assert.notEqual(result.status, 0, result.output);
    });

    it("installs the pinned Vault from HashiCorp's signed repository", () => {
      assert.ok(document.packages.includes("vault-1.20.4-1"));
      const repo = document.write_files.find((file: any) => file.path === "/etc/yum.repos.d/hashicorp.repo").content;
      assert.match(repo, /^gpgcheck=1$/m);
      assert.match(repo, /^baseurl=https:\/\/rpm\.releases\.hashicorp\.com\//m);
      assert.match(repo, /^gpgkey=https:\/\/rpm\.releases\.hashicorp\.com\/gpg$/m);
    });

    it("never carries key material: the TLS bundle is fetched from Secrets Manager", () => {
      assert.doesNotMatch(text, /BEGIN [A-Z ]*PRIVATE KEY/);
      assert.match(text, /secretsmanager get-secret-value/);
      assert.ok(text.includes(params.tlsSecretArn));
    });

    it("runs chrony, because clock skew breaks the DynamoDB lock", () => {
      assert.ok(document.packages.includes("chrony"));
      assert.match(renderBootstrapScript(params), /systemctl enable --now chronyd/);
    });

    it("starts the packaged vault service after writing its config", () => {
      const script = renderBootstrapScript(params);
      assert.ok(script.indexOf("vault.hcl'") < script.indexOf("systemctl enable --now vault"));
      assert.deepEqual(document.runcmd, [["/usr/local/sbin/vault-bootstrap"]]);
    });
  });

  describe("bootstrap script", () => {
    it("is clean under shellcheck", () => {
      const result = shellcheck(renderBootstrapScript(params));
      assert.equal(result.status, 0, result.output);
    });

    it("shellcheck flags a broken script (the check can fail)", () => {
      const result = shellcheck(renderBootstrapScript(params).replace('"X-aws-ec2-metadata-token: $imds_token"', "X-aws-ec2-metadata-token:\\ $imds_token"));
      assert.notEqual(result.status, 0);
    });

    it("reads the node IP through IMDSv2 with a session token", () => {
      const script = renderBootstrapScript(params);
      assert.match(script, /curl -fsS --max-time 5 -X PUT "\$imds\/api\/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300'/);
      assert.match(script, /-H "X-aws-ec2-metadata-token: \$imds_token" "\$imds\/meta-data\/local-ipv4"/);
    });

    // test/live/bootstrap.test.ts runs the retries with the overrides; this pins what nodes get without them.
    it("retries for a few minutes at most in production: doubling sleeps from the default first delay", () => {
      const script = renderBootstrapScript(params);
      const attempts = Number(/\$\{VAULT_BOOTSTRAP_ATTEMPTS:-(\d+)\}/.exec(script)?.[1]);
      const firstDelay = Number(/\$\{VAULT_BOOTSTRAP_RETRY_SECONDS:-(\d+)\}/.exec(script)?.[1]);
      assert.match(script, /delay=\$\(\(delay \* 2\)\)/);
      const totalSleepSeconds = firstDelay * (2 ** (attempts - 1) - 1);
      assert.ok(totalSleepSeconds >= 60 && totalSleepSeconds <= 240, `${attempts} attempts from ${firstDelay} s sleep ${totalSleepSeconds} s in all`);
    });
  });

  describe("systemd drop-in", () => {
    const base = "[Unit]\nDescription=stand-in for the packaged vault.service\n\n[Service]\nExecStart=/bin/true\n\n";

    it("passes `systemd-analyze verify` on top of a unit", () => {
      const result = systemdVerify(base + renderServiceDropIn());
      assert.equal(result.status, 0, result.output);
    });

    it("systemd-analyze flags an unknown key (the check can fail)", () => {
      assert.notEqual(systemdVerify(base + renderServiceDropIn().replace("RestartSec", "RestartSecs")).status, 0);
    });

    it("keeps retrying instead of giving up after three failures", () => {
      assert.match(renderServiceDropIn(), /^StartLimitIntervalSec=0$/m);
      assert.match(renderServiceDropIn(), /^Restart=on-failure$/m);
    });
  });

  it("writes exactly these files, with these owners and modes, and installs the pinned Vault with jq, chrony and the CloudWatch agent", () => {
    const cloudConfig = yaml.load(renderCloudConfig(params).replace(/^#cloud-config\n/, "")) as {
      package_update: boolean; packages: string[]; write_files: Array<{ path: string; content: string; permissions: string; owner: string }>; runcmd: string[][];
    };
    assert.equal(cloudConfig.package_update, true);
    assert.deepEqual(cloudConfig.packages, [`vault-${params.vaultVersion}-1`, "jq", "chrony", "amazon-cloudwatch-agent"]);
    assert.deepEqual(cloudConfig.write_files.map(({ path, permissions, owner }) => `${path} ${permissions} ${owner}`), [
      "/etc/yum.repos.d/hashicorp.repo 0644 root:root",
      "/etc/vault.d/vault.hcl.template 0640 root:root",
      "/etc/systemd/system/vault.service.d/10-vault-platform.conf 0644 root:root",
      "/etc/logrotate.d/vault-audit 0644 root:root",
      "/etc/systemd/system/logrotate.timer.d/10-hourly.conf 0644 root:root",
      "/opt/aws/amazon-cloudwatch-agent/etc/vault-platform.json 0644 root:root",
      "/usr/local/sbin/vault-clock-check 0755 root:root",
      "/etc/systemd/system/vault-clock-check.service 0644 root:root",
      "/etc/systemd/system/vault-clock-check.timer 0644 root:root",
      "/usr/local/sbin/vault-lifecycle 0750 root:root",
      "/etc/systemd/system/vault-lifecycle.service 0644 root:root",
      "/usr/local/sbin/vault-bootstrap 0750 root:root",
    ]);
    const content = (path: string) => cloudConfig.write_files.find((file) => file.path === path)!.content;
    assert.equal(content("/etc/yum.repos.d/hashicorp.repo"), [
      "[hashicorp]", "name=HashiCorp Stable - $basearch", "baseurl=https://rpm.releases.hashicorp.com/AmazonLinux/latest/$basearch/stable",
      "enabled=1", "gpgcheck=1", "gpgkey=https://rpm.releases.hashicorp.com/gpg", "",
    ].join("\n"));
    assert.equal(content("/etc/vault.d/vault.hcl.template"), renderVaultConfig({ ...params, nodeAddress: NODE_IP_PLACEHOLDER }));
    assert.equal(content("/etc/systemd/system/vault.service.d/10-vault-platform.conf"), renderServiceDropIn());
    assert.equal(content("/etc/logrotate.d/vault-audit"), renderAuditLogrotate(params.auditLogPath));
    assert.equal(content("/usr/local/sbin/vault-bootstrap"), renderBootstrapScript(params));
    assert.equal(content("/opt/aws/amazon-cloudwatch-agent/etc/vault-platform.json"), renderCloudWatchAgentConfig(params));
    assert.equal(content("/usr/local/sbin/vault-clock-check"), renderClockCheckScript());
    assert.equal(content("/etc/systemd/system/vault-clock-check.service"), renderClockCheckService("/usr/local/sbin/vault-clock-check"));
    assert.equal(content("/etc/systemd/system/vault-clock-check.timer"), renderClockCheckTimer());
    assert.equal(content("/usr/local/sbin/vault-lifecycle"), renderLifecycleScript(params.region));
    assert.equal(content("/etc/systemd/system/vault-lifecycle.service"), renderLifecycleService("/usr/local/sbin/vault-lifecycle"));
    assert.deepEqual(cloudConfig.runcmd, [["/usr/local/sbin/vault-bootstrap"]]);
    assert.match(renderVaultConfig({ ...params, nodeAddress: "10.0.0.1" }), /tls_cert_file\s+= "\/opt\/vault\/tls\/vault\.crt"/);
  });

  describe("audit log rotation", () => {
    const rule = renderAuditLogrotate("/var/log/vault/audit.log");

    it("rotates the audit log and has Vault reopen it", () => {
      assert.match(rule, /^\/var\/log\/vault\/audit\.log \{/);
      assert.match(rule, /systemctl reload vault/);
    });

    it(`passes \`logrotate --debug\`, which reads the size cap: rotated at ${AUDIT_LOG_MAX_SIZE} before the day is over`, () => {
      const result = logrotateCheck(rule);
      assert.equal(result.status, 0, result.output);
      assert.equal(AUDIT_LOG_MAX_SIZE, "500M");
      assert.match(result.output, new RegExp(`log files >= ${500 * 1024 * 1024} are rotated earlier`));
    });

    it("logrotate flags an unknown directive (the check can fail)", () => {
      assert.notEqual(logrotateCheck(rule.replace("maxsize", "maxsizes")).status, 0);
    });

    it("runs logrotate hourly, so the size cap is checked every hour, and the bootstrap applies that before Vault starts", () => {
      assert.match(renderLogrotateHourly(), /^\[Timer\]\nOnCalendar=\nOnCalendar=hourly\n$/);
      const cloudConfig = yaml.load(renderCloudConfig(params).replace(/^#cloud-config\n/, "")) as { write_files: Array<{ path: string; content: string }> };
      assert.equal(cloudConfig.write_files.find((file) => file.path === "/etc/systemd/system/logrotate.timer.d/10-hourly.conf")?.content, renderLogrotateHourly());
      const script = renderBootstrapScript(params);
      const [reload, timer, vault] = ["systemctl daemon-reload", "systemctl restart logrotate.timer", "systemctl enable --now vault"].map((command) => script.indexOf(command));
      assert.ok(reload >= 0 && reload < timer && timer < vault, "daemon-reload, then the timer, then Vault");
    });
  });
});
