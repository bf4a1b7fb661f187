/**
 * Applies the Vault resources the program registers (captured under Pulumi's mock runtime) to a real
 * Vault server, through the same HTTP API calls terraform-provider-vault (which @pulumi/vault wraps)
 * makes on create, followed by the read-back it does right after create. The Pulumi Vault provider
 * cannot be built here, so this stands in for `pulumi up` of the Vault layer when checking consumer
 * flows and the provisioner policy against a real server.
 *
 * Sources are terraform-provider-vault's (hashicorp/terraform-provider-vault) files, named per entry;
 * the HTTP method and path of each client call are Vault's Go API client's (hashicorp/vault api/):
 * Logical().Write is PUT, Logical().Read is GET, Sys().Mount / EnableAuthWithOptions / TuneMount are
 * POST, Sys().PutPolicy and EnableAuditWithOptions are PUT, Token().Create / CreateWithRole /
 * LookupAccessor are POST.
 *
 * Secrets (the token given, the child token, SecretIDs, issued tokens, JWTs) never appear in errors,
 * in the call log, or when a result is printed: they are held in `Secret`, which prints "[secret]".
 */
import { createHash } from "crypto";
import { Secret } from "../lib/secret";
import { isSecretInput, Registration } from "../offline/runtime";
import { VAULT_TYPES } from "../components/resourceTypes";
import { VaultEndpoint, VaultResponse, vaultRequest } from "./vaultHttp";

export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE";

/** One HTTP call as the provider's Go client sends it (path relative to /v1/). */
export interface ApiCall {
  method: HttpMethod;
  path: string;
  body?: Record<string, unknown>;
}

/** A call that was made, without its body or response (those can hold secrets). */
export interface MadeCall {
  /** The registration's name, or the provider's for the provider's own calls. */
  resource: string;
  type: string;
  phase: "configure" | "create" | "update" | "read" | "delete";
  method: HttpMethod;
  path: string;
  status: number;
}

/** What a resource computed when it was created (role ID, accessors, issued secrets). */
export type ResourceOutputs = Record<string, string | string[] | boolean | Secret>;

/** One applied resource as the stand-in's state keeps it (the local stack's stand-in for Pulumi's checkpoint). */
export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  protect: boolean;
  /** The provider reference it was applied with (`<provider URN>::<id>`). */
  provider: string;
  /** Inputs as applied, secret ones as "[secret sha256:<hex>]": a change shows, the value does not. */
  inputs: Inputs;
  outputs: ResourceOutputs;
}

/** What one `up` did with a resource, as `pulumi up` reports its steps. */
export type StepKind = "create" | "update" | "replace" | "delete" | "same";

export interface AppliedVaultResources {
  /** Every call, in order. */
  calls: MadeCall[];
  /** Every registration and every removed resource with what happened to it, in order. */
  steps: Array<{ kind: StepKind; type: string; name: string }>;
  /** The `vault:` resources that exist after this run: the next run's `previous`. */
  state: ResourceState[];
  /** Per AppRole role (the program names each role after its consumer). */
  approles: Record<string, { backend: string; roleId: string; secretId: Secret; secretIdAccessor: string }>;
  /** Per token issued through a token role, by role name (the consumer's name in this program). */
  tokens: Record<string, { token: Secret; accessor: string; policies: string[]; orphan: boolean }>;
  /** The provider's short-lived child token, per explicit provider (unless skipChildToken). */
  providerTokens: Array<{ provider: string; accessor: string; policies: string[] }>;
}

/** Changes the stand-in refuses before it makes any call: protected deletions and replacements, unmodelled updates. */
export class RefusedChanges extends Error {
  constructor(readonly refusals: string[]) {
    super(refusals.map((refusal) => `error: ${refusal}`).join("\n"));
    this.name = "RefusedChanges";
  }
}

/** Why an apply stopped: the call, its status and Vault's own errors (never a body or a secret). */
export class VaultApplyError extends Error {
  constructor(
    readonly resource: string,
    readonly type: string,
    readonly call: { method: HttpMethod; path: string; status: number },
    readonly vaultErrors: string[],
    detail?: string,
  ) {
    super(`${type} ${resource}: ${call.method} ${call.path} -> ${call.status}${call.status === 403 ? " (permission denied)" : ""}` +
      `${vaultErrors.length > 0 ? `: ${vaultErrors.join("; ")}` : ""}${detail ? ` (${detail})` : ""}`);
    this.name = "VaultApplyError";
  }
}

type Inputs = Record<string, any>;

/** A response to one call: status and parsed body. */
type Answer = VaultResponse;

