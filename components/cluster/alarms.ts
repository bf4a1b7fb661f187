/**
 * The cluster's alarms as data: metric, statistic, period, threshold and the reason, one list that the
 * monitoring component creates, the instance refresh stops on, the README's table shows and the tests read.
 */
import * as pulumi from "@pulumi/pulumi";
import { HealthCheckMode } from "./loadBalancer";
import { NODE_METRICS } from "./telemetry";

export type Comparison = "LessThanThreshold" | "GreaterThanThreshold";

/** One metric alarm: a plain metric with dimensions, or a Metrics Insights query over a schema. */
export interface AlarmSpec {
  /** Suffix of the alarm name (`<namePrefix>-<id>`). */
  id: string;
  /** Why it pages someone: one line, also in the README. */
  reason: string;
  /** The metric as CloudWatch knows it. */
  metric: { namespace: string; name: string; dimensions?: Record<string, pulumi.Input<string>> } | { query: pulumi.Input<string>; summary: string };
  statistic: "Maximum" | "Minimum" | "Sum";
  periodSeconds: number;
  /** Periods that must breach, out of as many evaluated. */
  evaluationPeriods: number;
  comparison: Comparison;
  threshold: number;
  /** "breaching" where silence itself means trouble (no node reporting). */
  treatMissingData: "breaching" | "notBreaching";
  /** Stops an instance refresh and rolls it back while in alarm. */
  stopsRefresh: boolean;
}

export interface AlarmParams {
  /** Prefix of the alarm names. */
  namePrefix: string;
  /** CloudWatch namespace of the node metrics (metricsNamespace). */
  namespace: string;
  /** Health-check mode of the target group: which nodes count as healthy. */
  healthCheck: HealthCheckMode;
  nodeCount: number;
  /** The storage table's name. */
  tableName: pulumi.Input<string>;
  /** ARN suffixes CloudWatch uses as the load balancer's dimensions (`net/...`, `targetgroup/...`). */
  arnSuffixes: { loadBalancer: pulumi.Input<string>; targetGroup: pulumi.Input<string> };
}

/**
 * chrony keeps an EC2 clock within a millisecond of Amazon Time Sync; 500 ms means it lost its source. The
 * lock gives 10 s between a renewal (every 5 s) and expiry (15 s): the alarm fires far before that margin.
 */
export const CLOCK_ERROR_BOUND_MS = 500;
/** Percent of the root volume: the audit log (rotated hourly at 500 MB, 14 kept) must never fill it. */
export const DISK_USED_PERCENT = 80;

/** A DynamoDB metric summed over every operation on the table (its dimensions are TableName and Operation). */
function tableMetric(metric: string, tableName: pulumi.Input<string>): { query: pulumi.Output<string>; summary: string } {
  return {
    query: pulumi.interpolate`SELECT SUM(${metric}) FROM SCHEMA("AWS/DynamoDB", Operation, TableName) WHERE TableName = '${tableName}'`,
    summary: `AWS/DynamoDB ${metric}, all operations`,
  };
}

