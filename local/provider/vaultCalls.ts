/**
 * The Vault HTTP API calls of each `vault:` resource type, as terraform-provider-vault (which
 * @pulumi/vault wraps) makes them: create and its read-back, update, delete, and the read of a refresh.
 * The stand-in provider plugin (./standIn.ts) serves them to the Pulumi engine; the engine decides the
 * steps (create, same, update, replace, delete), their order and what `protect` refuses.
 *
 * Sources are terraform-provider-vault's (hashicorp/terraform-provider-vault) files, named per entry;
 * the HTTP method and path of each client call are Vault's Go API client's (hashicorp/vault api/):
 * Logical().Write is PUT, Logical().Read is GET, Sys().Mount / EnableAuthWithOptions / TuneMount are
 * POST, Sys().PutPolicy and EnableAuditWithOptions are PUT, Token().Create / CreateWithRole /
 * LookupAccessor are POST.
 */
import { VAULT_TYPES } from "../../components/resourceTypes";
import type { VaultResponse } from "../vaultHttp";
import { AWS_CALLS } from "./calls/aws";
import { data, list, mountConfig, mountGone, ok, reported, sameSet, snakeCase, trim, whenOk } from "./calls/fields";
import { DATABASE_CALLS } from "./calls/database";
import { PKI_CALLS } from "./calls/pki";
import { peopleCalls } from "./calls/people";
import { TRANSIT_CALLS } from "./calls/transit";

export { mountConfig, ok, snakeCase };

export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE";

/** One HTTP call as the provider's Go client sends it (path relative to /v1/). */
export interface ApiCall {
  method: HttpMethod;
  path: string;
  body?: Record<string, unknown>;
}

export type Inputs = Record<string, any>;

/** What a resource computed (role ID, accessors, issued secrets), under the @pulumi/vault output names; `secret` lists the secret ones. */
export interface Computed {
  values: Record<string, unknown>;
  secret?: string[];
}

export interface ResourceCalls {
  /** Where in terraform-provider-vault the calls come from. */
  source: string;
  /** The Pulumi inputs these calls understand; any other input is refused in Check (it would be dropped silently). */
  inputs: string[];
  /** The resource ID the provider sets. */
  id: (i: Inputs, computed: Record<string, unknown>) => string;
  /** The create calls. */
  create: (i: Inputs) => ApiCall[];
  /** What the create answers computed (an accessor, a token), before the read-back. */
  created?: (i: Inputs, answers: VaultResponse[]) => Computed | string;
  /** The read-back right after create or update, and the read of a refresh; `computed` holds what create computed. */
  read: (i: Inputs, computed: Record<string, unknown>) => ApiCall[];
  /** Whether the first read's answer means the resource no longer exists (a refresh then drops it). Default: 404. */
  gone?: (answers: VaultResponse[], i: Inputs) => boolean;
  /** Checks the read-back (what would make the provider fail), returning a problem, or what it computed. */
  record?: (i: Inputs, answers: VaultResponse[]) => Computed | string | undefined;
  /** The inputs as Vault reports them now (a refresh), for the inputs set; a value that differs is drift. */
  observe?: (i: Inputs, answers: VaultResponse[]) => Inputs;
  /** Inputs whose change replaces the resource (ForceNew in the provider's schema), or "all" for a resource without an update. */
  replaceOn: string[] | "all";
  /**
   * The update calls (the provider's Update): "create" for a resource whose update writes its create's
   * body again, "changed" for one whose update sends only the changed fields (d.HasChange) plus
   * `alwaysSent`; both also send the zero value of an input no longer set. A function receives the
   * inputs before the update too (`previous`), for fields the provider sends only when they changed.
   */
  /** A function gets the new inputs, the previous ones and the names of the inputs that changed. */
  update?: "create" | "changed" | ((i: Inputs, previous?: Inputs, changed?: string[]) => ApiCall[]);
  /**
   * False where the update's own calls say what an input no longer set becomes (a provider that sends a
   * d.GetOk field only when set leaves it out); by default its zero value goes into the first update call.
   */
  zeroUnset?: boolean;
  /** With update "changed": fields the provider's update sends whether or not they changed. */
  alwaysSent?: string[];
  /** Inputs whose change the provider's update handles with calls the stand-in does not make (a remount); such a change is refused. */
  unmodelled?: string[];
  /** The delete calls (none when the provider's Delete makes no call). */
  remove: (i: Inputs, computed: Record<string, unknown>) => ApiCall[];
}