interface Mapping {
  /** Where in terraform-provider-vault the calls come from. */
  source: string;
  /** The Pulumi inputs this mapping understands; any other input fails the apply (it would be dropped silently). */
  inputs: string[];
  /** Keys this resource needs applied first (e.g. "policy:kes-kes"), to check the registration order. */
  needs?: (i: Inputs) => string[];
  /** Keys this resource makes available. */
  provides?: (i: Inputs) => string[];
  /** The create calls. */
  create: (i: Inputs) => ApiCall[];
  /** The read-back right after create; may use the create responses (an accessor, a token). */
  read: (i: Inputs, created: Answer[]) => ApiCall[];
  /** Checks the read-back (what would make the provider fail or drift), fills in what the resource computed, and returns a problem if any. */
  record?: (i: Inputs, created: Answer[], read: Answer[], outputs: ResourceOutputs) => string | undefined;
  /** Inputs whose change replaces the resource (ForceNew in the provider's schema), or "all" for a resource without an update. */
  replaceOn: string[] | "all";
  /**
   * The update calls (the provider's Update), when the stand-in models it: "create" for a resource whose
   * update writes its create's body again, "changed" for one whose update sends only the changed fields
   * (d.HasChange) plus `alwaysSent`; both also send the zero value of an input no longer set.
   */
  update?: "create" | "changed" | ((i: Inputs) => ApiCall[]);
  /** With update "changed": fields the provider's update sends whether or not they changed. */
  alwaysSent?: string[];
  /** Inputs whose change the provider's update handles with calls the stand-in does not model (a remount); such a change is refused. */
  unmodelled?: string[];
  /** The delete calls (none when the provider's Delete makes no call). */
  remove: (i: Inputs, outputs: ResourceOutputs) => ApiCall[];
}

// ---------- how terraform-plugin-sdk's getters decide what the provider sends ----------

/** d.GetOk: set and not the zero value of its type. */
function ok(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value as object).length > 0;
  return true;
}

/** The fields whose value passes d.GetOk. */
function whenOk(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => ok(value)));
}

const trim = (path: string) => String(path).replace(/^\/+|\/+$/g, "");
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

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

const TOKEN_FIELD_INPUTS = ["tokenBoundCidrs", "tokenPolicies", "tokenExplicitMaxTtl", "tokenMaxTtl", "tokenPeriod", "tokenTtl", "tokenNumUses", "tokenNoDefaultPolicy", "tokenType"];

/** api.MountConfigInput as Go serialises it for a create with only the TTLs set (omitempty fields left out). */
function mountConfig(i: Inputs): Record<string, unknown> {
  return {
    options: null,
    default_lease_ttl: `${i.defaultLeaseTtlSeconds ?? 0}s`,
    max_lease_ttl: `${i.maxLeaseTtlSeconds ?? 0}s`,
    force_no_cache: false,
    ...whenOk({ audit_non_hmac_request_keys: i.auditNonHmacRequestKeys, audit_non_hmac_response_keys: i.auditNonHmacResponseKeys, listing_visibility: i.listingVisibility }),
  };
}

/** tuneMountWithMap's body: the TTLs and options always, the rest when set. */
function mountTune(i: Inputs): Record<string, unknown> {
  return {
    default_lease_ttl: `${i.defaultLeaseTtlSeconds ?? 0}s`,
    max_lease_ttl: `${i.maxLeaseTtlSeconds ?? 0}s`,
    options: i.options ?? {},
    ...whenOk({ description: i.description, listing_visibility: i.listingVisibility, audit_non_hmac_request_keys: i.auditNonHmacRequestKeys, audit_non_hmac_response_keys: i.auditNonHmacResponseKeys }),
  };
}

const policiesNeeded = (names: unknown): string[] => list(names).filter((name) => name !== "default").map((name) => `policy:${name}`);

function data(answer: Answer | undefined): Record<string, any> {
  return (answer?.body && typeof answer.body === "object" ? answer.body.data : undefined) ?? {};
}

