/** The SDK class behind each resource type token the program registers, for the benchmark's baseline. */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import * as vault from "@pulumi/vault";

export type ResourceClass = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The SDK modules whose classes the program constructs (components/ and platform.ts). */
const SDK_MODULES: object[] = [
  aws.autoscaling, aws.backup, aws.cloudwatch, aws.dynamodb, aws.ec2, aws.iam, aws.kms, aws.lb, aws.secretsmanager, aws.sns, aws.vpc, tls,
  vault, vault.approle, vault.aws, vault.database, vault.generic, vault.jwt, vault.kubernetes, vault.kv, vault.ldap,
  vault.pkisecret, vault.tokenauth, vault.transit, k8s.core.v1, k8s.rbac.v1, k8s.helm.v3,
];

/** Loads every SDK module the program uses (they load lazily on first use) and indexes its classes by type token. */
export function sdkClasses(): (type: string) => ResourceClass {
  const classes = new Map<string, ResourceClass>();
  for (const module of SDK_MODULES) {
    for (const value of Object.values(module)) {
      const token = (value as { __pulumiType?: unknown })?.__pulumiType;
      if (typeof token === "string") classes.set(token, value as ResourceClass);
    }
  }
  return (type) => {
    const found = classes.get(type);
    if (found) return found;
    // Custom resources (CSI, VSO, cert-manager kinds) have no class of their own: their token is `kubernetes:<apiVersion>:<kind>`.
    if (type.startsWith("kubernetes:")) return k8s.apiextensions.CustomResource as unknown as ResourceClass;
    throw new Error(`no SDK class for ${type}: add its module to SDK_MODULES in scripts/sdkClasses.ts`);
  };
}
