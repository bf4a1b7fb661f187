import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterComponentArgs } from "./common";
import { STEP_DOWN_HEARTBEAT_SECONDS, STEP_DOWN_HOOK } from "./lifecycle";
import { SEAL_KEY_ACTIONS } from "./sealKey";
import { STORAGE_ACTIONS } from "./storage";
import { renderCloudConfig } from "./userData";
import { componentArgs } from "../componentType";

export interface VaultNodesArgs extends ClusterComponentArgs {
  /** Number of Vault nodes; the Auto Scaling group is pinned to it. */
  nodeCount: number;
  /** EC2 instance type; Graviton types (t4g, m7g, ...) get the arm64 image. */
  instanceType: string;
  /** Pinned Vault release installed from HashiCorp's signed repository. */
  vaultVersion: string;
  /** Private subnets, one per availability zone. */
  subnetIds: pulumi.Input<string>[];
  /** Security group of the nodes. */
  securityGroupId: pulumi.Input<string>;
  /** The nodes' role; receives the least-privilege data-plane policy. */
  role: aws.iam.Role;
  /** Instance profile of that role. */
  instanceProfileArn: pulumi.Input<string>;
  /** Target group the nodes register with. */
  targetGroupArn: pulumi.Input<string>;
  /** Region of the table, key and secret. */
  region: string;
  /** DynamoDB storage table name and ARN. */
  table: { name: pulumi.Input<string>; arn: pulumi.Input<string> };
  /** Seal key ARN. */
  sealKeyArn: pulumi.Input<string>;
  /** Secrets Manager secret with the TLS bundle. */
  tlsSecretArn: pulumi.Input<string>;
  /** The bundle version the nodes read; a new one rolls the nodes (see BootstrapParams). */
  tlsSecretVersionId: pulumi.Input<string>;
  /** Where the file audit device writes (for log rotation). */
  auditLogPath: string;
  /** Root volume size in GiB. */
  rootVolumeSizeGb: number;
  /** Where the nodes report: the metrics namespace, the audit log group, and the alarms that stop an instance refresh. */
  monitoring: { namespace: string; auditLogGroupName: string; auditLogGroupArn: pulumi.Input<string>; refreshAlarmNames: pulumi.Input<string[]> };
}

/**
 * The grants of a node, each scoped to the one resource it is for: the data plane, and reporting its own
 * health to its Auto Scaling group (tagged Name=<nodeName>; the group's ARN is not known before the group,
 * which needs this policy first), which a node that cannot start Vault does so it is replaced.
 */
export function nodePolicyDocument(resources: {
  tableArn: string; sealKeyArn: string; tlsSecretArn: string; nodeName: string; metricsNamespace: string; auditLogGroupArn: string;
}): string {
  const ownGroup = { StringEquals: { "autoscaling:ResourceTag/Name": resources.nodeName } };
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "VaultStorage", Effect: "Allow", Action: STORAGE_ACTIONS, Resource: resources.tableArn },
      { Sid: "VaultSeal", Effect: "Allow", Action: SEAL_KEY_ACTIONS, Resource: resources.sealKeyArn },
      { Sid: "VaultTlsBundle", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: resources.tlsSecretArn },
      { Sid: "ReportOwnHealth", Effect: "Allow", Action: ["autoscaling:SetInstanceHealth"], Resource: "*", Condition: ownGroup },
      // The lifecycle script finds its group (Describe* takes no resource) and releases its own termination.
      { Sid: "FindOwnGroup", Effect: "Allow", Action: ["autoscaling:DescribeAutoScalingInstances"], Resource: "*" },
      { Sid: "LeaveCleanly", Effect: "Allow", Action: ["autoscaling:CompleteLifecycleAction"], Resource: "*", Condition: ownGroup },
      // PutMetricData takes no resource; the namespace condition keeps a node to its own stack's metrics.
      {
        Sid: "PublishMetrics", Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": resources.metricsNamespace } },
      },
      {
        Sid: "ShipAuditLog", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [resources.auditLogGroupArn, `${resources.auditLogGroupArn}:log-stream:*`],
      },
    ],
  });
}