/** vault/auth_token.go updateTokenFields(d, data, create=true): each token field only when d.GetOk (token_type has a default). */
function tokenFieldsOnCreate(i: Inputs, tokenTypeDefault: string): Record<string, unknown> {
  return {
    ...whenOk({
      token_bound_cidrs: i.tokenBoundCidrs,
      token_policies: i.tokenPolicies,
      token_explicit_max_ttl: i.tokenExplicitMaxTtl,
      token_max_ttl: i.tokenMaxTtl,
      token_period: i.tokenPeriod,
      token_ttl: i.tokenTtl,
      token_num_uses: i.tokenNumUses,
    }),
    // GetOkExists: sent when set in the program.
    ...(i.tokenNoDefaultPolicy !== undefined ? { token_no_default_policy: i.tokenNoDefaultPolicy } : {}),
    token_type: i.tokenType ?? tokenTypeDefault,
  };
}

export const TOKEN_FIELD_INPUTS = ["tokenBoundCidrs", "tokenPolicies", "tokenExplicitMaxTtl", "tokenMaxTtl", "tokenPeriod", "tokenTtl", "tokenNumUses", "tokenNoDefaultPolicy", "tokenType"];

/** tuneMountWithMap's body: the TTLs and options always, the rest when set. */
function mountTune(i: Inputs): Record<string, unknown> {
  return {
    default_lease_ttl: `${i.defaultLeaseTtlSeconds ?? 0}s`,
    max_lease_ttl: `${i.maxLeaseTtlSeconds ?? 0}s`,
    options: i.options ?? {},
    ...whenOk({ description: i.description, listing_visibility: i.listingVisibility, audit_non_hmac_request_keys: i.auditNonHmacRequestKeys, audit_non_hmac_response_keys: i.auditNonHmacResponseKeys }),
  };
}

/**
 * Sys().EnableAuthWithOptions (POST sys/auth/<path>) with api.EnableAuthOptions as Go serialises it:
 * createAuthMount's TTLs in `config`, or the zero config of a resource that sets only type, description and local.
 */
export function enableAuthCall(path: string, type: string, i: Inputs, config: Record<string, unknown> = mountConfig(i)): ApiCall {
  return {
    method: "POST", path: `sys/auth/${trim(path)}`,
    body: { type, description: i.description ?? "", config, local: i.local ?? false, seal_wrap: i.sealWrap ?? false, external_entropy_access: false, options: null },
  };
}

/** mountutil.GetAuthMount answers 400 "No auth engine at <path>/" for an auth method that is gone. */
export function authMountGone(mount: VaultResponse): boolean {
  return mount.status === 404 || (mount.status === 400 && /no auth engine|no secret engine/i.test(JSON.stringify(mount.body)));
}

export const TOKEN_FIELDS_REPORTED = { tokenPolicies: "token_policies", tokenPeriod: "token_period", tokenTtl: "token_ttl", tokenMaxTtl: "token_max_ttl", tokenNumUses: "token_num_uses" };

// ---------- the table: type token -> calls, from terraform-provider-vault's resources ----------

