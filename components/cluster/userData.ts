/**
 * Pure renderers for everything a Vault node boots with: the server config, the bootstrap script, the
 * systemd drop-in and the cloud-config that carries them. Tests call these directly and validate the
 * results with real tools (an HCL parser, `cloud-init schema`, shellcheck, systemd-analyze).
 */
import * as yaml from "js-yaml";
import { LIFECYCLE_SCRIPT_PATH, renderLifecycleScript, renderLifecycleService } from "./lifecycle";
import {
  CloudWatchAgentParams, renderClockCheckScript, renderClockCheckService, renderClockCheckTimer, renderCloudWatchAgentConfig, renderTelemetryStanza, VAULT_CLUSTER_NAME,
} from "./telemetry";

/** Stands in for the node's private IP in the config template; the bootstrap script replaces it. */
export const NODE_IP_PLACEHOLDER = "@NODE_PRIVATE_IP@";
export const VAULT_API_PORT = 8200;
export const VAULT_CLUSTER_PORT = 8201;
export const VAULT_CONFIG_DIR = "/etc/vault.d";
export const VAULT_TLS_DIR = "/opt/vault/tls";
const BOOTSTRAP_PATH = "/usr/local/sbin/vault-bootstrap";
const CLOCK_CHECK_PATH = "/usr/local/sbin/vault-clock-check";
export const CLOUDWATCH_AGENT_CONFIG = "/opt/aws/amazon-cloudwatch-agent/etc/vault-platform.json";
/** Where the amazon-cloudwatch-agent package installs its control script (not on root's PATH). */
export const CLOUDWATCH_AGENT_CTL = "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl";

export interface VaultConfigParams {
  /** AWS region of the table and the key. */
  region: string;
  /** DynamoDB table that holds Vault's data and the HA lock. */
  tableName: string;
  /** KMS key (id, ARN or alias) for auto-unseal. */
  kmsKeyId: string;
  /** The node's private IP, or NODE_IP_PLACEHOLDER for the template the bootstrap script fills in. */
  nodeAddress: string;
}

/** The Vault server configuration (`/etc/vault.d/vault.hcl`). */
export function renderVaultConfig(params: VaultConfigParams): string {
  return `# Rendered by vault-platform; changes here are overwritten on the next instance refresh.
ui            = true
cluster_name  = "${VAULT_CLUSTER_NAME}"
disable_mlock = false
api_addr      = "https://${params.nodeAddress}:${VAULT_API_PORT}"
cluster_addr  = "https://${params.nodeAddress}:${VAULT_CLUSTER_PORT}"

storage "dynamodb" {
  ha_enabled = "true"
  region     = "${params.region}"
  table      = "${params.tableName}"
}

seal "awskms" {
  region     = "${params.region}"
  kms_key_id = "${params.kmsKeyId}"
}

listener "tcp" {
  address         = "0.0.0.0:${VAULT_API_PORT}"
  cluster_address = "0.0.0.0:${VAULT_CLUSTER_PORT}"
  tls_cert_file   = "${VAULT_TLS_DIR}/vault.crt"
  tls_key_file    = "${VAULT_TLS_DIR}/vault.key"
  tls_min_version = "tls12"
}

${renderTelemetryStanza()}`;
}

export interface BootstrapParams {
  /** AWS region of the TLS secret. */
  region: string;
  /** Secrets Manager secret holding { certificate, privateKey, caCertificate }. */
  tlsSecretArn: string;
  /**
   * The secret version this launch template's nodes read. A renewed certificate is a new version, so
   * the user-data changes, a new launch template version follows, and the instance refresh rolls it
   * onto the nodes one at a time; a node never reads a bundle it was not launched for.
   */
  tlsSecretVersionId: string;
}

/**
 * The first-boot script: instance ID and node IP through IMDSv2, TLS files from Secrets Manager, config,
 * start, and a check that vault.service came up. Each remote call is retried with doubling sleeps (6
 * attempts, 5 s first: 155 s of sleeps at most) because IMDS, the Secrets Manager endpoint and the role's
 * credentials can lag the first seconds of boot; when one never answers, or Vault never starts, the
 * script says what failed and has the node replaced (give_up).
 */
