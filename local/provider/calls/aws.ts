/**
 * The AWS secrets engine's calls, from terraform-provider-vault's vault/resource_aws_secret_backend.go and
 * vault/resource_aws_secret_backend_role.go (the version stored for reference: the one with Vault 1.19+
 * STS fields, awsSecretFields and util.Remount). Vault 1.21.1 is not Enterprise here, so the identity-token
 * and automated-rotation fields are never sent.
 */
import { VAULT_TYPES } from "../../../components/resourceTypes";
import type { ApiCall, Inputs, ResourceCalls } from "../vaultCalls";
import { data, mountConfig, mountGone, ok, reported, sameSet, trim, whenOk } from "./fields";

/** The inputs whose change makes awsSecretBackendUpdate tune the mount (TuneMountWithContext). */
const TUNED = ["defaultLeaseTtlSeconds", "maxLeaseTtlSeconds", "description"];
/** The inputs whose change makes awsSecretBackendUpdate write config/root again (its d.HasChanges list has no username_template). */
const ROOT = ["accessKey", "secretKey", "region", "iamEndpoint", "stsEndpoint", "stsRegion"];

/**
 * The config/root body of awsSecretBackendCreate and awsSecretBackendUpdate: access_key and secret_key from
 * d.Get (empty strings when unset: Vault then uses its credential chain, the instance role on a node),
 * awsSecretFields (iam_endpoint, sts_endpoint, username_template) and sts_region when d.GetOk (Vault 1.19+),
 * region when not empty.
 */
function rootConfig(i: Inputs): Record<string, unknown> {
  return {
    access_key: i.accessKey ?? "",
    secret_key: i.secretKey ?? "",
    ...whenOk({ iam_endpoint: i.iamEndpoint, sts_endpoint: i.stsEndpoint, username_template: i.usernameTemplate, sts_region: i.stsRegion }),
    ...whenOk({ region: i.region }),
  };
}

function rootWrite(i: Inputs): ApiCall {
  return { method: "PUT", path: `${trim(i.path)}/config/root`, body: rootConfig(i) };
}

/** The STS TTLs go only with a credential type that has STS credentials (awsSecretBackendRoleWrite refuses them otherwise). */
const STS_TYPES = ["assumed_role", "federation_token"];