/** The public SSM parameter of the latest Amazon Linux 2023 image for this instance type's architecture. */
export function amazonLinuxImageParameter(instanceType: string): string {
  const family = instanceType.split(".")[0];
  const arch = /^[a-z]+\d+[a-z]*g[a-z]*$/.test(family) ? "arm64" : "x86_64";
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`;
}

/** One-minute EC2 metrics (detailed monitoring) for whatever watches the nodes; billed per metric, so the cost table reads it. */
export const DETAILED_MONITORING = true;

/** Instance-refresh checkpoints after each replaced node (percentages of the group), the last one 100. */
export function refreshCheckpoints(nodeCount: number): number[] {
  return Array.from({ length: nodeCount }, (_, index) => Math.ceil((100 * (index + 1)) / nodeCount));
}

/** The Vault nodes: a hardened launch template and an Auto Scaling group across the zones. */
export class VaultNodes extends pulumi.ComponentResource {
  readonly autoScalingGroupName: pulumi.Output<string>;

  constructor(name: string, args: VaultNodesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("cluster", "VaultNodes", name, opts));
    const child = { parent: this, provider: args.provider };
    const nodeName = `${args.namePrefix}-node`;
    const nodePolicy = new aws.iam.RolePolicy(`${name}-data-plane`, {
      role: args.role.name,
      policy: pulumi
        .all([args.table.arn, args.sealKeyArn, args.tlsSecretArn, args.monitoring.auditLogGroupArn])
        .apply(([tableArn, sealKeyArn, tlsSecretArn, auditLogGroupArn]) => nodePolicyDocument({
          tableArn, sealKeyArn, tlsSecretArn, nodeName, metricsNamespace: args.monitoring.namespace, auditLogGroupArn,
        })),
    }, child);

    const userData = pulumi
      .all([args.table.name, args.sealKeyArn, args.tlsSecretArn, args.tlsSecretVersionId])
      .apply(([tableName, kmsKeyId, tlsSecretArn, tlsSecretVersionId]) => renderCloudConfig({
        region: args.region, tableName, kmsKeyId, tlsSecretArn, tlsSecretVersionId, vaultVersion: args.vaultVersion, auditLogPath: args.auditLogPath,
        namespace: args.monitoring.namespace, auditLogGroupName: args.monitoring.auditLogGroupName,
      }));

    const template = new aws.ec2.LaunchTemplate(`${name}-template`, {
      description: `Vault ${args.vaultVersion} node (${args.namePrefix})`,
      // Resolved by EC2 at launch: new instances get the current image without a Pulumi change.
      imageId: `resolve:ssm:${amazonLinuxImageParameter(args.instanceType)}`,
      instanceType: args.instanceType,
      iamInstanceProfile: { arn: args.instanceProfileArn },
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
      networkInterfaces: [{ associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [args.securityGroupId] }],
      blockDeviceMappings: [{
        deviceName: "/dev/xvda",
        ebs: { volumeType: "gp3", volumeSize: args.rootVolumeSizeGb, encrypted: "true", deleteOnTermination: "true" },
      }],
      monitoring: { enabled: DETAILED_MONITORING },
      userData: userData.apply((text) => Buffer.from(text).toString("base64")),
      tagSpecifications: [{ resourceType: "instance", tags: { Name: nodeName } }],
      updateDefaultVersion: true,
    }, child);

    const group = new aws.autoscaling.Group(`${name}-asg`, {
      minSize: args.nodeCount,
      maxSize: args.nodeCount,
      desiredCapacity: args.nodeCount,
      vpcZoneIdentifiers: args.subnetIds,
      targetGroupArns: [args.targetGroupArn],
      launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
      // EC2 health, not the load balancer's: before `vault operator init` every node answers 501, and in
      // "active" mode every standby answers 429, so load-balancer health would replace them in a loop.
      // A crashed Vault process is restarted by systemd (see the service drop-in); a dead instance
      // fails its EC2 status checks and is replaced.
      healthCheckType: "EC2",
      healthCheckGracePeriod: 300,
      // A terminating node is held until it has stopped Vault (lifecycle.ts), which hands the lock over at once.
      initialLifecycleHooks: [{
        name: STEP_DOWN_HOOK, lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
        heartbeatTimeout: STEP_DOWN_HEARTBEAT_SECONDS, defaultResult: "CONTINUE",
      }],
      // A new node comes up before an old one goes (100% healthy kept, up to 200%), one at a time
      // (a checkpoint after each); a new node that marks itself unhealthy, or one of the refresh alarms
      // going off, fails the refresh, which rolls back.
      instanceRefresh: {
        strategy: "Rolling",
        preferences: {
          minHealthyPercentage: 100,
          maxHealthyPercentage: 200,
          instanceWarmup: "300",
          checkpointPercentages: refreshCheckpoints(args.nodeCount),
          checkpointDelay: "300",
          autoRollback: true,
          alarmSpecification: { alarms: args.monitoring.refreshAlarmNames },
        },
      },
      tags: [{ key: "Name", value: nodeName, propagateAtLaunch: true }],
    }, { ...child, dependsOn: [nodePolicy] });

    this.autoScalingGroupName = group.name;
    this.registerOutputs({ autoScalingGroupName: this.autoScalingGroupName });
  }
}
