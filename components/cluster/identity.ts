import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsEngineConfig } from "../../config";
import { AWS_USER_PATH } from "../../config/engines";
import { ClusterComponentArgs } from "./common";
import { componentArgs } from "../componentType";

export interface VaultIdentityArgs extends ClusterComponentArgs {
  /**
   * Vault's AWS secrets engine when it signs with this role (declared without an access key): the role
   * then gets exactly the IAM and STS calls the engine makes for the declared roles.
   */
  awsEngine?: AwsEngineConfig;
}

/** What Vault's AWS engine calls for an iam_user lease (secret_access_keys.go) and its revocation (path_user.go pathUserRollback). */
export const AWS_ENGINE_USER_ACTIONS = [
  "iam:CreateUser", "iam:CreateAccessKey",
  "iam:ListGroupsForUser", "iam:ListUserPolicies", "iam:ListAttachedUserPolicies", "iam:ListAccessKeys",
  "iam:DeleteAccessKey", "iam:DetachUserPolicy", "iam:DeleteUserPolicy", "iam:DeleteUser",
];

/**
 * The instance role's grants for Vault's AWS engine, least privilege: users only under /vault/ (every
 * iam_user role writes that user_path, and the provisioner's policy pins it), AttachUserPolicy only with the
 * declared policy ARNs (so neither Vault nor whoever rewrites a role can attach AdministratorAccess), and
 * sts:AssumeRole only on the declared role ARNs.
 */
export function awsEnginePolicyDocument(engine: AwsEngineConfig, roleArn: string): string {
  const [, partition, , , account] = roleArn.split(":");
  const iamUserRoles = engine.roles.filter((role) => role.credentialType === "iam_user");
  const policyArns = [...new Set(iamUserRoles.flatMap((role) => role.policyArns))];
  const roleArns = [...new Set(engine.roles.flatMap((role) => role.roleArns))];
  const users = `arn:${partition}:iam::${account}:user${AWS_USER_PATH}*`;
  const statements = [
    ...(iamUserRoles.length > 0 ? [
      { Sid: "VaultAwsEngineUsers", Effect: "Allow", Action: AWS_ENGINE_USER_ACTIONS, Resource: users },
      { Sid: "VaultAwsEngineDeclaredPolicies", Effect: "Allow", Action: ["iam:AttachUserPolicy"], Resource: users, Condition: { ArnEquals: { "iam:PolicyARN": policyArns } } },
    ] : []),
    ...(roleArns.length > 0 ? [{ Sid: "VaultAwsEngineDeclaredRoles", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: roleArns }] : []),
  ];
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * The nodes' instance role and profile: no static keys anywhere. Operators reach nodes through SSM
 * Session Manager, not SSH. The data-plane grants are attached by the nodes component, once the table,
 * key and secret exist, because the key policy must name this role first; the AWS engine's grants, when
 * Vault signs its IAM calls with this role, are attached here.
 */
export class VaultIdentity extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly instanceProfileArn: pulumi.Output<string>;

  constructor(name: string, args: VaultIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("cluster", "VaultIdentity", name, opts));
    const child = { parent: this, provider: args.provider };
    this.role = new aws.iam.Role(`${name}-role`, {
      description: `Vault nodes (${args.namePrefix})`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    }, child);
    new aws.iam.RolePolicyAttachment(`${name}-ssm`, {
      role: this.role.name,
      policyArn: this.role.arn.apply((arn) => `arn:${arn.split(":")[1]}:iam::aws:policy/AmazonSSMManagedInstanceCore`),
    }, child);
    const engine = args.awsEngine;
    // Every declared role needs a grant (an iam_user role names policy ARNs, an assumed_role one role ARNs).
    if (engine !== undefined && engine.accessKey === undefined && engine.roles.length > 0) {
      new aws.iam.RolePolicy(`${name}-aws-engine`, { role: this.role.name, policy: this.role.arn.apply((arn) => awsEnginePolicyDocument(engine, arn)) }, child);
    }
    const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: this.role.name }, child);
    this.instanceProfileArn = profile.arn;
    this.registerOutputs({ roleArn: this.role.arn, instanceProfileArn: this.instanceProfileArn });
  }
}