function sameSet(a: unknown, b: unknown): boolean {
  const left = [...list(a)].sort();
  const right = [...list(b)].sort();
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

// ---------- the table: type token -> calls, from terraform-provider-vault's resources ----------

export const MAPPINGS: Record<string, Mapping> = {
  // vault/resource_mount.go mountWrite -> createMount: client.Sys().MountWithContext (POST sys/mounts/<path>),
  // then mountRead -> mountutil.GetMount: client.Sys().GetMountWithContext (GET sys/mounts/<path>).
  [VAULT_TYPES.mount]: {
    source: "vault/resource_mount.go (mountWrite, createMount, readMount); util/mountutil/mountutil.go GetMount",
    inputs: ["path", "type", "description", "options", "defaultLeaseTtlSeconds", "maxLeaseTtlSeconds", "local", "sealWrap", "externalEntropyAccess", "auditNonHmacRequestKeys", "auditNonHmacResponseKeys", "listingVisibility"],
    provides: (i) => [`mount:${trim(i.path)}`],
    create: (i) => [{
      method: "POST", path: `sys/mounts/${trim(i.path)}`,
      body: {
        type: i.type, description: i.description ?? "", config: mountConfig(i), local: i.local ?? false,
        seal_wrap: i.sealWrap ?? false, external_entropy_access: i.externalEntropyAccess ?? false, options: i.options ?? {},
      },
    }],
    read: (i) => [{ method: "GET", path: `sys/mounts/${trim(i.path)}` }],
    record: (i, _created, [mount]) => {
      const body = data(mount);
      if (body.type !== i.type) return `mount type is ${body.type}, not ${i.type}`;
      for (const [key, value] of Object.entries(i.options ?? {})) {
        if (body.options?.[key] !== value) return `mount option ${key} is ${body.options?.[key]}, not ${String(value)}`;
      }
      return undefined;
    },
    // resource_mount.go: type, seal_wrap, external_entropy_access and local are ForceNew; a new path is a
    // remount (not modelled: it fails before any call); updateMount tunes (tuneMountWithMap, TTLs and options
    // always sent); mountDelete: Sys().Unmount.
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
    needs: (i) => [`mount:${trim(i.mount)}`],
    create: (i) => [{
      method: "PUT", path: `${trim(i.mount)}/config`,
      body: { max_versions: i.maxVersions ?? 0, cas_required: i.casRequired ?? false, delete_version_after: i.deleteVersionAfter ?? 0 },
    }],
    read: (i) => [{ method: "GET", path: `${trim(i.mount)}/config` }],
    record: (i, _created, [config]) =>
      i.maxVersions !== undefined && data(config).max_versions !== i.maxVersions ? `max_versions is ${data(config).max_versions}, not ${i.maxVersions}` : undefined,
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
    provides: (i) => [`policy:${i.name}`],
    create: (i) => [{ method: "PUT", path: `sys/policies/acl/${i.name}`, body: { policy: i.policy } }],
    read: (i) => [{ method: "GET", path: `sys/policies/acl/${i.name}` }],
    record: (i, _created, [policy]) => (data(policy).policy !== i.policy ? "the policy read back differs from the one written" : undefined),
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
    provides: (i) => [`auth:${trim(i.path ?? i.type)}`],
    create: (i) => [{
      method: "POST", path: `sys/auth/${trim(i.path ?? i.type)}`,
      body: {
        type: i.type, description: i.description ?? "", config: mountConfig(i), local: i.local ?? false,
        seal_wrap: i.sealWrap ?? false, external_entropy_access: false, options: null,
      },
    }],
    read: (i) => [{ method: "GET", path: `sys/mounts/auth/${trim(i.path ?? i.type)}` }],
    record: (i, _created, [mount]) => (data(mount).type !== i.type ? `auth method type is ${data(mount).type}, not ${i.type}` : undefined),
    // auth_mount.go: type, local and seal_wrap are ForceNew, a new path is a remount (not modelled);
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
    needs: (i) => [`auth:${trim(i.backend ?? "approle")}`, ...policiesNeeded(i.tokenPolicies)],
    provides: (i) => [`approle-role:${trim(i.backend ?? "approle")}/${i.roleName}`],
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
    record: (i, _created, [role, roleId], outputs) => {
      if (!sameSet(data(role).token_policies, i.tokenPolicies)) return `token_policies read back as ${JSON.stringify(data(role).token_policies)}`;
      const id = data(roleId).role_id;
      if (typeof id !== "string" || id === "") return "no role_id in the read-back";
      Object.assign(outputs, { backend: trim(i.backend ?? "approle"), roleId: id });
      return undefined;
    },
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
    needs: (i) => [`approle-role:${trim(i.backend ?? "approle")}/${i.roleName}`],
    create: (i) => [{
      method: "PUT", path: `auth/${trim(i.backend ?? "approle")}/role/${trim(i.roleName)}/secret-id`,
      body: {
        ...(ok(i.cidrLists) ? { cidr_list: list(i.cidrLists).join(",") } : {}),
        metadata: ok(i.metadata) ? i.metadata : "",
        ...whenOk({ ttl: i.ttl, num_uses: i.numUses }),
      },
    }],
    read: (i, [created]) => [{
      method: "PUT", path: `auth/${trim(i.backend ?? "approle")}/role/${trim(i.roleName)}/secret-id-accessor/lookup`,
      body: { secret_id_accessor: data(created).secret_id_accessor },
    }],
    record: (_i, [created], [lookup], outputs) => {
      const { secret_id: secretId, secret_id_accessor: accessor } = data(created);
      if (typeof secretId !== "string" || typeof accessor !== "string") return "no secret_id in the response";
      if (data(lookup).secret_id_accessor !== accessor) return "the SecretID lookup answered another accessor";
      Object.assign(outputs, { secretId: new Secret(secretId), secretIdAccessor: accessor });
      return undefined;
    },
    // No update: every field is ForceNew. approleAuthBackendRoleSecretIDDelete destroys it by accessor.
    replaceOn: "all",
    remove: (i, outputs) => [{
      method: "PUT", path: `auth/${trim(i.backend ?? "approle")}/role/${trim(i.roleName)}/secret-id-accessor/destroy`,
      body: { secret_id_accessor: outputs.secretIdAccessor },
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
    needs: (i) => [...policiesNeeded(i.allowedPolicies), ...policiesNeeded(i.tokenPolicies)],
    provides: (i) => [`token-role:${i.roleName}`],
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
    record: (i, _created, [role]) => {
      const body = data(role);
      if (!sameSet(body.allowed_policies, i.allowedPolicies)) return `allowed_policies read back as ${JSON.stringify(body.allowed_policies)}`;
      if (body.orphan !== (i.orphan ?? false)) return `orphan read back as ${String(body.orphan)}`;
      return undefined;
    },
    // tokenAuthBackendRoleUpdate writes the full role again; tokenAuthBackendRoleDelete.
    replaceOn: ["roleName"],
    update: "create",
    remove: (i) => [{ method: "DELETE", path: `auth/token/roles/${trim(i.roleName)}` }],
  },

  // vault/resource_token.go tokenCreate: a TokenCreateRequest (policies, ttl, explicit_max_ttl, period, no_parent,
  // no_default_policy, display_name, num_uses when d.GetOk, renewable by GetOkExists, meta), sent with
  // client.Auth().Token().CreateWithRole (POST auth/token/create/<role>) or Create (POST auth/token/create);
  // then tokenRead: Token().LookupAccessor (POST auth/token/lookup-accessor {accessor}), which must answer
  // issue_time and expire_time as strings (a failed lookup drops the resource: the apply fails).
  [VAULT_TYPES.token]: {
    source: "vault/resource_token.go (tokenCreate, tokenRead)",
    inputs: ["roleName", "policies", "ttl", "explicitMaxTtl", "period", "noParent", "noDefaultPolicy", "displayName", "numUses", "renewable", "metadata"],
    needs: (i) => [...(ok(i.roleName) ? [`token-role:${i.roleName}`] : []), ...policiesNeeded(i.policies)],
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
    read: (_i, [created]) => [{ method: "POST", path: "auth/token/lookup-accessor", body: { accessor: created?.body?.auth?.accessor } }],
    record: (i, [created], [lookup], outputs) => {
      const auth = created?.body?.auth;
      if (typeof auth?.client_token !== "string") return "no client_token in the response";
      const looked = data(lookup);
      if (typeof looked.issue_time !== "string") return `issue_time is ${typeof looked.issue_time}, the provider needs a string`;
      if (typeof looked.expire_time !== "string") return `expire_time is ${looked.expire_time === null ? "null" : typeof looked.expire_time}, the provider needs a string`;
      const policies = list(looked.policies);
      for (const policy of list(i.policies)) if (!policies.includes(policy)) return `the token lacks policy ${policy}`;
      Object.assign(outputs, { token: new Secret(auth.client_token), accessor: auth.accessor, policies, orphan: looked.orphan === true });
      return undefined;
    },
    // Every field that reaches Vault is ForceNew; tokenDelete: Token().RevokeAccessor (the resource ID is the accessor).
    replaceOn: "all",
    remove: (_i, outputs) => [{ method: "POST", path: "auth/token/revoke-accessor", body: { accessor: outputs.accessor } }],
  },

  // vault/resource_kubernetes_auth_backend_config.go kubernetesAuthBackendConfigCreate: Logical().Write (PUT
  // auth/<backend>/config) with kubernetes_ca_cert, token_reviewer_jwt, pem_keys, issuer when set,
  // kubernetes_host, disable_iss_validation (d.Get, always), disable_local_ca_jwt when d.GetOk and, on Vault
  // 1.16+, use_annotations_as_alias_metadata (d.Get, always); then kubernetesAuthBackendConfigRead: GET
  // auth/<backend>/config.
  [VAULT_TYPES.kubernetesConfig]: {
    source: "vault/resource_kubernetes_auth_backend_config.go (kubernetesAuthBackendConfigCreate, kubernetesAuthBackendConfigRead)",
    inputs: ["backend", "kubernetesHost", "kubernetesCaCert", "tokenReviewerJwt", "pemKeys", "issuer", "disableIssValidation", "disableLocalCaJwt", "useAnnotationsAsAliasMetadata"],
    needs: (i) => [`auth:${trim(i.backend ?? "kubernetes")}`],
    provides: (i) => [`kubernetes-config:${trim(i.backend ?? "kubernetes")}`],
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
    record: (i, _created, [config]) => (data(config).kubernetes_host !== i.kubernetesHost ? `kubernetes_host read back as ${data(config).kubernetes_host}` : undefined),
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
    needs: (i) => [`auth:${trim(i.backend ?? "kubernetes")}`, ...policiesNeeded(i.tokenPolicies)],
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
    record: (i, _created, [role]) =>
      !sameSet(data(role).bound_service_account_names, i.boundServiceAccountNames) ? "bound_service_account_names differ when read back" : undefined,
    // kubernetesAuthBackendRoleUpdateFields(create=false): the changed fields, and the bound names and
    // namespaces always; kubernetesAuthBackendRoleDelete.
    replaceOn: ["roleName", "backend"],
    update: "changed",
    alwaysSent: ["bound_service_account_names", "bound_service_account_namespaces"],
    remove: (i) => [{ method: "DELETE", path: `auth/${trim(i.backend ?? "kubernetes")}/role/${trim(i.roleName)}` }],
  },

  // vault/resource_audit.go auditWrite: client.Sys().EnableAuditWithOptions (PUT sys/audit/<path> {type,
  // description, options, local}). The stored auditWrite returns without a read; auditRead (on refresh and
  // import) is client.Sys().ListAudit (GET sys/audit), done here as the read-back so a policy without it fails.
  [VAULT_TYPES.audit]: {
    source: "vault/resource_audit.go (auditWrite, auditRead)",
    inputs: ["type", "path", "description", "local", "options"],
    provides: (i) => [`audit:${trim(i.path ?? i.type)}`],
    create: (i) => [{
      method: "PUT", path: `sys/audit/${trim(i.path ?? i.type)}`,
      body: { type: i.type, description: i.description ?? "", options: i.options ?? {}, local: i.local ?? false },
    }],
    read: () => [{ method: "GET", path: "sys/audit" }],
    record: (i, _created, [audits]) => {
      const entry = audits?.body?.data?.[`${trim(i.path ?? i.type)}/`] ?? audits?.body?.[`${trim(i.path ?? i.type)}/`];
      if (entry?.type !== i.type) return `no ${i.type} audit device at ${trim(i.path ?? i.type)}/ in sys/audit`;
      return undefined;
    },
    // No update: every field is ForceNew. auditDelete: Sys().DisableAudit.
    replaceOn: "all",
    remove: (i) => [{ method: "DELETE", path: `sys/audit/${trim(i.path ?? i.type)}` }],
  },
};

/** Provider inputs this applier understands; anything else (namespace, auth_login, ...) changes the calls. */
const PROVIDER_INPUTS = ["address", "caCertFile", "caCertDir", "maxLeaseTtlSeconds", "maxRetries", "token", "skipChildToken", "tokenName", "skipTlsVerify", "skipGetVaultVersion", "version"];
const PROVIDER_TYPE = "pulumi:providers:vault";

/** The `vault:` registrations, checked (known type, known inputs, dependency order) before any call is made. */
function plan(registrations: Registration[]): Array<{ registration: Registration; mapping: Mapping; inputs: Inputs }> {
  const planned: Array<{ registration: Registration; mapping: Mapping; inputs: Inputs }> = [];
  for (const provider of registrations.filter((registration) => registration.type === PROVIDER_TYPE)) {
    const unknown = Object.keys(provider.inputs).filter((key) => !PROVIDER_INPUTS.includes(key));
    if (unknown.length > 0) throw new Error(`${PROVIDER_TYPE} ${provider.name}: input${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} not modelled in local/vaultApplier.ts`);
  }
  for (const registration of registrations) {
    if (!registration.type.startsWith("vault:")) continue;
    if (!registrations.some((candidate) => candidate.type === PROVIDER_TYPE && registration.provider.startsWith(`${candidate.urn}::`))) {
      throw new Error(`${registration.type} (${registration.name}): no ${PROVIDER_TYPE} registration for its provider ${registration.provider || "(default provider)"}`);
    }
    const mapping = MAPPINGS[registration.type];
    if (!mapping) {
      throw new Error(`${registration.type} (${registration.name}): no mapping to Vault API calls in local/vaultApplier.ts; ` +
        `add one from terraform-provider-vault's resource source (known: ${Object.keys(MAPPINGS).join(", ")})`);
    }
    const inputs = Object.fromEntries(Object.entries(registration.inputs).filter(([key]) => key !== "__defaults").map(([key, value]) => [key, unwrap(value)]));
    const unknown = Object.keys(inputs).filter((key) => !mapping.inputs.includes(key));
    if (unknown.length > 0) {
      throw new Error(`${registration.type} (${registration.name}): input${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} not mapped in local/vaultApplier.ts; ` +
        "map them as terraform-provider-vault sends them");
    }
    planned.push({ registration, mapping, inputs });
  }
  // Registration order must be dependency order (the engine registers a resource only once the outputs it
  // uses are known): each resource's needs must be provided by one registered before it, and what it was
  // declared to depend on (dependsOn) must be registered before it too.
  const available = new Set<string>();
  const registeredBefore = new Set<string>();
  for (const { registration, mapping, inputs } of planned) {
    const later = registration.dependencies.filter((urn) => planned.some((other) => other.registration.urn === urn) && !registeredBefore.has(urn));
    if (later.length > 0) {
      throw new Error(`${registration.type} (${registration.name}) is registered before what it depends on: ${later.map((urn) => urn.split("::").pop()).join(", ")}`);
    }
    registeredBefore.add(registration.urn);
    const missing = (mapping.needs?.(inputs) ?? []).filter((key) => !available.has(key));
    if (missing.length > 0) {
      throw new Error(`${registration.type} (${registration.name}) is registered before what it needs: ${missing.join(", ")}; ` +
        "registration order is not dependency order");
    }
    for (const key of mapping.provides?.(inputs) ?? []) available.add(key);
  }
  return planned;
}

/** Inputs with secret markers removed, deeply. */
function unwrap(value: unknown): any {
  const inner = isSecretInput(value) ? (value as { value: unknown }).value : value;
  if (Array.isArray(inner)) return inner.map(unwrap);
  if (inner && typeof inner === "object") return Object.fromEntries(Object.entries(inner).map(([key, item]) => [key, unwrap(item)]));
  return inner;
}

function vaultErrors(answer: Answer): string[] {
  const errors = answer.body && typeof answer.body === "object" ? answer.body.errors : undefined;
  return Array.isArray(errors) ? errors.map(String) : [];
}

/** Inputs as the state keeps them: secret values hashed, so a changed secret shows and no secret is stored. */
export function stateInputs(inputs: Record<string, unknown>): Inputs {
  const walk = (value: unknown): unknown => {
    if (isSecretInput(value)) return `[secret sha256:${createHash("sha256").update(JSON.stringify(unwrap(value))).digest("hex")}]`;
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item)]));
    return value;
  };
  return Object.fromEntries(Object.entries(inputs).filter(([key]) => key !== "__defaults").map(([key, value]) => [key, walk(value)]));
}