export function renderBootstrapScript(params: BootstrapParams): string {
  return `#!/usr/bin/env bash
# Runs once at first boot (cloud-init runcmd), after the pinned vault package is installed.
set -euo pipefail

# Attempts per remote call, and the first sleep in whole seconds (doubled after each failure). cloud-init
# sets neither variable, so nodes get these defaults; only the live test overrides them, to run in seconds.
readonly attempts=\${VAULT_BOOTSTRAP_ATTEMPTS:-6} first_delay=\${VAULT_BOOTSTRAP_RETRY_SECONDS:-5}

# give_up WHY: this node cannot become a Vault server. With EC2 health checks it would otherwise stay
# "healthy" for good, so it marks itself unhealthy and the Auto Scaling group replaces it; without its
# instance ID (IMDS down) or when that call fails, it powers off, which fails the EC2 check instead.
give_up() {
  echo "vault-bootstrap: $1" >&2
  if [[ -n \${instance_id:-} ]] && aws autoscaling set-instance-health --region '${params.region}' \\
    --instance-id "$instance_id" --health-status Unhealthy --no-should-respect-grace-period; then
    echo "vault-bootstrap: marked $instance_id unhealthy; the Auto Scaling group replaces it" >&2
  else
    echo "vault-bootstrap: could not mark this instance unhealthy; powering off" >&2
    systemctl poweroff
  fi
  exit 1
}

# retry WHAT COMMAND...: prints the output of the first attempt of COMMAND that succeeds, sleeping
# first_delay, then twice as long each time, in between; gives up naming WHAT when every attempt failed.
retry() {
  local what=$1 attempt delay=$first_delay output
  shift
  for ((attempt = 1; ; attempt++)); do
    if output=$("$@"); then
      printf '%s\\n' "$output"
      return 0
    fi
    if ((attempt >= attempts)); then
      give_up "$what unreachable after $attempts attempts"
    fi
    sleep "$delay"
    delay=$((delay * 2))
  done
}

# --max-time: an IMDS connection that hangs counts as a failed attempt instead of stalling the boot.
readonly imds=http://169.254.169.254/latest
imds_token=$(retry 'instance metadata (IMDSv2 token)' \\
  curl -fsS --max-time 5 -X PUT "$imds/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
instance_id=$(retry 'instance metadata (instance-id)' \\
  curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: $imds_token" "$imds/meta-data/instance-id")
node_ip=$(retry 'instance metadata (local-ipv4)' \\
  curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: $imds_token" "$imds/meta-data/local-ipv4")

# The private key never travels in user-data: it is read from Secrets Manager with the instance role.
tls_bundle=$(retry 'Secrets Manager (${params.tlsSecretArn})' \\
  aws secretsmanager get-secret-value --region '${params.region}' \\
  --secret-id '${params.tlsSecretArn}' --version-id '${params.tlsSecretVersionId}' --query SecretString --output text)
install -d -m 0750 -o vault -g vault '${VAULT_TLS_DIR}'
umask 027
jq -r '.certificate, .caCertificate' <<<"$tls_bundle" > '${VAULT_TLS_DIR}/vault.crt'
jq -r '.privateKey' <<<"$tls_bundle" > '${VAULT_TLS_DIR}/vault.key'
jq -r '.caCertificate' <<<"$tls_bundle" > /etc/pki/ca-trust/source/anchors/vault-ca.pem
update-ca-trust
chown vault:vault '${VAULT_TLS_DIR}/vault.crt' '${VAULT_TLS_DIR}/vault.key'
chmod 0640 '${VAULT_TLS_DIR}/vault.key'

sed "s/${NODE_IP_PLACEHOLDER}/$node_ip/g" '${VAULT_CONFIG_DIR}/vault.hcl.template' > '${VAULT_CONFIG_DIR}/vault.hcl'
chown root:vault '${VAULT_CONFIG_DIR}/vault.hcl'
chmod 0640 '${VAULT_CONFIG_DIR}/vault.hcl'
install -d -m 0750 -o vault -g vault /var/log/vault

systemctl enable --now chronyd
systemctl daemon-reload
systemctl restart logrotate.timer
# Metrics and the audit log leave the node through the CloudWatch agent (config written by cloud-init).
'${CLOUDWATCH_AGENT_CTL}' -a fetch-config -m ec2 -s -c 'file:${CLOUDWATCH_AGENT_CONFIG}'
systemctl enable --now vault-clock-check.timer
systemctl enable --now vault
# vault.service is Type=notify: "active" means Vault started and listens. One that keeps failing (a bad
# config, KMS or DynamoDB out of reach for minutes) is given up on, so the node is replaced.
retry 'vault.service active' systemctl is-active --quiet vault >/dev/null
systemctl enable --now vault-lifecycle
`;
}

