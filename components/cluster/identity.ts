import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterComponentArgs } from "./common";
import { componentArgs } from "../componentType";

/**
 * The nodes' instance role and profile: no static keys anywhere. Operators reach nodes through SSM
 * Session Manager, not SSH. The data-plane grants are attached by the nodes component, once the table,
 * key and secret exist, because the key policy must name this role first.
 */
export class VaultIdentity extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly instanceProfileArn: pulumi.Output<string>;

  constructor(name: string, args: ClusterComponentArgs, opts?: pulumi.ComponentResourceOptions) {
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
    const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: this.role.name }, child);
    this.instanceProfileArn = profile.arn;
    this.registerOutputs({ roleArn: this.role.arn, instanceProfileArn: this.instanceProfileArn });
  }
}