/** JSON with sorted keys, so that equal inputs compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Inputs)[key])}`).join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/** The zero value of an input's type: what the provider sends for an input no longer set. */
function zeroOf(value: unknown): unknown {
  return Array.isArray(value) ? [] : typeof value === "number" ? 0 : typeof value === "boolean" ? false : typeof value === "object" && value !== null ? {} : "";
}

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

const PROTECTED_REPLACE = (urn: string) => `unable to replace resource "${urn}"\nas it is currently marked for protection. ` +
  "To unprotect the resource, remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`";
const PROTECTED_DELETE = (urn: string) => `unable to delete resource "${urn}"\nas it is currently marked for protection. ` +
  "To unprotect the resource, either remove the `protect` flag from the resource in your Pulumi program and run `pulumi up` or use the command:\n" +
  `\`pulumi state unprotect '${urn}'\``;

interface Step {
  kind: StepKind;
  planned?: ReturnType<typeof plan>[number];
  prior?: ResourceState;
  /** update: the inputs that changed. */
  changed: string[];
}

/**
 * What to do with each registration given the previous state, as Pulumi's step generator decides: create,
 * same, update, replace, and delete for what is no longer registered. Protected resources are neither
 * replaced nor deleted (Pulumi's messages); refusals are collected and thrown before any call.
 */