export const RESOURCE_CALLS: Record<string, ResourceCalls> = {
  // vault/resource_mount.go mountWrite -> createMount: client.Sys().MountWithContext (POST sys/mounts/<path>),
  // then mountRead -> mountutil.GetMount: client.Sys().GetMountWithContext (GET sys/mounts/<path>).
  [VAULT_TYPES.mount]: {
    source: "vault/resource_mount.go (mountWrite, createMount, readMount); util/mountutil/mountutil.go GetMount",
    inputs: ["path", "type", "description", "options", "defaultLeaseTtlSeconds", "maxLeaseTtlSeconds", "local", "sealWrap", "externalEntropyAccess", "auditNonHmacRequestKeys", "auditNonHmacResponseKeys", "listingVisibility"],
    id: (i) => trim(i.path),
    create: (i) => [{
      method: "POST", path: `sys/mounts/${trim(i.path)}`,
      body: {
        type: i.type, description: i.description ?? "", config: mountConfig(i), local: i.local ?? false,
        seal_wrap: i.sealWrap ?? false, external_entropy_access: i.externalEntropyAccess ?? false, options: i.options ?? {},
      },
    }],
    read: (i) => [{ method: "GET", path: `sys/mounts/${trim(i.path)}` }],
    gone: ([mount]) => mountGone(mount),
    record: (i, [mount]) => {
      const body = data(mount);
      if (body.type !== i.type) return `mount type is ${body.type}, not ${i.type}`;
      for (const [key, value] of Object.entries(i.options ?? {})) {
        if (body.options?.[key] !== value) return `mount option ${key} is ${body.options?.[key]}, not ${String(value)}`;
      }
      return undefined;
    },
    observe: (i, [mount]) => ({
      ...reported(i, mount, { type: "type", description: "description" }),
      ...(i.options ? { options: Object.fromEntries(Object.keys(i.options).map((key) => [key, data(mount).options?.[key]])) } : {}),
    }),
    // resource_mount.go: type, seal_wrap, external_entropy_access and local are ForceNew; a new path is a
    // remount (not made here: refused); updateMount tunes (tuneMountWithMap, TTLs and options always sent);
    // mountDelete: Sys().Unmount.
    replaceOn: ["type", "sealWrap", "externalEntropyAccess", "local"],
    update: (i) => [{ method: "POST", path: `sys/mounts/${trim(i.path)}/tune`, body: mountTune(i) }],
    unmodelled: ["path"],
    remove: (i) => [{ method: "DELETE", path: `sys/mounts/${trim(i.path)}` }],
  },

  // vault/resource_kv_secret_backend_v2.go kvSecretBackendV2CreateUpdate: util.RetryWrite (Logical().Write, PUT
  // <mount>/config) with max_versions, cas_required and delete_version_after from d.Get (zero values included),
  // then kvSecretBackendV2Read: Logical().Read (GET <mount>/config).
  [VAULT_TYPES.kvV2Config]: {
    source: "vault/resource_kv_secret_backend_v2.go (kvSecretBackendV2CreateUpdate, kvSecretBackendV2Read)",
    inputs: ["mount", "maxVersions", "casRequired", "deleteVersionAfter"],
    id: (i) => `${trim(i.mount)}/config`,
    create: (i) => [{
      method: "PUT", path: `${trim(i.mount)}/config`,
      body: { max_versions: i.maxVersions ?? 0, cas_required: i.casRequired ?? false, delete_version_after: i.deleteVersionAfter ?? 0 },
    }],
    read: (i) => [{ method: "GET", path: `${trim(i.mount)}/config` }],
    record: (i, [config]) =>
      i.maxVersions !== undefined && data(config).max_versions !== i.maxVersions ? `max_versions is ${data(config).max_versions}, not ${i.maxVersions}` : undefined,
    observe: (i, [config]) => reported(i, config, { maxVersions: "max_versions", casRequired: "cas_required" }),
    // kvSecretBackendV2CreateUpdate serves update too; kvSecretBackendV2Delete makes no call (the settings go with the mount).
    replaceOn: ["mount"],
    update: "create",
    remove: () => [],
  },

  // vault/resource_policy.go policyWrite: client.Sys().PutPolicy (PUT sys/policies/acl/<name> {policy}),
  // then policyRead: client.Sys().GetPolicy (GET sys/policies/acl/<name>).
  [VAULT_TYPES.policy]: {
    source: "vault/resource_policy.go (policyWrite, policyRead)",
    inputs: ["name", "policy"],
    id: (i) => i.name,
    create: (i) => [{ method: "PUT", path: `sys/policies/acl/${i.name}`, body: { policy: i.policy } }],
    read: (i) => [{ method: "GET", path: `sys/policies/acl/${i.name}` }],
    record: (i, [policy]) => (data(policy).policy !== i.policy ? "the policy read back differs from the one written" : undefined),
    observe: (i, [policy]) => reported(i, policy, { policy: "policy" }),
    // policyDelete: Sys().DeletePolicy; a new name replaces the policy.
    replaceOn: ["name"],
    update: "create",
    remove: (i) => [{ method: "DELETE", path: `sys/policies/acl/${i.name}` }],
  },

  // vault/resource_auth_backend.go authBackendWrite -> auth_mount.go createAuthMount:
  // client.Sys().EnableAuthWithOptionsWithContext (POST sys/auth/<path>), then authBackendUpdate (no tune on a
  // new resource) -> readAuthMount -> mountutil.GetAuthMount: client.Sys().GetAuthWithContext, which reads
  // GET sys/mounts/auth/<path> ("so we don't require sudo permissions", api/sys_auth.go).
  [VAULT_TYPES.authBackend]: {
    source: "vault/resource_auth_backend.go (authBackendWrite, authBackendUpdate); vault/auth_mount.go (createAuthMount, readAuthMount)",
    inputs: ["type", "path", "description", "local", "defaultLeaseTtlSeconds", "maxLeaseTtlSeconds", "listingVisibility", "auditNonHmacRequestKeys", "auditNonHmacResponseKeys", "sealWrap"],
    id: (i) => trim(i.path ?? i.type),
    create: (i) => [enableAuthCall(i.path ?? i.type, i.type, i)],
    read: (i) => [{ method: "GET", path: `sys/mounts/auth/${trim(i.path ?? i.type)}` }],
    gone: ([mount]) => authMountGone(mount),
    record: (i, [mount]) => (data(mount).type !== i.type ? `auth method type is ${data(mount).type}, not ${i.type}` : undefined),
    observe: (i, [mount]) => reported(i, mount, { type: "type", description: "description" }),
    // auth_mount.go: type, local and seal_wrap are ForceNew, a new path is a remount (refused here);
    // updateAuthMount tunes sys/mounts/auth/<path>/tune; authMountDisable: Sys().DisableAuth.
    replaceOn: ["type", "local", "sealWrap"],
    update: (i) => [{ method: "POST", path: `sys/mounts/auth/${trim(i.path ?? i.type)}/tune`, body: mountTune(i) }],
    unmodelled: ["path"],
    remove: (i) => [{ method: "DELETE", path: `sys/auth/${trim(i.path ?? i.type)}` }],
  },

  // vault/resource_approle_auth_backend_role.go approleAuthBackendRoleCreate: Logical().Write (PUT
  // auth/<backend>/role/<name>) with approleAuthBackendRoleUpdateFields(create=true) (token fields only when
  // d.GetOk, bind_secret_id and local_secret_ids by GetOkExists with their defaults); a role_id input would add
  // PUT .../role-id. Then approleAuthBackendRoleRead: GET auth/<backend>/role/<name> and GET .../role-id.
  [VAULT_TYPES.approleRole]: {
    source: "vault/resource_approle_auth_backend_role.go (approleAuthBackendRoleCreate, approleAuthBackendRoleUpdateFields, approleAuthBackendRoleRead); vault/auth_token.go updateTokenFields",
    inputs: ["backend", "roleName", "roleId", "bindSecretId", "secretIdBoundCidrs", "secretIdNumUses", "secretIdTtl", "localSecretIds", ...TOKEN_FIELD_INPUTS],
    id: (i) => `auth/${trim(i.backend ?? "approle")}/role/${trim(i.roleName)}`,
    create: (i) => {
      const path = `auth/${trim(i.backend ?? "approle")}/role/${trim(i.roleName)}`;
      return [
        {
          method: "PUT", path,
          body: {
            ...tokenFieldsOnCreate(i, "default"),
            bind_secret_id: i.bindSecretId ?? true,
            ...whenOk({ secret_id_num_uses: i.secretIdNumUses, secret_id_ttl: i.secretIdTtl, secret_id_bound_cidrs: i.secretIdBoundCidrs }),
            local_secret_ids: i.localSecretIds ?? false,
          },
        },
        ...(ok(i.roleId) ? [{ method: "PUT" as const, path: `${path}/role-id`, body: { role_id: i.roleId } }] : []),
      ];
    },
    read: (i) => {
      const path = `auth/${trim(i.backend ?? "approle")}/role/${trim(i.roleName)}`;
      return [{ method: "GET", path }, { method: "GET", path: `${path}/role-id` }];
    },
    record: (i, [role, roleId]) => {
      if (!sameSet(data(role).token_policies, i.tokenPolicies)) return `token_policies read back as ${JSON.stringify(data(role).token_policies)}`;
      const id = data(roleId).role_id;
      if (typeof id !== "string" || id === "") return "no role_id in the read-back";
      return { values: { roleId: id } };
    },
    observe: (i, [role]) => reported(i, role, { ...TOKEN_FIELDS_REPORTED, secretIdNumUses: "secret_id_num_uses", secretIdTtl: "secret_id_ttl", bindSecretId: "bind_secret_id" }),
    // approleAuthBackendRoleUpdate writes only the changed fields (local_secret_ids may not change after
    // creation: Vault refuses it); a changed role_id is its own write. approleAuthBackendRoleDelete.
    replaceOn: ["roleName", "backend"],
    update: "changed",
    remove: (i) => [{ method: "DELETE", path: `auth/${trim(i.backend ?? "approle")}/role/${trim(i.roleName)}` }],
  },

  // vault/resource_approle_auth_backend_role_secret_id.go approleAuthBackendRoleSecretIDCreate: Logical().Write
  // (PUT auth/<backend>/role/<name>/secret-id, or custom-secret-id with a secret_id) with metadata "" when unset,
  // cidr_list, ttl, num_uses when d.GetOk; then approleAuthBackendRoleSecretIDRead: Logical().Write (PUT
  // auth/<backend>/role/<name>/secret-id-accessor/lookup {secret_id_accessor}).
  [VAULT_TYPES.approleSecretId]: {
    source: "vault/resource_approle_auth_backend_role_secret_id.go (approleAuthBackendRoleSecretIDCreate, approleAuthBackendRoleSecretIDRead)",
    inputs: ["backend", "roleName", "cidrLists", "metadata", "ttl", "numUses"],
    id: (i, computed) => `backend=${trim(i.backend ?? "approle")}::role=${trim(i.roleName)}::accessor=${computed.accessor}`,
    create: (i) => [{
      method: "PUT", path: `auth/${trim(i.backend ?? "approle")}/role/${trim(i.roleName)}/secret-id`,
      body: {
        ...(ok(i.cidrLists) ? { cidr_list: list(i.cidrLists).join(",") } : {}),
        metadata: ok(i.metadata) ? i.metadata : "",
        ...whenOk({ ttl: i.ttl, num_uses: i.numUses }),
      },
    }],
    created: (_i, [created]) => {
      const { secret_id: secretId, secret_id_accessor: accessor } = data(created);
      if (typeof secretId !== "string" || typeof accessor !== "string") return "no secret_id in the response";
      return { values: { secretId, accessor }, secret: ["secretId"] };
    },
    read: (i, computed) => [{
      method: "PUT", path: `auth/${trim(i.backend ?? "approle")}/role/${trim(i.roleName)}/secret-id-accessor/lookup`,
      body: { secret_id_accessor: computed.accessor },
    }],
    // approleAuthBackendRoleSecretIDRead drops the resource when the lookup finds no SecretID (expired or destroyed).
    gone: ([lookup]) => lookup.status === 404 || (lookup.status === 400 && /failed to find|invalid|does not exist/i.test(JSON.stringify(lookup.body))),
    record: (_i, [lookup]) => (typeof data(lookup).secret_id_accessor !== "string" ? "the SecretID lookup answered no accessor" : undefined),
    // No update: every field is ForceNew. approleAuthBackendRoleSecretIDDelete destroys it by accessor.
    replaceOn: "all",
    remove: (i, computed) => [{
      method: "PUT", path: `auth/${trim(i.backend ?? "approle")}/role/${trim(i.roleName)}/secret-id-accessor/destroy`,
      body: { secret_id_accessor: computed.accessor },
    }],
  },

  // vault/resource_token_auth_backend_role.go tokenAuthBackendRoleCreate: Logical().Write (PUT
  // auth/token/roles/<name>) with tokenAuthBackendRoleUpdateFields: setTokenFields (every token field, zero values
  // included; token_period left out when token_ttl is set and the reverse) plus allowed/disallowed policies (and
  // globs), orphan, allowed_entity_aliases, renewable, path_suffix, token_type (default "default-service");
  // then tokenAuthBackendRoleRead: GET auth/token/roles/<name>.
  [VAULT_TYPES.tokenRole]: {
    source: "vault/resource_token_auth_backend_role.go (tokenAuthBackendRoleCreate, tokenAuthBackendRoleUpdateFields, tokenAuthBackendRoleRead); vault/auth_token.go setTokenFields",
    inputs: ["roleName", "allowedPolicies", "allowedPoliciesGlobs", "disallowedPolicies", "disallowedPoliciesGlobs", "orphan", "allowedEntityAliases", "renewable", "pathSuffix", ...TOKEN_FIELD_INPUTS],
    id: (i) => `auth/token/roles/${trim(i.roleName)}`,
    create: (i) => [{
      method: "PUT", path: `auth/token/roles/${trim(i.roleName)}`,
      body: {
        token_no_default_policy: i.tokenNoDefaultPolicy ?? false,
        token_explicit_max_ttl: i.tokenExplicitMaxTtl ?? 0,
        token_max_ttl: i.tokenMaxTtl ?? 0,
        ...(ok(i.tokenTtl) ? {} : { token_period: i.tokenPeriod ?? 0 }),
        token_policies: list(i.tokenPolicies),
        ...(ok(i.tokenPeriod) ? {} : { token_ttl: i.tokenTtl ?? 0 }),
        token_num_uses: i.tokenNumUses ?? 0,
        token_bound_cidrs: list(i.tokenBoundCidrs),
        allowed_policies: list(i.allowedPolicies),
        allowed_policies_glob: list(i.allowedPoliciesGlobs),
        disallowed_policies: list(i.disallowedPolicies),
        disallowed_policies_glob: list(i.disallowedPoliciesGlobs),
        orphan: i.orphan ?? false,
        allowed_entity_aliases: list(i.allowedEntityAliases),
        renewable: i.renewable ?? true,
        path_suffix: i.pathSuffix ?? "",
        token_type: i.tokenType ?? "default-service",
      },
    }],
    read: (i) => [{ method: "GET", path: `auth/token/roles/${trim(i.roleName)}` }],
    record: (i, [role]) => {
      const body = data(role);
      if (!sameSet(body.allowed_policies, i.allowedPolicies)) return `allowed_policies read back as ${JSON.stringify(body.allowed_policies)}`;
      if (body.orphan !== (i.orphan ?? false)) return `orphan read back as ${String(body.orphan)}`;
      return undefined;
    },
    observe: (i, [role]) => reported(i, role, { allowedPolicies: "allowed_policies", orphan: "orphan", renewable: "renewable", tokenPeriod: "token_period", tokenNumUses: "token_num_uses" }),
    // tokenAuthBackendRoleUpdate writes the full role again; tokenAuthBackendRoleDelete.
    replaceOn: ["roleName"],
    update: "create",
    remove: (i) => [{ method: "DELETE", path: `auth/token/roles/${trim(i.roleName)}` }],
  },

  // vault/resource_token.go tokenCreate: a TokenCreateRequest (policies, ttl, explicit_max_ttl, period, no_parent,
  // no_default_policy, display_name, num_uses when d.GetOk, renewable by GetOkExists, meta), sent with
  // client.Auth().Token().CreateWithRole (POST auth/token/create/<role>) or Create (POST auth/token/create);
  // then tokenRead: Token().LookupAccessor (POST auth/token/lookup-accessor {accessor}), which must answer
  // issue_time and expire_time as strings; a failed lookup drops the resource (the ID is the accessor).
  [VAULT_TYPES.token]: {
    source: "vault/resource_token.go (tokenCreate, tokenRead)",
    inputs: ["roleName", "policies", "ttl", "explicitMaxTtl", "period", "noParent", "noDefaultPolicy", "displayName", "numUses", "renewable", "metadata"],
    id: (_i, computed) => String(computed.accessor),
    create: (i) => [{
      method: "POST", path: ok(i.roleName) ? `auth/token/create/${trim(i.roleName)}` : "auth/token/create",
      // api.TokenCreateRequest's JSON: display_name, num_uses, type and entity_alias have no omitempty.
      body: {
        ...whenOk({ policies: i.policies, meta: i.metadata, ttl: i.ttl, explicit_max_ttl: i.explicitMaxTtl, period: i.period, no_parent: i.noParent, no_default_policy: i.noDefaultPolicy }),
        display_name: ok(i.displayName) ? i.displayName : "token",
        num_uses: ok(i.numUses) ? i.numUses : 0,
        ...(i.renewable !== undefined ? { renewable: i.renewable } : {}),
        type: "",
        entity_alias: "",
      },
    }],
    created: (_i, [created]) => {
      const auth = created?.body?.auth;
      if (typeof auth?.client_token !== "string") return "no client_token in the response";
      return { values: { clientToken: auth.client_token, accessor: auth.accessor }, secret: ["clientToken"] };
    },
    read: (_i, computed) => [{ method: "POST", path: "auth/token/lookup-accessor", body: { accessor: computed.accessor } }],
    // A revoked or expired token: lookup-accessor answers 400 "invalid accessor" (403 without the right to look it up is not "gone").
    gone: ([lookup]) => lookup.status === 404 || (lookup.status === 400 && /invalid accessor|not found/i.test(JSON.stringify(lookup.body))),
    record: (i, [lookup]) => {
      const looked = data(lookup);
      if (typeof looked.issue_time !== "string") return `issue_time is ${typeof looked.issue_time}, the provider needs a string`;
      if (typeof looked.expire_time !== "string") return `expire_time is ${looked.expire_time === null ? "null" : typeof looked.expire_time}, the provider needs a string`;
      const policies = list(looked.policies);
      for (const policy of list(i.policies)) if (!policies.includes(policy)) return `the token lacks policy ${policy}`;
      return undefined;
    },
    // Every field that reaches Vault is ForceNew; tokenDelete: Token().RevokeAccessor.
    replaceOn: "all",
    remove: (_i, computed) => [{ method: "POST", path: "auth/token/revoke-accessor", body: { accessor: computed.accessor } }],
  },

  // vault/resource_kubernetes_auth_backend_config.go kubernetesAuthBackendConfigCreate: Logical().Write (PUT
  // auth/<backend>/config) with kubernetes_ca_cert, token_reviewer_jwt, pem_keys, issuer when set,
  // kubernetes_host, disable_iss_validation (d.Get, always), disable_local_ca_jwt when d.GetOk and, on Vault
  // 1.16+, use_annotations_as_alias_metadata (d.Get, always); then kubernetesAuthBackendConfigRead: GET
  // auth/<backend>/config.
  [VAULT_TYPES.kubernetesConfig]: {
    source: "vault/resource_kubernetes_auth_backend_config.go (kubernetesAuthBackendConfigCreate, kubernetesAuthBackendConfigRead)",
    inputs: ["backend", "kubernetesHost", "kubernetesCaCert", "tokenReviewerJwt", "pemKeys", "issuer", "disableIssValidation", "disableLocalCaJwt", "useAnnotationsAsAliasMetadata"],
    id: (i) => `auth/${trim(i.backend ?? "kubernetes")}/config`,
    create: (i) => [{
      method: "PUT", path: `auth/${trim(i.backend ?? "kubernetes")}/config`,
      body: {
        ...whenOk({ kubernetes_ca_cert: i.kubernetesCaCert, token_reviewer_jwt: i.tokenReviewerJwt }),
        ...(i.pemKeys !== undefined ? { pem_keys: list(i.pemKeys).join(",") } : {}),
        kubernetes_host: i.kubernetesHost,
        ...whenOk({ issuer: i.issuer }),
        disable_iss_validation: i.disableIssValidation ?? false,
        ...whenOk({ disable_local_ca_jwt: i.disableLocalCaJwt }),
        use_annotations_as_alias_metadata: i.useAnnotationsAsAliasMetadata ?? false,
      },
    }],
    read: (i) => [{ method: "GET", path: `auth/${trim(i.backend ?? "kubernetes")}/config` }],
    record: (i, [config]) => (data(config).kubernetes_host !== i.kubernetesHost ? `kubernetes_host read back as ${data(config).kubernetes_host}` : undefined),
    // Vault never answers the reviewer JWT, so its drift cannot be seen (the provider keeps the state's).
    observe: (i, [config]) => reported(i, config, { kubernetesHost: "kubernetes_host", kubernetesCaCert: "kubernetes_ca_cert", disableIssValidation: "disable_iss_validation" }),
    // kubernetesAuthBackendConfigUpdate writes the config again; its Delete makes no call (the plugin has no
    // delete on config: it goes with the auth method).
    replaceOn: ["backend"],
    update: "create",
    remove: () => [],
  },

  // vault/resource_kubernetes_auth_backend_role.go kubernetesAuthBackendRoleCreate: Logical().Write (PUT
  // auth/<backend>/role/<name>) with kubernetesAuthBackendRoleUpdateFields(create=true): updateTokenFields,
  // bound_service_account_names / _namespaces / _namespace_selector, audience and alias_name_source when
  // d.GetOk; then kubernetesAuthBackendRoleRead: GET auth/<backend>/role/<name>.
  [VAULT_TYPES.kubernetesRole]: {
    source: "vault/resource_kubernetes_auth_backend_role.go (kubernetesAuthBackendRoleCreate, kubernetesAuthBackendRoleUpdateFields, kubernetesAuthBackendRoleRead); vault/auth_token.go updateTokenFields",
    inputs: ["backend", "roleName", "boundServiceAccountNames", "boundServiceAccountNamespaces", "boundServiceAccountNamespaceSelector", "audience", "aliasNameSource", ...TOKEN_FIELD_INPUTS],
    id: (i) => `auth/${trim(i.backend ?? "kubernetes")}/role/${trim(i.roleName)}`,
    create: (i) => [{
      method: "PUT", path: `auth/${trim(i.backend ?? "kubernetes")}/role/${trim(i.roleName)}`,
      body: {
        ...tokenFieldsOnCreate(i, "default"),
        ...whenOk({
          bound_service_account_names: i.boundServiceAccountNames,
          bound_service_account_namespaces: i.boundServiceAccountNamespaces,
          bound_service_account_namespace_selector: i.boundServiceAccountNamespaceSelector,
          audience: i.audience,
          alias_name_source: i.aliasNameSource,
        }),
      },
    }],
    read: (i) => [{ method: "GET", path: `auth/${trim(i.backend ?? "kubernetes")}/role/${trim(i.roleName)}` }],
    record: (i, [role]) =>
      !sameSet(data(role).bound_service_account_names, i.boundServiceAccountNames) ? "bound_service_account_names differ when read back" : undefined,
    observe: (i, [role]) => reported(i, role, {
      ...TOKEN_FIELDS_REPORTED, boundServiceAccountNames: "bound_service_account_names", boundServiceAccountNamespaces: "bound_service_account_namespaces", audience: "audience",
    }),
    // kubernetesAuthBackendRoleUpdateFields(create=false): the changed fields, and the bound names and
    // namespaces always; kubernetesAuthBackendRoleDelete.
    replaceOn: ["roleName", "backend"],
    update: "changed",
    alwaysSent: ["bound_service_account_names", "bound_service_account_namespaces"],
    remove: (i) => [{ method: "DELETE", path: `auth/${trim(i.backend ?? "kubernetes")}/role/${trim(i.roleName)}` }],
  },

  // vault/resource_audit.go auditWrite: client.Sys().EnableAuditWithOptions (PUT sys/audit/<path> {type,
  // description, options, local}). The stored auditWrite returns without a read; auditRead (on refresh and
  // import) is client.Sys().ListAudit (GET sys/audit), done here as the read-back too so a policy without it fails.
  [VAULT_TYPES.audit]: {
    source: "vault/resource_audit.go (auditWrite, auditRead)",
    inputs: ["type", "path", "description", "local", "options"],
    id: (i) => trim(i.path ?? i.type),
    create: (i) => [{
      method: "PUT", path: `sys/audit/${trim(i.path ?? i.type)}`,
      body: { type: i.type, description: i.description ?? "", options: i.options ?? {}, local: i.local ?? false },
    }],
    read: () => [{ method: "GET", path: "sys/audit" }],
    gone: ([audits], i) => audits.status === 200 && auditDevice(audits, i) === undefined,
    record: (i, [audits]) => (auditDevice(audits, i)?.type !== i.type ? `no ${i.type} audit device at ${trim(i.path ?? i.type)}/ in sys/audit` : undefined),
    observe: (i, [audits]) => ({ type: auditDevice(audits, i)?.type }),
    // No update: every field is ForceNew. auditDelete: Sys().DisableAudit.
    replaceOn: "all",
    remove: (i) => [{ method: "DELETE", path: `sys/audit/${trim(i.path ?? i.type)}` }],
  },

  ...PKI_CALLS,
  ...DATABASE_CALLS,
  ...peopleCalls(),
  ...AWS_CALLS,
  ...TRANSIT_CALLS,
};

