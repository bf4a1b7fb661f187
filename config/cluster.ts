/** `vault-platform:cluster`: the HA Vault cluster on AWS, or `enabled: false` for an existing Vault. */
import { z } from "zod";
import { prefixLength } from "../lib/cidr";
import { cidr, OPEN_CIDRS } from "./primitives";

const DEPLOYER_ROLES_HINT = "the IAM roles that run `pulumi up` for this stack, e.g. [arn:aws:iam::123456789012:role/vault-platform-deploy]";

/** An IAM role ARN, path included: what `aws:PrincipalArn` holds for any session of that role. */
const iamRoleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/, {
  error: "must be an IAM role ARN such as arn:aws:iam::123456789012:role/vault-platform-deploy (not a user, not an assumed-role session)",
});

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/**
 * An AWS Backup schedule: `cron(minutes hours day-of-month month day-of-week year)`, one of day-of-month and
 * day-of-week "?" (AWS's rule), and a single minute so that it runs at most hourly (AWS Backup's shortest
 * frequency). A `rate(...)` expression is refused: a fixed time of day keeps the backup out of working hours.
 */
const AWS_CRON_FIELD = /^[0-9A-Z*?,\/#L W-]+$/;
export function isAwsBackupCron(value: string): boolean {
  const match = /^cron\(([^()]+)\)$/.exec(value);
  if (!match) return false;
  const fields = match[1].trim().split(/\s+/);
  if (fields.length !== 6 || !fields.every((field) => AWS_CRON_FIELD.test(field))) return false;
  const [minutes, , dayOfMonth, , dayOfWeek] = fields;
  if (!/^\d{1,2}$/.test(minutes) || Number(minutes) > 59) return false;
  return (dayOfMonth === "?") !== (dayOfWeek === "?");
}

export const BACKUP_DEFAULTS = { schedule: "cron(0 3 * * ? *)", retentionDays: 35 } as const;
/** Days AWS Backup keeps a daily recovery point: a week at least (time to notice a bad write), ten years at most. */
export const BACKUP_RETENTION_DAYS = { min: 7, max: 3650 } as const;

const backupSchema = z.strictObject({
  schedule: z.string({ error: "must be a string such as \"cron(0 3 * * ? *)\"" }).refine(isAwsBackupCron, {
    error: "must be an AWS Backup cron expression such as \"cron(0 3 * * ? *)\" (UTC; six fields: minutes hours day-of-month month day-of-week year; one of day-of-month and day-of-week \"?\"; a single minute, since AWS Backup runs at most hourly)",
  }).default(BACKUP_DEFAULTS.schedule),
  retentionDays: z.number({ error: "must be a number of days" }).int({ error: "must be a whole number of days" })
    .min(BACKUP_RETENTION_DAYS.min, { error: `must be at least ${BACKUP_RETENTION_DAYS.min} days (time to notice a bad write before the last good copy expires)` })
    .max(BACKUP_RETENTION_DAYS.max, { error: `must be at most ${BACKUP_RETENTION_DAYS.max} days (10 years)` })
    .default(BACKUP_DEFAULTS.retentionDays),
});

/** DynamoDB's table-name rule: 3 to 255 of letters, digits, "_", "-" and ".". */
const tableName = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, {
  error: "must be a DynamoDB table name (3 to 255 letters, digits, _ - .), the table restored from a backup or point in time (see the README, \"Backups and restore\")",
});

