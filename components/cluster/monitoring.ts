import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmSpec, alarmName, alarmSpecs } from "./alarms";
import { ClusterComponentArgs } from "./common";
import { HealthCheckMode } from "./loadBalancer";
import { componentArgs } from "../componentType";

export interface VaultMonitoringArgs extends ClusterComponentArgs {
  /** CloudWatch namespace the nodes' agent publishes to (metricsNamespace). */
  namespace: string;
  /** Health-check mode of the target group, which sets how many healthy targets are expected. */
  healthCheck: HealthCheckMode;
  /** Number of Vault nodes. */
  nodeCount: number;
  /** The storage table's name, for the DynamoDB alarms. */
  tableName: pulumi.Input<string>;
  /** ARN suffixes of the load balancer and target group, for the load balancer's metrics. */
  arnSuffixes: { loadBalancer: pulumi.Input<string>; targetGroup: pulumi.Input<string> };
  /** Addresses subscribed to the alarm topic by email (each must confirm the subscription). */
  alarmEmails: string[];
  /** Days CloudWatch Logs keeps the shipped audit log. */
  auditLogRetentionDays: number;
}

/** The audit log group's name for a stack. */
export function auditLogGroupName(namePrefix: string): string {
  return `/vault-platform/${namePrefix}/audit`;
}

/** The alarm's arguments, from its spec: a plain metric or a Metrics Insights query. */
export function metricAlarmArgs(spec: AlarmSpec, name: string, topicArn: pulumi.Input<string>): aws.cloudwatch.MetricAlarmArgs {
  const common = {
    name,
    alarmDescription: spec.reason,
    comparisonOperator: spec.comparison,
    threshold: spec.threshold,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.evaluationPeriods,
    treatMissingData: spec.treatMissingData,
    alarmActions: [topicArn],
    okActions: [topicArn],
  };
  if ("query" in spec.metric) {
    return { ...common, metricQueries: [{ id: "q", expression: spec.metric.query, period: spec.periodSeconds, returnData: true }] };
  }
  return {
    ...common,
    namespace: spec.metric.namespace,
    metricName: spec.metric.name,
    dimensions: spec.metric.dimensions,
    statistic: spec.statistic,
    period: spec.periodSeconds,
  };
}

/**
 * What tells the operators: an SNS topic (encrypted with the AWS-managed SNS key) for every alarm, the
 * alarms of alarms.ts, and the log group the nodes ship the audit log to. The log group is protected: it
 * is the audit trail.
 */
export class VaultMonitoring extends pulumi.ComponentResource {
  readonly alarmTopicArn: pulumi.Output<string>;
  readonly auditLogGroupArn: pulumi.Output<string>;
  /** The alarms that stop and roll back an instance refresh. */
  readonly refreshAlarmNames: pulumi.Output<string[]>;

  constructor(name: string, args: VaultMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("cluster", "VaultMonitoring", name, opts));
    const child = { parent: this, provider: args.provider };
    const topic = new aws.sns.Topic(`${name}-alarms`, { kmsMasterKeyId: "alias/aws/sns", tags: { Name: `${args.namePrefix}-alarms` } }, child);
    args.alarmEmails.forEach((email) => {
      new aws.sns.TopicSubscription(`${name}-email-${email}`, { topic: topic.arn, protocol: "email", endpoint: email }, child);
    });
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-audit`, {
      name: auditLogGroupName(args.namePrefix),
      retentionInDays: args.auditLogRetentionDays,
      tags: { Name: `${args.namePrefix}-audit` },
    }, { ...child, protect: true });

    const specs = alarmSpecs(args);
    const alarms = specs.map((spec) => new aws.cloudwatch.MetricAlarm(`${name}-${spec.id}`, metricAlarmArgs(spec, alarmName(args.namePrefix, spec), topic.arn), child));

    this.alarmTopicArn = topic.arn;
    this.auditLogGroupArn = logGroup.arn;
    this.refreshAlarmNames = pulumi.all(alarms.filter((_, index) => specs[index].stopsRefresh).map((alarm) => alarm.name));
    this.registerOutputs({ alarmTopicArn: this.alarmTopicArn, auditLogGroupArn: this.auditLogGroupArn });
  }
}
