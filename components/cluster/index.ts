import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { AwsEngineConfig, ClusterConfig } from "../../config";
import { VaultBackup } from "./backup";
import { VaultFirewall } from "./firewall";
import { VaultIdentity } from "./identity";
import { VaultLoadBalancer, worstCaseFailoverSeconds } from "./loadBalancer";
import { auditLogGroupName, VaultMonitoring } from "./monitoring";
import { VaultNetwork } from "./network";
import { VaultNodes } from "./nodes";
import { VaultSealKey } from "./sealKey";
import { tableArnInAccount, VaultStorage } from "./storage";
import { metricsNamespace } from "./telemetry";
import { VaultTls } from "./tls";
import { VAULT_API_PORT } from "./userData";
import { componentArgs } from "../componentType";

export interface VaultClusterArgs {
  /** The validated `vault-platform:cluster` settings. */
  cluster: ClusterConfig;
  /** AWS region of every resource. */
  region: string;
  /** Prefix for resource names, e.g. "vault-dev". */
  namePrefix: string;
  /** Path of the file audit device on the nodes (rotated there). */
  auditLogPath: string;
  /** The Kubernetes API server the nodes must reach for Kubernetes auth (port and networks); unset without it. */
  kubernetesApi?: { port: number; cidrs: string[] };
  /** Vault's AWS secrets engine, whose IAM calls the node role makes when it has no access key of its own. */
  awsEngine?: AwsEngineConfig;
  /** AWS provider for every AWS resource. */
  provider: aws.Provider;
  /** TLS provider for the CA and the server certificate. */
  tlsProvider: tls.Provider;
}

/**
 * A highly-available Vault on AWS: nodes across zones behind an internal load balancer, DynamoDB
 * storage with the HA lock, KMS auto-unseal, TLS from the client to the Vault process.
 */
export class VaultCluster extends pulumi.ComponentResource {
  /** https URL clients use: the domain when set, else the load balancer's DNS name. */
  readonly vaultAddress: pulumi.Output<string>;
  readonly loadBalancerDnsName: pulumi.Output<string>;
  readonly caCertificate: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  /** The table the nodes use: the program's own, or the restored one `storageTableName` names. */
  readonly storageTable: pulumi.Output<string>;
  /** AWS Backup vault holding the table's daily recovery points, and the plan that makes them. */
  readonly backupVault: pulumi.Output<string>;
  readonly backupPlanId: pulumi.Output<string>;
  readonly autoScalingGroup: pulumi.Output<string>;
  /** SNS topic every alarm notifies. */
  readonly alarmTopicArn: pulumi.Output<string>;
  /** Worst-case seconds from losing the active node to serving again. */
  readonly failoverSeconds: number;

  constructor(name: string, args: VaultClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("cluster", "VaultCluster", name, opts));
    const { cluster, namePrefix, provider } = args;
    const child = { parent: this };
    const common = { namePrefix, provider };

    const network = new VaultNetwork(`${name}-network`, {
      ...common, region: args.region, availabilityZones: cluster.availabilityZones, vpcCidr: cluster.vpcCidr,
      vpcId: cluster.vpcId, subnetIds: cluster.subnetIds, singleNatGateway: cluster.singleNatGateway, ssmEndpoints: cluster.ssmEndpoints,
    }, child);
    const identity = new VaultIdentity(`${name}-identity`, { ...common, awsEngine: args.awsEngine }, child);
    const sealKey = new VaultSealKey(`${name}-seal`, { ...common, nodeRoleArn: identity.role.arn }, child);
    // The program's table is always declared (protected: never replaced or deleted by Pulumi). After a
    // restore, `storageTableName` points the nodes, their grants and the backups at the restored table.
    const storage = new VaultStorage(`${name}-storage`, common, child);
    const table = cluster.storageTableName === undefined
      ? { name: storage.tableName, arn: storage.tableArn }
      : { name: pulumi.output(cluster.storageTableName), arn: identity.role.arn.apply((arn) => tableArnInAccount(arn, args.region, cluster.storageTableName!)) };
    const backup = new VaultBackup(`${name}-backup`, {
      ...common, tableArn: table.arn, schedule: cluster.backup.schedule, retentionDays: cluster.backup.retentionDays,
    }, child);
    const firewall = new VaultFirewall(`${name}-firewall`, { ...common, vpcId: network.vpcId, allowedCidrs: cluster.allowedCidrs, kubernetesApi: args.kubernetesApi }, child);
    const loadBalancer = new VaultLoadBalancer(`${name}-lb`, {
      ...common, vpcId: network.vpcId, subnetIds: network.privateSubnetIds,
      securityGroupId: firewall.loadBalancerGroupId, healthCheck: cluster.healthCheck,
    }, child);
    const certificates = new VaultTls(`${name}-tls`, {
      ...common, tlsProvider: args.tlsProvider, nodeRoleArn: identity.role.arn, deployerRoleArns: cluster.deployerRoleArns,
      dnsNames: cluster.domain ? [loadBalancer.dnsName, cluster.domain] : [loadBalancer.dnsName],
    }, child);
    const namespace = metricsNamespace(namePrefix);
    const monitoring = new VaultMonitoring(`${name}-monitoring`, {
      ...common, namespace, healthCheck: cluster.healthCheck, nodeCount: cluster.nodeCount, tableName: storage.tableName,
      arnSuffixes: loadBalancer.arnSuffixes, alarmEmails: cluster.alarmEmails, auditLogRetentionDays: cluster.auditLogRetentionDays,
    }, child);
    const nodes = new VaultNodes(`${name}-nodes`, {
      ...common, region: args.region, nodeCount: cluster.nodeCount, instanceType: cluster.instanceType,
      vaultVersion: cluster.vaultVersion, subnetIds: network.privateSubnetIds, securityGroupId: firewall.nodeGroupId,
      role: identity.role, instanceProfileArn: identity.instanceProfileArn, targetGroupArn: loadBalancer.targetGroupArn,
      table, sealKeyArn: sealKey.keyArn,
      tlsSecretArn: certificates.secretArn, tlsSecretVersionId: certificates.secretVersionId, auditLogPath: args.auditLogPath, rootVolumeSizeGb: cluster.rootVolumeSizeGb,
      monitoring: {
        namespace, auditLogGroupName: auditLogGroupName(namePrefix), auditLogGroupArn: monitoring.auditLogGroupArn, refreshAlarmNames: monitoring.refreshAlarmNames,
      },
    }, child);

    this.loadBalancerDnsName = loadBalancer.dnsName;
    this.vaultAddress = cluster.domain
      ? pulumi.output(`https://${cluster.domain}:${VAULT_API_PORT}`)
      : pulumi.interpolate`https://${loadBalancer.dnsName}:${VAULT_API_PORT}`;
    this.caCertificate = certificates.caCertificate;
    this.kmsKeyArn = sealKey.keyArn;
    this.storageTable = table.name;
    this.backupVault = backup.vaultName;
    this.backupPlanId = backup.planId;
    this.autoScalingGroup = nodes.autoScalingGroupName;
    this.alarmTopicArn = monitoring.alarmTopicArn;
    this.failoverSeconds = worstCaseFailoverSeconds(cluster.healthCheck);
    this.registerOutputs({
      vaultAddress: this.vaultAddress, caCertificate: this.caCertificate, kmsKeyArn: this.kmsKeyArn,
      storageTable: this.storageTable, backupVault: this.backupVault, backupPlanId: this.backupPlanId,
      autoScalingGroup: this.autoScalingGroup, alarmTopicArn: this.alarmTopicArn, failoverSeconds: this.failoverSeconds,
    });
  }
}