export const clusterSchema = z
  .strictObject({
    enabled: z.literal(true, { error: "must be true or false" }).default(true),
    nodeCount: z.number().int({ error: "must be a whole number" }).min(2, { error: "must be at least 2 for HA" }).max(9, {
      error: "must be at most 9 (more nodes only add DynamoDB lock contention)",
    }).default(3),
    availabilityZones: z
      .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { error: "must be an availability zone name such as eu-west-1a" }))
      .min(2, { error: "must list at least 2 availability zones for HA" })
      .max(6, { error: "must list at most 6 availability zones" })
      .refine((zones) => new Set(zones).size === zones.length, { error: "must not repeat an availability zone" }),
    instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "must be an EC2 instance type such as t3.small" }).default("t3.small"),
    vaultVersion: z.string().regex(/^\d+\.\d+\.\d+$/, {
      error: 'must be a pinned Vault release such as "1.21.1" (no ranges, no "latest")',
    }),
    vpcCidr: cidr.optional(),
    vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { error: "must be a VPC id such as vpc-0123456789abcdef0" }).optional(),
    subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: "must be a subnet id such as subnet-0123456789abcdef0" })).optional(),
    singleNatGateway: z.boolean().default(false),
    // The NAT already carries the SSM agent's HTTPS; endpoints keep sessions working without it, at a price per zone.
    ssmEndpoints: z.boolean().default(false),
    allowedCidrs: z.array(cidr).default([]),
    allowAnyCidr: z.boolean().default(false),
    healthCheck: z.enum(["active", "unsealed"], { error: 'must be "active" or "unsealed"' }).default("unsealed"),
    domain: z
      .string()
      .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { error: "must be a DNS name such as vault.example.com" })
      .optional(),
    deployerRoleArns: z
      .array(iamRoleArn, {
        error: (issue) => (issue.input === undefined
          ? `is required: ${DEPLOYER_ROLES_HINT}; only they and the nodes may read the TLS bundle (the provider reads it back after writing)`
          : `must be a list of ${DEPLOYER_ROLES_HINT}`),
      })
      .min(1, { error: `must list at least one of ${DEPLOYER_ROLES_HINT}` }),
    alarmEmails: z.array(z.email({ error: "must be an email address such as vault-oncall@example.com" })).default([]),
    auditLogRetentionDays: z.union(LOG_RETENTION_DAYS.map((days) => z.literal(days)), {
      error: `must be one of CloudWatch Logs' retention periods in days: ${LOG_RETENTION_DAYS.join(", ")}`,
    }).default(365),
    rootVolumeSizeGb: z.number().int({ error: "must be a whole number" }).min(8, { error: "must be at least 8" }).max(1024, { error: "must be at most 1024" }).default(20),
    /** AWS Backup of the storage table, on top of its point-in-time recovery. */
    backup: backupSchema.default({ ...BACKUP_DEFAULTS }),
    /**
     * The table the nodes use instead of the one this program created: a table restored from a backup or
     * a point in time (always a new table). The program's own table stays as it is (protected; never
     * replaced or deleted by Pulumi).
     */
    storageTableName: tableName.optional(),
  })
  .superRefine((cluster, ctx) => {
    // Judged only against a valid node count, so one mistake gives one message.
    if (cluster.nodeCount >= 2 && cluster.availabilityZones.length > cluster.nodeCount) {
      ctx.addIssue({
        code: "custom",
        path: ["availabilityZones"],
        input: cluster.availabilityZones.length,
        message: `must not list more zones than nodeCount (${cluster.nodeCount}); an empty zone adds cost and no availability`,
      });
    }
    const newNetwork = cluster.vpcCidr !== undefined;
    const existingNetwork = cluster.vpcId !== undefined || cluster.subnetIds !== undefined;
    if (newNetwork === existingNetwork) {
      ctx.addIssue({
        code: "custom",
        path: newNetwork ? ["vpcId"] : ["vpcCidr"],
        message: "set either vpcCidr (a new VPC) or vpcId with subnetIds (an existing network), not both and not neither",
      });
    }
    if (newNetwork) {
      const prefix = prefixLength(cluster.vpcCidr!);
      if (prefix < 16 || prefix > 24) {
        ctx.addIssue({ code: "custom", path: ["vpcCidr"], input: cluster.vpcCidr, message: "must have a prefix from /16 to /24 (AWS allows /16 to /28; subnets are carved 4 bits deeper)" });
      }
    }
    if (existingNetwork && !newNetwork && cluster.ssmEndpoints) {
      ctx.addIssue({
        code: "custom",
        path: ["ssmEndpoints"],
        message: "applies only to a new VPC (vpcCidr); in an existing network its owner provides the ssm, ssmmessages and ec2messages endpoints or a NAT path for the SSM agent",
      });
    }
    if (existingNetwork) {
      if (cluster.vpcId === undefined) ctx.addIssue({ code: "custom", path: ["vpcId"], message: "is required with subnetIds" });
      if (cluster.subnetIds === undefined) {
        ctx.addIssue({ code: "custom", path: ["subnetIds"], message: "is required with vpcId: one private subnet per availability zone" });
      } else if (cluster.subnetIds.length !== cluster.availabilityZones.length) {
        ctx.addIssue({
          code: "custom",
          path: ["subnetIds"],
          input: cluster.subnetIds.length,
          message: `must list one private subnet per availability zone, in the same order (${cluster.availabilityZones.length} zones)`,
        });
      }
    }
    cluster.allowedCidrs.forEach((value, index) => {
      if (OPEN_CIDRS.has(value) && !cluster.allowAnyCidr) {
        ctx.addIssue({
          code: "custom",
          path: ["allowedCidrs", index],
          input: value,
          message: "opens the Vault API to every address; list your client networks, or set allowAnyCidr: true if that is really meant",
        });
      }
    });
  });

/** A disabled cluster: the Vault layer then talks to an existing Vault at vault.address. Other keys are kept but unused. */
export const disabledClusterSchema = z.looseObject({ enabled: z.literal(false) }).transform(() => ({ enabled: false as const }));

/** True when the raw `cluster` value asks for no cluster, so the lenient schema applies. */
export function isDisabledCluster(cluster: unknown): boolean {
  return typeof cluster === "object" && cluster !== null && (cluster as { enabled?: unknown }).enabled === false;
}

export type ClusterConfig = z.output<typeof clusterSchema>;
export type DisabledCluster = z.output<typeof disabledClusterSchema>;
