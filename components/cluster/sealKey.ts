import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterComponentArgs } from "./common";
import { componentArgs } from "../componentType";

export interface VaultSealKeyArgs extends ClusterComponentArgs {
  /** The node role allowed to wrap and unwrap Vault's root key. */
  nodeRoleArn: pulumi.Input<string>;
}

/** The KMS actions the awskms seal calls; without DescribeKey Vault fails at startup. */
export const SEAL_KEY_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"];

/** The account's root principal, from any IAM ARN of that account (arn:<partition>:iam::<account>:...). */
export function accountRootArn(iamArn: string): string {
  const [, partition, , , account] = iamArn.split(":");
  return `arn:${partition}:iam::${account}:root`;
}

/**
 * What the account keeps: administration only, so the key never becomes unmanageable, but no
 * cryptographic use and no CreateGrant (a grant could hand out Decrypt). With "kms:*" here, any IAM
 * principal of the account whose IAM policy allows kms:Decrypt broadly could unwrap Vault's root key.
 */
export const SEAL_KEY_ADMIN_ACTIONS = [
  "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListKeyPolicies", "kms:ListResourceTags", "kms:ListGrants",
  "kms:PutKeyPolicy", "kms:EnableKey", "kms:DisableKey", "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:RotateKeyOnDemand",
  "kms:UpdateKeyDescription", "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias", "kms:TagResource", "kms:UntagResource",
  "kms:RevokeGrant", "kms:RetireGrant", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
];

/** Key policy: the account administers the key, only the node role may use it. */
export function sealKeyPolicy(accountArn: string, nodeRoleArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: accountArn }, Action: SEAL_KEY_ADMIN_ACTIONS, Resource: "*" },
      { Sid: "VaultNodesUnseal", Effect: "Allow", Principal: { AWS: nodeRoleArn }, Action: SEAL_KEY_ACTIONS, Resource: "*" },
    ],
  });
}

/**
 * The auto-unseal key. Deleting or disabling it makes every byte in the table unreadable, so it is
 * protected in Pulumi and has the longest deletion window AWS allows.
 */
export class VaultSealKey extends pulumi.ComponentResource {
  readonly keyArn: pulumi.Output<string>;
  readonly keyId: pulumi.Output<string>;

  constructor(name: string, args: VaultSealKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("cluster", "VaultSealKey", name, opts));
    const child = { parent: this, provider: args.provider };
    const key = new aws.kms.Key(`${name}-key`, {
      description: `Vault auto-unseal key (${args.namePrefix})`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: pulumi.output(args.nodeRoleArn).apply((role) => sealKeyPolicy(accountRootArn(role), role)),
    }, { ...child, protect: true });
    new aws.kms.Alias(`${name}-alias`, { name: `alias/${args.namePrefix}-seal`, targetKeyId: key.keyId }, child);
    this.keyArn = key.arn;
    this.keyId = key.keyId;
    this.registerOutputs({ keyArn: this.keyArn });
  }
}