function steps(planned: ReturnType<typeof plan>, previous: ResourceState[]): Step[] {
  const refusals: string[] = [];
  const priorByUrn = new Map(previous.map((entry) => [entry.urn, entry]));
  const result: Step[] = [];
  for (const entry of planned) {
    const prior = priorByUrn.get(entry.registration.urn);
    const inputs = stateInputs(entry.registration.inputs);
    if (!prior) {
      result.push({ kind: "create", planned: entry, changed: [] });
      continue;
    }
    const changed = [...new Set([...Object.keys(inputs), ...Object.keys(prior.inputs)])].filter((key) => canonical(inputs[key]) !== canonical(prior.inputs[key]));
    if (changed.length === 0) {
      result.push({ kind: "same", planned: entry, prior, changed });
    } else if (entry.mapping.replaceOn === "all" || changed.some((key) => (entry.mapping.replaceOn as string[]).includes(key))) {
      if (prior.protect && entry.registration.protect) refusals.push(PROTECTED_REPLACE(prior.urn));
      result.push({ kind: "replace", planned: entry, prior, changed });
    } else if (entry.mapping.update === undefined || changed.some((key) => entry.mapping.unmodelled?.includes(key))) {
      refusals.push(`${entry.registration.type} (${entry.registration.name}): changing ${changed.join(", ")} is not modelled by the stand-in (local/vaultApplier.ts)`);
    } else {
      result.push({ kind: "update", planned: entry, prior, changed });
    }
  }
  const registered = new Set(planned.map((entry) => entry.registration.urn));
  for (const prior of [...previous].reverse()) {
    if (registered.has(prior.urn)) continue;
    if (prior.protect) refusals.push(PROTECTED_DELETE(prior.urn));
    result.push({ kind: "delete", prior, changed: [] });
  }
  if (refusals.length > 0) throw new RefusedChanges(refusals);
  return result;
}

