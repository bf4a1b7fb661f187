/**
 * What `pulumi up` of the AWS secrets engine needs (components/vault/awsEngine.ts, calls in
 * local/provider/calls/aws.ts), named paths only. The pins keep the provisioner from making Vault hand
 * out more than was declared: a role's policy ARNs and role ARNs (else it could attach
 * AdministratorAccess to a role it controls and read credentials of it through a consumer's grant), its
 * credential type and IAM path, and the root configuration's access key, region and endpoints (else it
 * could point Vault's IAM calls at a server of its choosing). Parameters a rule does not list are refused
 * (no "*"), so an inline policy_document, iam_groups or a permissions boundary cannot be slipped in.
 */
import { ProvisionerRule, secretsMountRules } from "../provisioner";
import { AWS_USER_PATH } from "../../config/engines";
import type { VaultLayerModel } from "../../config";
import { parseVaultDuration } from "../../lib/vaultDuration";

/** A list parameter pinned to its declared items, or nothing when none is declared (the provider then sends none). */
const pinnedList = (name: string, values: string[]) => (values.length > 0 ? { [name]: values } : {});

/** The STS TTL as the provider sends it (a decimal string), pinned when declared. */
const pinnedTtl = (name: string, ttl: string | number | undefined) => (ttl === undefined ? {} : { [name]: [String(parseVaultDuration(ttl))] });

export function awsEngineRules(layer: VaultLayerModel): ProvisionerRule[] {
  const engine = layer.engines.aws;
  if (engine === undefined) return [];
  const { path } = engine;
  return [
    // The mount is protected, no delete: unmounting would revoke every lease, deleting every IAM user Vault made.
    ...secretsMountRules(path, { allowedParameters: { type: ["aws"], "*": [] } }),
    {
      // The secret key cannot be pinned (it would be written into the policy); an access key pinned to "" is the instance role.
      path: `${path}/config/root`, capabilities: ["create", "read", "update"],
      allowedParameters: {
        access_key: [engine.accessKey?.id ?? ""], secret_key: [], region: [engine.region],
        iam_endpoint: [engine.iamEndpoint ?? ""], sts_endpoint: [engine.stsEndpoint ?? ""],
      },
    },
    ...engine.roles.map((role): ProvisionerRule => ({
      path: `${path}/roles/${role.name}`, capabilities: ["create", "read", "update", "delete"],
      allowedParameters: {
        credential_type: [role.credentialType],
        ...pinnedList("policy_arns", role.policyArns),
        ...pinnedList("role_arns", role.roleArns),
        ...(role.credentialType === "iam_user" ? { user_path: [AWS_USER_PATH] } : {}),
        ...pinnedTtl("default_sts_ttl", role.defaultStsTtl),
        ...pinnedTtl("max_sts_ttl", role.maxStsTtl),
      },
    })),
  ];
}