function auditDevice(audits: VaultResponse, i: Inputs): Record<string, any> | undefined {
  const key = `${trim(i.path ?? i.type)}/`;
  return audits?.body?.data?.[key] ?? audits?.body?.[key];
}

/** The provider's own inputs the stand-in understands; anything else (namespace, another auth_login_*, ...) would change its calls. */
export const PROVIDER_INPUTS = [
  "address", "caCertFile", "caCertDir", "maxLeaseTtlSeconds", "maxRetries", "token", "skipChildToken", "tokenName", "skipTlsVerify", "skipGetVaultVersion", "version", "authLoginUserpass",
];

/**
 * The provider's userpass login (internal/provider/auth_userpass.go AuthLoginUserpass.Login, auth.go
 * AuthLoginCommon.login): Logical().Write (PUT auth/<mount>/login/<username>) with the block's parameters
 * but namespace, use_root_namespace and mount, i.e. username, password and password_file (the schema's ""
 * when unset; setupUserpassAuthParams deletes it only when the password comes from that file, which is
 * not modelled). The mount defaults to "userpass". @pulumi/vault hands the block over as JSON.
 */
export function userpassLogin(block: unknown): ApiCall {
  const settings = (typeof block === "string" ? JSON.parse(block) : block) as Record<string, unknown>;
  const unmodelled = Object.keys(settings).filter((key) => !["mount", "username", "password"].includes(key));
  if (unmodelled.length > 0) throw new Error(`authLoginUserpass: the Vault provider stand-in (local/provider) does not implement ${unmodelled.join(", ")}`);
  if (!ok(settings.username)) throw new Error("authLoginUserpass: required fields are unset: [username]");
  return {
    method: "PUT", path: `auth/${trim(String(settings.mount ?? "userpass"))}/login/${settings.username}`,
    body: { username: settings.username, password: settings.password ?? "", password_file: "" },
  };
}

/** The zero value of an input's type: what the provider sends for an input no longer set. */
export function zeroOf(value: unknown): unknown {
  return Array.isArray(value) ? [] : typeof value === "number" ? 0 : typeof value === "boolean" ? false : typeof value === "object" && value !== null ? {} : "";
}
