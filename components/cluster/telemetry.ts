/**
 * Pure renderers for what a node reports: Vault's telemetry stanza, the CloudWatch agent's config (Vault's
 * statsd metrics, disk use, the audit log shipped to CloudWatch Logs) and the clock check chrony feeds.
 * The alarms (alarms.ts) name the metrics these produce; tests and the live cluster suite check both ends.
 */

/** Where Vault sends statsd metrics: the CloudWatch agent on the same node listens there, on loopback only. */
export const STATSD_ADDRESS = "127.0.0.1:8125";

/**
 * Vault's statsd sink appends label values to the metric name (`vault.core.active.<cluster name>`, seen on
 * Vault 1.21.1), so the cluster name is fixed here: the alarms can then name the metric exactly. Stacks are
 * told apart by the CloudWatch namespace, not by this name.
 */
export const VAULT_CLUSTER_NAME = "vault-platform";

/** Metric names as they reach CloudWatch: Vault's (statsd), chrony's (clock check) and the agent's (disk). */
export const NODE_METRICS = {
  /** 1 on the node holding the HA lock, 0 on a standby (vault/core_metrics.go, emitted every few seconds). */
  active: `vault.core.active.${VAULT_CLUSTER_NAME}`,
  /** Counters of audit entries that no device could write, per request and per response. */
  auditRequestFailure: "vault.audit.log_request_failure",
  auditResponseFailure: "vault.audit.log_response_failure",
  /** chrony's worst-case clock error (renderClockCheckScript), in milliseconds. */
  clockErrorBound: "vault_platform.clock_error_bound_ms",
  /** The root file system's use, in percent (the agent's disk plugin). */
  diskUsedPercent: "disk_used_percent",
} as const;

/**
 * The Vault metrics that leave the node: every statsd name becomes a CloudWatch custom metric (billed per
 * metric-month), and Vault emits about a hundred, so only the alarmed ones pass, plus request latency and
 * the lease count that an operator reads first (Vault's telemetry `prefix_filter`, with `filter_default = false`).
 */
export const EXPORTED_VAULT_METRICS = ["vault.core.active", NODE_METRICS.auditRequestFailure, NODE_METRICS.auditResponseFailure, "vault.core.handle_request", "vault.expire.num_leases"];

/** The CloudWatch namespace of a stack's node metrics. */
export function metricsNamespace(namePrefix: string): string {
  return `VaultPlatform/${namePrefix}`;
}

/** The telemetry stanza of vault.hcl: statsd to the local agent, no host name in metric names (so nodes roll up), the exported metrics only. */
export function renderTelemetryStanza(): string {
  return `telemetry {
  statsd_address   = "${STATSD_ADDRESS}"
  disable_hostname = true
  filter_default   = false
  prefix_filter    = [${EXPORTED_VAULT_METRICS.map((name) => `"+${name}"`).join(", ")}]
}
`;
}

export interface CloudWatchAgentParams {
  /** CloudWatch namespace of the metrics (metricsNamespace). */
  namespace: string;
  /** The file audit device's log, shipped line by line (the local file stays, rotated, as the node's copy). */
  auditLogPath: string;
  /** CloudWatch Logs group that receives it. */
  auditLogGroupName: string;
}

/**
 * The CloudWatch agent's config. Metrics are rolled up to no dimension (`aggregation_dimensions: [[]]`), so
 * one alarm covers every node: Maximum of `vault.core.active` is 1 while any node is active. No host
 * dimension (`omit_hostname`): per-node series would multiply the custom metrics by the node count. The
 * agent runs as root because Vault writes the audit log 0600 as its own user.
 */
export function renderCloudWatchAgentConfig(params: CloudWatchAgentParams): string {
  const config = {
    agent: { metrics_collection_interval: 60, run_as_user: "root", omit_hostname: true },
    metrics: {
      namespace: params.namespace,
      aggregation_dimensions: [[]],
      metrics_collected: {
        statsd: { service_address: STATSD_ADDRESS, metrics_collection_interval: 10, metrics_aggregation_interval: 60 },
        disk: { resources: ["/"], measurement: ["used_percent"], metrics_collection_interval: 60 },
      },
    },
    logs: {
      logs_collected: {
        files: {
          collect_list: [{ file_path: params.auditLogPath, log_group_name: params.auditLogGroupName, log_stream_name: "{instance_id}" }],
        },
      },
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * Publishes chrony's clock error bound, |offset| + root dispersion + root delay / 2 (what Amazon's ClockBound
 * reports), as a statsd gauge. Vault's DynamoDB lock compares expiry times written by one node's clock with
 * another's: a node whose clock runs ahead could take a lock that is still held.
 */
export function renderClockCheckScript(): string {
  const [host, port] = STATSD_ADDRESS.split(":");
  return `#!/usr/bin/env bash
# Runs every minute (vault-clock-check.timer); the clock-error alarm watches what it sends.
set -euo pipefail

# chronyc -c tracking: CSV; field 5 is the system time offset, 11 the root delay, 12 the root dispersion (seconds).
tracking=$(chronyc -c tracking)
bound_ms=$(awk -F, '{ offset = $5 < 0 ? -$5 : $5; printf "%.3f", (offset + $12 + $11 / 2) * 1000 }' <<<"$tracking")
printf '${NODE_METRICS.clockErrorBound}:%s|g' "$bound_ms" > /dev/udp/${host}/${port}
`;
}

/** The oneshot service that runs the clock check. */
export function renderClockCheckService(scriptPath: string): string {
  return `[Unit]
Description=Report chrony's clock error bound to the CloudWatch agent
After=chronyd.service

[Service]
Type=oneshot
ExecStart=${scriptPath}
`;
}

/** Its timer: every minute, the alarm's period. */
export function renderClockCheckTimer(): string {
  return `[Unit]
Description=Report chrony's clock error bound every minute

[Timer]
OnBootSec=1min
OnUnitActiveSec=1min

[Install]
WantedBy=timers.target
`;
}
