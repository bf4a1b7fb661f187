import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterComponentArgs } from "./common";
import { componentArgs } from "../componentType";

/**
 * The DynamoDB actions Vault's storage backend calls on a table that exists (Vault 1.21.1,
 * physical/dynamodb/dynamodb.go): DescribeTable at start, GetItem, Query, BatchWriteItem for data,
 * UpdateItem, GetItem and DeleteItem for the HA lock. CreateTable (only for a missing table) and
 * UpdateTable (only with dynamodb_allow_updates) are not granted: the table is created here, and a
 * node must never be able to change its billing or capacity.
 */
export const STORAGE_ACTIONS = [
  "DescribeTable", "GetItem", "Query", "BatchWriteItem", "UpdateItem", "DeleteItem",
].map((action) => `dynamodb:${action}`);

/**
 * The ARN of a table of this account and region that the program did not create (a restored one), from
 * any IAM ARN of the account (arn:<partition>:iam::<account>:...): no lookup, so a preview needs no AWS call.
 */
export function tableArnInAccount(iamArn: string, region: string, tableName: string): string {
  const [, partition, , , account] = iamArn.split(":");
  return `arn:${partition}:dynamodb:${region}:${account}:table/${tableName}`;
}

/**
 * Vault's storage and HA lock. On-demand billing because throttled writes can stall leader election;
 * protected, with deletion protection and point-in-time recovery, because it holds every secret.
 */
export class VaultStorage extends pulumi.ComponentResource {
  readonly tableName: pulumi.Output<string>;
  readonly tableArn: pulumi.Output<string>;

  constructor(name: string, args: ClusterComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("cluster", "VaultStorage", name, opts));
    const table = new aws.dynamodb.Table(`${name}-table`, {
      billingMode: "PAY_PER_REQUEST",
      hashKey: "Path",
      rangeKey: "Key",
      attributes: [{ name: "Path", type: "S" }, { name: "Key", type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: true,
      tags: { Name: `${args.namePrefix}-storage` },
    }, { parent: this, provider: args.provider, protect: true });
    this.tableName = table.name;
    this.tableArn = table.arn;
    this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn });
  }
}