/**
 * The calls this run will make to delete what is no longer registered or is replaced: what the
 * provisioning token needs beyond the new declarations' policy (which no longer names those paths).
 */
export function deletionCalls(registrations: Registration[], previous: ResourceState[]): ApiCall[] {
  return steps(plan(registrations), previous)
    .filter((step) => step.kind === "delete" || step.kind === "replace")
    .flatMap(({ prior }) => MAPPINGS[prior!.type]?.remove(prior!.inputs, prior!.outputs) ?? []);
}

/** The approle and token entries callers read, from the resources' outputs. */
function credentials(state: ResourceState[]): Pick<AppliedVaultResources, "approles" | "tokens"> {
  const approles: AppliedVaultResources["approles"] = {};
  const tokens: AppliedVaultResources["tokens"] = {};
  for (const { type, inputs, outputs } of state) {
    if (type === VAULT_TYPES.approleRole || type === VAULT_TYPES.approleSecretId) {
      approles[inputs.roleName] = { ...approles[inputs.roleName], ...outputs } as AppliedVaultResources["approles"][string];
    } else if (type === VAULT_TYPES.token) {
      tokens[ok(inputs.roleName) ? inputs.roleName : inputs.displayName ?? outputs.accessor] = outputs as unknown as AppliedVaultResources["tokens"][string];
    }
  }
  return { approles, tokens };
}

