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

/** Key policy: the account keeps administration (so the key can never become unmanageable), the node role may only use it. */
export function sealKeyPolicy(accountArn: string, nodeRoleArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: accountArn }, Action: "kms:*", Resource: "*" },
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
