import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { VaultCluster } from "./components/cluster";
import { PlatformConfig, PROJECT } from "./config";

/** The stack outputs. */
export interface PlatformOutputs {
  vaultAddress?: pulumi.Output<string>;
  loadBalancerDnsName?: pulumi.Output<string>;
  caCertificate?: pulumi.Output<string>;
  kmsKeyArn?: pulumi.Output<string>;
  storageTable?: pulumi.Output<string>;
  autoScalingGroup?: pulumi.Output<string>;
  failoverSeconds?: number;
}

/** Builds every component from validated configuration and returns the stack outputs. */
export function createPlatform(config: PlatformConfig): PlatformOutputs {
  const stack = pulumi.getStack();
  const namePrefix = `vault-${stack}`;
  const awsProvider = new aws.Provider("aws", {
    region: config.region as aws.Region,
    defaultTags: { tags: { Project: PROJECT, Stack: stack, ManagedBy: "pulumi" } },
  });
  const tlsProvider = new tls.Provider("tls", {});

  if (!config.cluster.enabled) return {};
  const cluster = new VaultCluster("vault", {
    cluster: config.cluster, region: config.region, namePrefix, auditLogPath: config.audit.path,
    provider: awsProvider, tlsProvider,
  });
  return {
    vaultAddress: cluster.vaultAddress,
    loadBalancerDnsName: cluster.loadBalancerDnsName,
    caCertificate: cluster.caCertificate,
    kmsKeyArn: cluster.kmsKeyArn,
    storageTable: cluster.storageTable,
    autoScalingGroup: cluster.autoScalingGroup,
    failoverSeconds: cluster.failoverSeconds,
  };
}