/**
 * `pulumi up` of the `vault:` registrations, as the Vault provider would do it: the provider's
 * configuration first (lookup-self, a short-lived child token unless skipChildToken, the server version),
 * then in registration order each new resource's create calls and read-back, each changed one's update
 * (or, for a change its schema marks ForceNew, a new resource whose old one is deleted at the end), and
 * last the deletions of what is no longer registered, in reverse order. `previous` is the state the last
 * run returned (none: everything is new). Stops at the first call Vault refuses, with a VaultApplyError
 * naming the resource, method, path and status; refuses protected deletions before any call.
 */
export async function applyVaultResources(endpoint: VaultEndpoint, token: string, registrations: Registration[], previous: ResourceState[] = []): Promise<AppliedVaultResources> {
  const planned = plan(registrations);
  const todo = steps(planned, previous);
  const out: AppliedVaultResources = { calls: [], steps: [], state: [], approles: {}, tokens: {}, providerTokens: [] };
  const providers = new Map(registrations.filter((registration) => registration.type === PROVIDER_TYPE).map((registration) => [registration.urn, unwrap(registration.inputs) as Inputs]));
  const clientTokens = new Map<string, Secret>();

  const send = async (resource: string, type: string, phase: MadeCall["phase"], call: ApiCall, as: Secret): Promise<Answer> => {
    let answer: Answer;
    try {
      answer = await vaultRequest(endpoint, call.method, call.path, { token: as.reveal(), body: call.body });
    } catch (error) {
      throw new VaultApplyError(resource, type, { method: call.method, path: call.path, status: 0 }, [], `transport: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    out.calls.push({ resource, type, phase, method: call.method, path: call.path, status: answer.status });
    if (answer.status < 200 || answer.status >= 300) {
      throw new VaultApplyError(resource, type, { method: call.method, path: call.path, status: answer.status }, vaultErrors(answer));
    }
    return answer;
  };

  /**
   * internal/provider/meta.go setClient (LookupSelf, createChildToken) and setVaultVersion (Sys().SealStatus).
   * A provider no longer registered (its resources are being deleted) is configured with default settings.
   */
  const clientFor = async (providerRef: string): Promise<Secret> => {
    const urn = providerRef.split("::").slice(0, -1).join("::");
    const cached = clientTokens.get(urn);
    if (cached) return cached;
    const inputs = providers.get(urn) ?? {};
    const name = urn.split("::").pop() ?? PROVIDER_TYPE;
    const given = new Secret(token);
    await send(name, PROVIDER_TYPE, "configure", { method: "GET", path: "auth/token/lookup-self" }, given);
    let client = given;
    if (String(inputs.skipChildToken) !== "true") {
      const ttl = Number(inputs.maxLeaseTtlSeconds ?? 1200) || 1200;
      const created = await send(name, PROVIDER_TYPE, "configure", {
        method: "POST", path: "auth/token/create",
        body: { display_name: inputs.tokenName ?? "terraform", num_uses: 0, renewable: false, ttl: `${ttl}s`, explicit_max_ttl: `${ttl}s`, type: "", entity_alias: "" },
      }, given);
      client = new Secret(created.body.auth.client_token);
      out.providerTokens.push({ provider: name, accessor: created.body.auth.accessor, policies: list(created.body.auth.policies) });
    }
    await send(name, PROVIDER_TYPE, "configure", { method: "GET", path: "sys/seal-status" }, client);
    clientTokens.set(urn, client);
    return client;
  };

  // The engine configures every registered provider, also for a run that changes nothing.
  for (const { registration } of planned) await clientFor(registration.provider);

  const deletions: ResourceState[] = [];
  for (const step of todo) {
    if (step.kind === "delete") {
      out.steps.push({ kind: "delete", type: step.prior!.type, name: step.prior!.name });
      deletions.push(step.prior!);
      continue;
    }
    const { registration, mapping, inputs } = step.planned!;
    out.steps.push({ kind: step.kind, type: registration.type, name: registration.name });
    const entry: ResourceState = {
      urn: registration.urn, type: registration.type, name: registration.name, protect: registration.protect,
      provider: registration.provider, inputs: stateInputs(registration.inputs), outputs: step.prior?.outputs ?? {},
    };
    out.state.push(entry);
    if (step.kind === "same") continue;
    const client = await clientFor(registration.provider);
    let calls: ApiCall[];
    if (step.kind === "update") {
      entry.outputs = { ...step.prior!.outputs };
      const writes = typeof mapping.update === "function" ? mapping.update(inputs) : mapping.create(inputs);
      // What is no longer set goes to Vault as its zero value (updateTokenFields and the like send d.Get of a changed field).
      const unset = step.changed.filter((key) => inputs[key] === undefined);
      calls = writes.map((call, index) => (index === 0 && call.body
        ? { ...call, body: { ...Object.fromEntries(unset.map((key) => [snakeCase(key), zeroOf(step.prior!.inputs[key])])), ...call.body } }
        : call));
      if (mapping.update === "changed") {
        const sent = new Set([...step.changed.map(snakeCase), ...(mapping.alwaysSent ?? [])]);
        calls = calls
          .map((call) => (call.body ? { ...call, body: Object.fromEntries(Object.entries(call.body).filter(([field]) => sent.has(field))) } : call))
          .filter((call, index) => index === 0 || Object.keys(call.body ?? {}).length > 0);
      }
    } else {
      entry.outputs = {};
      calls = mapping.create(inputs);
      if (step.kind === "replace") deletions.unshift(step.prior!);
    }
    const created: Answer[] = [];
    for (const call of calls) created.push(await send(registration.name, registration.type, step.kind === "update" ? "update" : "create", call, client));
    const read: Answer[] = [];
    for (const call of mapping.read(inputs, created)) read.push(await send(registration.name, registration.type, "read", call, client));
    const problem = mapping.record?.(inputs, created, read, entry.outputs);
    if (problem) {
      const last = out.calls[out.calls.length - 1];
      throw new VaultApplyError(registration.name, registration.type, { method: last.method, path: last.path, status: last.status }, [], problem);
    }
  }

  for (const prior of deletions) {
    const mapping = MAPPINGS[prior.type];
    if (!mapping) throw new Error(`${prior.type} (${prior.name}): no mapping to Vault API calls in local/vaultApplier.ts to delete it`);
    const client = await clientFor(prior.provider);
    for (const call of mapping.remove(prior.inputs, prior.outputs)) await send(prior.name, prior.type, "delete", call, client);
  }
  Object.assign(out, credentials(out.state));
  return out;
}
