import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterComponentArgs } from "./common";
import { componentArgs } from "../componentType";

export interface VaultBackupArgs extends ClusterComponentArgs {
  /** ARN of the table to back up: the one the nodes use (the program's, or a restored one named in config). */
  tableArn: pulumi.Input<string>;
  /** AWS Backup cron expression (UTC) of the daily backup, e.g. "cron(0 3 * * ? *)". */
  schedule: string;
  /** Days AWS Backup keeps each recovery point before deleting it. */
  retentionDays: number;
}

/** The AWS-managed policies AWS Backup's service role needs to back up and to restore DynamoDB tables. */
export const BACKUP_MANAGED_POLICIES = ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"];

/** Minutes AWS Backup may wait to start a job after its scheduled time, and to finish it once started. */
export const BACKUP_WINDOWS = { startMinutes: 60, completionMinutes: 360 } as const;

/** The managed policy's ARN in the partition of an IAM ARN of the account (arn:<partition>:iam::...). */
export function managedPolicyArn(iamArn: string, policy: string): string {
  return `arn:${iamArn.split(":")[1]}:iam::aws:policy/service-role/${policy}`;
}

/** Trust policy of the role AWS Backup assumes to read the table and write recovery points. */
export const BACKUP_TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/**
 * AWS Backup of the storage table, on top of its point-in-time recovery (35 days, to the second): a daily
 * recovery point kept `retentionDays` in a backup vault of its own, which outlives the table (a deleted
 * table loses its PITR history; its AWS Backup recovery points stay). The vault holds a copy of every secret
 * (barrier-encrypted by Vault, and encrypted at rest by AWS Backup with the account's aws/backup key), so it
 * is protected like the table: no Pulumi update or destroy can delete it, and AWS refuses to delete a vault
 * that still holds recovery points (forceDestroy stays false).
 */
export class VaultBackup extends pulumi.ComponentResource {
  readonly vaultName: pulumi.Output<string>;
  readonly planId: pulumi.Output<string>;

  constructor(name: string, args: VaultBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("cluster", "VaultBackup", name, opts));
    const child = { parent: this, provider: args.provider };
    const vault = new aws.backup.Vault(`${name}-vault`, {
      forceDestroy: false,
      tags: { Name: `${args.namePrefix}-storage-backups` },
    }, { ...child, protect: true });
    const plan = new aws.backup.Plan(`${name}-plan`, {
      rules: [{
        ruleName: "daily",
        targetVaultName: vault.name,
        schedule: args.schedule,
        startWindow: BACKUP_WINDOWS.startMinutes,
        completionWindow: BACKUP_WINDOWS.completionMinutes,
        lifecycle: { deleteAfter: args.retentionDays },
        recoveryPointTags: { Name: `${args.namePrefix}-storage` },
      }],
      tags: { Name: `${args.namePrefix}-storage-backups` },
    }, child);
    const role = new aws.iam.Role(`${name}-role`, {
      description: `AWS Backup of the Vault storage table (${args.namePrefix})`,
      assumeRolePolicy: BACKUP_TRUST_POLICY,
    }, child);
    const attachments = BACKUP_MANAGED_POLICIES.map((policy) => new aws.iam.RolePolicyAttachment(`${name}-${policy.endsWith("Restores") ? "restores" : "backup"}`, {
      role: role.name,
      policyArn: role.arn.apply((arn) => managedPolicyArn(arn, policy)),
    }, child));
    new aws.backup.Selection(`${name}-selection`, {
      name: `${args.namePrefix}-storage`,
      planId: plan.id,
      iamRoleArn: role.arn,
      resources: [args.tableArn],
    }, { ...child, dependsOn: attachments });
    this.vaultName = vault.name;
    this.planId = plan.id;
    this.registerOutputs({ vaultName: this.vaultName, planId: this.planId });
  }
}