/** The cluster's alarms. */
export function alarmSpecs(params: AlarmParams): AlarmSpec[] {
  const node = (name: string) => ({ namespace: params.namespace, name });
  const expectedHealthy = params.healthCheck === "active" ? 1 : params.nodeCount;
  return [
    {
      id: "no-active-node",
      reason: "no node holds the HA lock (or none reports): every request fails",
      metric: node(NODE_METRICS.active), statistic: "Maximum", periodSeconds: 60, evaluationPeriods: 2,
      comparison: "LessThanThreshold", threshold: 1, treatMissingData: "breaching", stopsRefresh: true,
    },
    {
      id: "healthy-targets-low",
      reason: params.healthCheck === "active"
        ? "the load balancer has no node in service (its check passes on the active node only)"
        : `fewer than ${params.nodeCount} nodes pass the load balancer's check: a node is sealed, down or not yet joined`,
      metric: {
        namespace: "AWS/NetworkELB", name: "HealthyHostCount",
        dimensions: { LoadBalancer: params.arnSuffixes.loadBalancer, TargetGroup: params.arnSuffixes.targetGroup },
      },
      statistic: "Minimum", periodSeconds: 60, evaluationPeriods: 5,
      comparison: "LessThanThreshold", threshold: expectedHealthy, treatMissingData: "breaching", stopsRefresh: true,
    },
    {
      id: "audit-failures",
      reason: "an audit device failed to write; when every device fails, Vault refuses requests",
      metric: node(NODE_METRICS.auditRequestFailure), statistic: "Sum", periodSeconds: 60, evaluationPeriods: 1,
      comparison: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching", stopsRefresh: true,
    },
    {
      id: "audit-response-failures",
      reason: "an audit device failed to log a response; the client's request then fails",
      metric: node(NODE_METRICS.auditResponseFailure), statistic: "Sum", periodSeconds: 60, evaluationPeriods: 1,
      comparison: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching", stopsRefresh: true,
    },
    {
      id: "storage-throttled",
      reason: "DynamoDB throttled Vault: a throttled lock renewal can cost the active node its lock",
      metric: tableMetric("ThrottledRequests", params.tableName), statistic: "Sum", periodSeconds: 60, evaluationPeriods: 1,
      comparison: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching", stopsRefresh: false,
    },
    {
      id: "storage-system-errors",
      reason: "DynamoDB answered with server errors: Vault's reads, writes and lock calls fail",
      metric: tableMetric("SystemErrors", params.tableName), statistic: "Sum", periodSeconds: 60, evaluationPeriods: 1,
      comparison: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching", stopsRefresh: false,
    },
    {
      id: "clock-error",
      reason: `a node's clock may be off by over ${CLOCK_ERROR_BOUND_MS} ms: skewed clocks misjudge when the HA lock expires`,
      metric: node(NODE_METRICS.clockErrorBound), statistic: "Maximum", periodSeconds: 60, evaluationPeriods: 3,
      comparison: "GreaterThanThreshold", threshold: CLOCK_ERROR_BOUND_MS, treatMissingData: "notBreaching", stopsRefresh: false,
    },
    {
      id: "disk-used",
      reason: `a node's root volume is over ${DISK_USED_PERCENT} % full: a full disk stops the file audit device`,
      metric: node(NODE_METRICS.diskUsedPercent), statistic: "Maximum", periodSeconds: 300, evaluationPeriods: 1,
      comparison: "GreaterThanThreshold", threshold: DISK_USED_PERCENT, treatMissingData: "notBreaching", stopsRefresh: false,
    },
  ];
}

/** The full alarm name. */
export function alarmName(namePrefix: string, spec: AlarmSpec): string {
  return `${namePrefix}-${spec.id}`;
}

const CONDITION: Record<Comparison, string> = { LessThanThreshold: "<", GreaterThanThreshold: ">" };

/** The README's table of a stack's alarms (the query-based ones show the metric the query sums). */
export function renderAlarmTable(specs: AlarmSpec[]): string {
  const metricName = (spec: AlarmSpec) => ("query" in spec.metric ? spec.metric.summary : `${spec.metric.namespace.startsWith("AWS/") ? `${spec.metric.namespace} ` : ""}${spec.metric.name}`);
  const rows = specs.map((spec) => `| ${spec.id} | ${metricName(spec)} | ${spec.statistic} ${CONDITION[spec.comparison]} ${spec.threshold} | ${spec.evaluationPeriods} x ${spec.periodSeconds} s${spec.treatMissingData === "breaching" ? ", silence breaches" : ""} | ${spec.stopsRefresh ? "yes" : "no"} | ${spec.reason} |`);
  return ["| alarm | metric | fires when | for | stops a refresh | why |", "|---|---|---|---|---|---|", ...rows].join("\n");
}