export const AWS_CALLS: Record<string, ResourceCalls> = {
  // awsSecretBackendCreate: client.Sys().MountWithContext (POST sys/mounts/<path>; api.MountInput with type
  // "aws", description, local and the TTLs as "<n>s", seal_wrap, external_entropy_access and options at their
  // Go zero values), then Logical().WriteWithContext (PUT <path>/config/root, rootConfig); awsSecretBackendRead:
  // mountutil.GetMount (GET sys/mounts/<path>) and Logical().ReadWithContext (GET <path>/config/root).
  [VAULT_TYPES.awsSecretBackend]: {
    source: "vault/resource_aws_secret_backend.go (awsSecretBackendCreate, awsSecretBackendRead, awsSecretBackendUpdate, awsSecretBackendDelete)",
    inputs: ["path", "description", "defaultLeaseTtlSeconds", "maxLeaseTtlSeconds", "local", "accessKey", "secretKey", "region", "iamEndpoint", "stsEndpoint", "stsRegion", "usernameTemplate"],
    id: (i) => trim(i.path),
    create: (i) => [
      {
        method: "POST", path: `sys/mounts/${trim(i.path)}`,
        body: {
          type: "aws", description: i.description ?? "", config: mountConfig(i), local: i.local ?? false,
          seal_wrap: false, external_entropy_access: false, options: null,
        },
      },
      rootWrite(i),
    ],
    read: (i) => [{ method: "GET", path: `sys/mounts/${trim(i.path)}` }, { method: "GET", path: `${trim(i.path)}/config/root` }],
    gone: ([mount]) => mountGone(mount),
    record: (i, [mount, root]) => {
      if (data(mount).type !== "aws") return `mount type is ${data(mount).type}, not aws`;
      if ((data(root).access_key ?? "") !== (i.accessKey ?? "")) return "config/root answers another access_key than the one written";
      if (ok(i.region) && data(root).region !== i.region) return `config/root region is ${data(root).region}, not ${i.region}`;
      return undefined;
    },
    // Vault never answers secret_key: its drift cannot be seen (the provider keeps the state's).
    observe: (i, [mount, root]) => ({
      ...reported(i, mount, { description: "description" }),
      ...reported(i, root, { accessKey: "access_key", region: "region", iamEndpoint: "iam_endpoint", stsEndpoint: "sts_endpoint" }),
    }),
    // local is ForceNew; a new path is util.Remount (sys/remount: not made here, refused). awsSecretBackendUpdate
    // tunes the mount (POST sys/mounts/<path>/tune, api.MountConfigInput with the description and both TTLs) when
    // those changed, and writes config/root again (the whole body) when a root field changed.
    replaceOn: ["local"],
    unmodelled: ["path"],
    update: (i, _previous, changed = []) => [
      ...(changed.some((key) => TUNED.includes(key)) ? [{
        method: "POST" as const, path: `sys/mounts/${trim(i.path)}/tune`,
        body: { ...mountConfig(i), description: i.description ?? "" },
      }] : []),
      ...(changed.some((key) => ROOT.includes(key)) ? [rootWrite(i)] : []),
    ],
    // awsSecretBackendDelete: Sys().UnmountWithContext, which revokes every lease (and so deletes the IAM users).
    remove: (i) => [{ method: "DELETE", path: `sys/mounts/${trim(i.path)}` }],
  },

  // awsSecretBackendRoleWrite (create and update): Logical().Write (PUT <backend>/roles/<name>) with
  // credential_type always and each of permissions_boundary_arn, policy_document, policy_arns, role_arns,
  // iam_groups, user_path when d.HasChange (on create: when set); default_sts_ttl and max_sts_ttl as decimal
  // strings when d.GetOk, for STS credential types only. awsSecretBackendRoleRead: GET <backend>/roles/<name>
  // (no answer: the role is gone). policy_arns, role_arns and iam_groups are schema.Sets: their order is the
  // provider's, Vault keeps what it is sent, and the comparisons here ignore order.
  [VAULT_TYPES.awsSecretBackendRole]: {
    source: "vault/resource_aws_secret_backend_role.go (awsSecretBackendRoleWrite, awsSecretBackendRoleRead, awsSecretBackendRoleDelete)",
    inputs: ["backend", "name", "credentialType", "policyArns", "roleArns", "iamGroups", "policyDocument", "userPath", "permissionsBoundaryArn", "defaultStsTtl", "maxStsTtl"],
    id: (i) => `${trim(i.backend)}/roles/${i.name}`,
    create: (i) => [{
      method: "PUT", path: `${trim(i.backend)}/roles/${i.name}`,
      body: {
        credential_type: i.credentialType,
        ...whenOk({
          permissions_boundary_arn: i.permissionsBoundaryArn, policy_document: i.policyDocument, policy_arns: i.policyArns,
          role_arns: i.roleArns, iam_groups: i.iamGroups, user_path: i.userPath,
        }),
        ...(STS_TYPES.includes(i.credentialType) ? Object.fromEntries(Object.entries(whenOk({ default_sts_ttl: i.defaultStsTtl, max_sts_ttl: i.maxStsTtl })).map(([field, ttl]) => [field, String(ttl)])) : {}),
      },
    }],
    read: (i) => [{ method: "GET", path: `${trim(i.backend)}/roles/${i.name}` }],
    record: (i, [role]) => {
      const body = data(role);
      if (body.credential_type !== i.credentialType) return `credential_type read back as ${body.credential_type}, not ${i.credentialType}`;
      if (!sameSet(body.policy_arns, i.policyArns)) return `policy_arns read back as ${JSON.stringify(body.policy_arns)}`;
      if (!sameSet(body.role_arns, i.roleArns)) return `role_arns read back as ${JSON.stringify(body.role_arns)}`;
      return undefined;
    },
    observe: (i, [role]) => reported(i, role, {
      credentialType: "credential_type", policyArns: "policy_arns", roleArns: "role_arns", userPath: "user_path", defaultStsTtl: "default_sts_ttl", maxStsTtl: "max_sts_ttl",
    }),
    // name, backend and role_arns are ForceNew; the update is the same write (changed fields, credential_type and
    // the STS TTLs always); awsSecretBackendRoleDelete: Logical().Delete.
    replaceOn: ["name", "backend", "roleArns"],
    update: "changed",
    alwaysSent: ["credential_type", "default_sts_ttl", "max_sts_ttl"],
    remove: (i) => [{ method: "DELETE", path: `${trim(i.backend)}/roles/${i.name}` }],
  },
};