/**
 * A drop-in for the packaged vault.service: the unit gives up after 3 failures in 60 s, which would
 * leave a node dead for good after a short KMS or DynamoDB outage at boot; keep retrying instead.
 */
export function renderServiceDropIn(): string {
  return `[Unit]
StartLimitIntervalSec=0

[Service]
Restart=on-failure
RestartSec=5
`;
}

/** A drop-in for logrotate.timer: hourly instead of daily, so that the audit rule's maxsize is checked every hour. */
export function renderLogrotateHourly(): string {
  return `[Timer]
OnCalendar=
OnCalendar=hourly
`;
}

/** The size at which the audit log is rotated before its day is over: a request storm cannot fill the disk between two daily runs. */
export const AUDIT_LOG_MAX_SIZE = "500M";

/**
 * logrotate rule for the file audit device; SIGHUP makes Vault reopen the file. Daily or at
 * AUDIT_LOG_MAX_SIZE (logrotate runs hourly for that: see renderLogrotateHourly), 14 files kept.
 */
export function renderAuditLogrotate(auditLogPath: string): string {
  return `${auditLogPath} {
  daily
  maxsize ${AUDIT_LOG_MAX_SIZE}
  rotate 14
  compress
  delaycompress
  missingok
  notifempty
  postrotate
    /usr/bin/systemctl reload vault 2>/dev/null || true
  endscript
}
`;
}

export interface CloudConfigParams extends Omit<VaultConfigParams, "nodeAddress">, BootstrapParams, CloudWatchAgentParams {
  /** Pinned Vault release, e.g. "1.21.1"; installed as the package vault-<version>-1. */
  vaultVersion: string;
}

/** The cloud-config user-data of a Vault node. */
export function renderCloudConfig(params: CloudConfigParams): string {
  const file = (path: string, content: string, permissions: string, owner = "root:root") => ({ path, content, permissions, owner });
  const document = {
    package_update: true,
    packages: [`vault-${params.vaultVersion}-1`, "jq", "chrony", "amazon-cloudwatch-agent"],
    write_files: [
      file(
        "/etc/yum.repos.d/hashicorp.repo",
        [
          "[hashicorp]",
          "name=HashiCorp Stable - $basearch",
          "baseurl=https://rpm.releases.hashicorp.com/AmazonLinux/latest/$basearch/stable",
          "enabled=1",
          "gpgcheck=1",
          "gpgkey=https://rpm.releases.hashicorp.com/gpg",
          "",
        ].join("\n"),
        "0644",
      ),
      file(`${VAULT_CONFIG_DIR}/vault.hcl.template`, renderVaultConfig({ ...params, nodeAddress: NODE_IP_PLACEHOLDER }), "0640"),
      file("/etc/systemd/system/vault.service.d/10-vault-platform.conf", renderServiceDropIn(), "0644"),
      file("/etc/logrotate.d/vault-audit", renderAuditLogrotate(params.auditLogPath), "0644"),
      file("/etc/systemd/system/logrotate.timer.d/10-hourly.conf", renderLogrotateHourly(), "0644"),
      file(CLOUDWATCH_AGENT_CONFIG, renderCloudWatchAgentConfig(params), "0644"),
      file(CLOCK_CHECK_PATH, renderClockCheckScript(), "0755"),
      file("/etc/systemd/system/vault-clock-check.service", renderClockCheckService(CLOCK_CHECK_PATH), "0644"),
      file("/etc/systemd/system/vault-clock-check.timer", renderClockCheckTimer(), "0644"),
      file(LIFECYCLE_SCRIPT_PATH, renderLifecycleScript(params.region), "0750"),
      file("/etc/systemd/system/vault-lifecycle.service", renderLifecycleService(LIFECYCLE_SCRIPT_PATH), "0644"),
      file(BOOTSTRAP_PATH, renderBootstrapScript(params), "0750"),
    ],
    runcmd: [[BOOTSTRAP_PATH]],
  };
  return `#cloud-config\n${yaml.dump(document, { lineWidth: -1, noRefs: true })}`;
}
