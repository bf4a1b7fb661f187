import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import type { AwsEngineConfig } from "../../config";
import { AWS_USER_PATH } from "../../config/engines";
import type { Secret } from "../../lib/secret";
import { seconds, VaultComponentArgs } from "./common";
import { componentArgs } from "../componentType";

export interface AwsSecretsEngineArgs extends VaultComponentArgs {
  /** The validated `vault-platform:engines.aws` declaration. */
  engine: AwsEngineConfig;
  /** `vault-platform:secrets`: the secret key of `engine.accessKey` is looked up here by name. */
  secrets: Record<string, Secret>;
}

/**
 * Vault's AWS secrets engine: the mount with its root configuration (an access key, or none so that
 * Vault signs with the node's instance role), and one role per declared role. An iam_user role makes
 * Vault create an IAM user under /vault/ per lease and delete it when the lease ends; an assumed_role
 * role hands out STS credentials of the declared roles.
 *
 * The mount is protected: unmounting revokes every lease, which deletes every IAM user Vault made.
 */
export class AwsSecretsEngine extends pulumi.ComponentResource {
  constructor(name: string, args: AwsSecretsEngineArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("vault", "AwsSecretsEngine", name, opts));
    const { engine } = args;
    const child = { parent: this, provider: args.provider, dependsOn: args.after };
    const backend = new vault.aws.SecretBackend(`${name}-backend`, {
      path: engine.path,
      description: "AWS credentials on demand, managed by vault-platform",
      region: engine.region,
      ...(engine.accessKey ? {
        accessKey: engine.accessKey.id,
        secretKey: pulumi.secret(args.secrets[engine.accessKey.secretKeySecret].reveal()),
      } : {}),
      iamEndpoint: engine.iamEndpoint,
      stsEndpoint: engine.stsEndpoint,
      defaultLeaseTtlSeconds: seconds(engine.leaseTtl),
      maxLeaseTtlSeconds: seconds(engine.maxLeaseTtl),
    }, { ...child, protect: true, additionalSecretOutputs: ["secretKey"] });

    for (const role of engine.roles) {
      const iamUser = role.credentialType === "iam_user";
      new vault.aws.SecretBackendRole(`${name}-${role.name}`, {
        backend: engine.path,
        name: role.name,
        credentialType: role.credentialType,
        policyArns: role.policyArns.length > 0 ? role.policyArns : undefined,
        roleArns: role.roleArns.length > 0 ? role.roleArns : undefined,
        // Every user Vault creates lives under one IAM path: the nodes' instance role is scoped to it.
        userPath: iamUser ? AWS_USER_PATH : undefined,
        defaultStsTtl: seconds(role.defaultStsTtl),
        maxStsTtl: seconds(role.maxStsTtl),
      }, { ...child, dependsOn: [...(args.after ?? []), backend] });
    }
    this.registerOutputs({});
  }
}
