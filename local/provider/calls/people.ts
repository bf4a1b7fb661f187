/**
 * People's login: the LDAP and OIDC (JWT) auth methods, their groups and roles, as terraform-provider-vault
 * (hashicorp/terraform-provider-vault) makes their calls. Read from the newest stored versions of
 * vault/resource_ldap_auth_backend.go (createAuthMount and user_lockout tune), resource_ldap_auth_backend_group.go,
 * resource_jwt_auth_backend.go (oidc_client_secret_wo) and resource_jwt_auth_backend_role.go (user_claim_json_pointer,
 * max_age), with vault/auth_mount.go and vault/auth_token.go.
 */
import { VAULT_TYPES } from "../../../components/resourceTypes";
import type { VaultResponse } from "../../vaultHttp";
import { data, list, ok, reported, sameSet, snakeCase, trim, whenOk } from "./fields";
import { ApiCall, authMountGone, enableAuthCall, Inputs, mountConfig, ResourceCalls, TOKEN_FIELD_INPUTS, TOKEN_FIELDS_REPORTED, zeroOf } from "../vaultCalls";

/** ldapAuthBackendFields: sent when d.GetOk. */
const LDAP_STRING_FIELDS = ["url", "tlsMinVersion", "tlsMaxVersion", "certificate", "binddn", "userdn", "userattr", "userfilter", "upndomain", "groupfilter", "groupdn", "groupattr"];
/** ldapAuthBackendBooleanFields: always sent, d.Get (false when unset). */
const LDAP_BOOLEAN_FIELDS = ["starttls", "insecureTls", "caseSensitiveNames", "discoverdn", "denyNullBind", "usernameAsAlias", "useTokenGroups"];
/** The schema default of max_page_size, which d.GetOk then sends (Vault 1.11+). */
const MAX_PAGE_SIZE_DEFAULT = -1;

/** matchingJwtMountConfigOptions the stand-in models (jwks_pairs left out), each sent when set or changed. */
const JWT_CONFIG_FIELDS = [
  "oidcDiscoveryUrl", "oidcDiscoveryCaPem", "oidcClientId", "oidcResponseMode", "oidcResponseTypes", "jwksUrl", "jwksCaPem", "jwtValidationPubkeys",
  "boundIssuer", "jwtSupportedAlgs", "defaultRole", "providerConfig",
];

const ldapPath = (i: Inputs) => trim(i.path ?? "ldap");
const jwtPath = (i: Inputs) => trim(i.path ?? "jwt");
const groupPath = (i: Inputs) => `auth/${trim(i.backend ?? "ldap")}/groups/${trim(i.groupname)}`;
const rolePath = (i: Inputs) => `auth/${trim(i.backend ?? "jwt")}/role/${trim(i.roleName)}`;

/**
 * auth_token.go updateTokenFields(d, data, create=false): each token field d.HasChange sends as d.Get (its
 * zero value once unset). On a new resource (`previous` empty) that is the fields set to a non-zero value.
 */
function changedTokenFields(i: Inputs, previous: Inputs): Record<string, unknown> {
  const value = (inputs: Inputs, input: string) => inputs[input] ?? zeroOf(i[input] ?? previous[input]);
  // token_policies and token_bound_cidrs are sets: their order is no change.
  const comparable = (value: unknown) => JSON.stringify(Array.isArray(value) ? [...value].sort() : value);
  const changed = TOKEN_FIELD_INPUTS.filter((input) => comparable(value(i, input)) !== comparable(value(previous, input)));
  return Object.fromEntries(changed.map((input) => [snakeCase(input), value(i, input)]));
}

/** updateTokenFields(d, data, create=true): each token field when d.GetOk; no_default_policy by GetOkExists; token_type is Computed, sent only when set. */
function tokenFieldsWhenSet(i: Inputs): Record<string, unknown> {
  return {
    ...whenOk(Object.fromEntries(TOKEN_FIELD_INPUTS.filter((input) => input !== "tokenNoDefaultPolicy").map((input) => [snakeCase(input), i[input]]))),
    ...(i.tokenNoDefaultPolicy !== undefined ? { token_no_default_policy: i.tokenNoDefaultPolicy } : {}),
  };
}

/** ldapAuthBackendUpdate's config write: GetOk strings, every boolean, max_page_size, bindpass when set, the changed token fields. */
function ldapConfigCall(i: Inputs, previous: Inputs): ApiCall {
  const maxPageSize = i.maxPageSize ?? MAX_PAGE_SIZE_DEFAULT;
  return {
    method: "PUT", path: `auth/${ldapPath(i)}/config`,
    body: {
      ...whenOk(Object.fromEntries(LDAP_STRING_FIELDS.map((input) => [snakeCase(input), i[input]]))),
      ...Object.fromEntries(LDAP_BOOLEAN_FIELDS.map((input) => [snakeCase(input), i[input] ?? false])),
      ...whenOk({ max_page_size: maxPageSize, bindpass: i.bindpass }),
      ...changedTokenFields(i, previous),
    },
  };
}

/** updateAuthMount's tune (Sys().TuneMount, POST sys/mounts/auth/<path>/tune): the TTLs always, the description when it changed. */
function ldapTuneCall(i: Inputs, previous: Inputs): ApiCall {
  const description = i.description !== previous.description && ok(i.description) ? { description: i.description } : {};
  return { method: "POST", path: `sys/mounts/auth/${ldapPath(i)}/tune`, body: { ...mountConfig(i), ...description } };
}

/** jwtAuthBackendUpdate's config write: each option set (GetOkExists) or changed, d.Get; namespace_in_state defaults to true; the client secret when d.GetOk. */
function jwtConfigCall(i: Inputs): ApiCall {
  return {
    method: "PUT", path: `auth/${jwtPath(i)}/config`,
    body: {
      ...Object.fromEntries(JWT_CONFIG_FIELDS.filter((input) => i[input] !== undefined).map((input) => [snakeCase(input), i[input]])),
      ...whenOk({ oidc_client_secret: i.oidcClientSecret }),
      namespace_in_state: i.namespaceInState ?? true,
    },
  };
}

/**
 * jwtAuthBackendRoleDataToWrite: the token fields (as updateTokenFields does on create or update), bound_audiences,
 * user_claim, user_claim_json_pointer, bound_claims, the leeways and verbose_oidc_logging always; the rest when set.
 * A bound claim's value is split on commas and its trimmed parts joined with nothing (a list "a,b" reaches Vault as "ab").
 */
function jwtRoleCall(i: Inputs, tokenFields: Record<string, unknown>): ApiCall {
  const boundClaims = Object.fromEntries(Object.entries(i.boundClaims ?? {}).map(([claim, value]) =>
    [claim, i.disableBoundClaimsParsing ? String(value).trim() : String(value).split(",").map((part) => part.trim()).join("")]));
  return {
    method: "PUT", path: rolePath(i),
    body: {
      ...tokenFields,
      bound_audiences: list(i.boundAudiences),
      user_claim: i.userClaim,
      user_claim_json_pointer: i.userClaimJsonPointer ?? false,
      ...whenOk({ max_age: i.maxAge, allowed_redirect_uris: i.allowedRedirectUris, role_type: i.roleType }),
      ...(i.boundSubject !== undefined ? { bound_subject: i.boundSubject } : {}),
      ...whenOk({ oidc_scopes: i.oidcScopes }),
      ...(i.boundClaimsType !== undefined ? { bound_claims_type: i.boundClaimsType } : {}),
      bound_claims: boundClaims,
      ...whenOk({ claim_mappings: i.claimMappings }),
      ...(i.groupsClaim !== undefined ? { groups_claim: i.groupsClaim } : {}),
      clock_skew_leeway: i.clockSkewLeeway ?? 0,
      expiration_leeway: i.expirationLeeway ?? 0,
      not_before_leeway: i.notBeforeLeeway ?? 0,
      verbose_oidc_logging: i.verboseOidcLogging ?? false,
    },
  };
}

/** An auth method whose mount and config are both read: gone when either is (readAuthMount, or a config read answering nothing). */
const mountOrConfigGone = ([mount, config]: VaultResponse[]) => authMountGone(mount) || config?.status === 404;

/**
 * The table's entries. A function, not a constant: vaultCalls.ts builds its table with it once the shared
 * helpers this file uses are defined (the two modules import each other).
 */
export function peopleCalls(): Record<string, ResourceCalls> {
  return {
    // resource_ldap_auth_backend.go ldapAuthBackendWrite -> auth_mount.go createAuthMount (POST sys/auth/<path>, the
    // TTLs in config; token_type skipped), then ldapAuthBackendUpdate: updateAuthMount (POST sys/mounts/auth/<path>/tune,
    // then readAuthMount: GET sys/mounts/auth/<path>) "even if it's a new resource", and Logical().Write (PUT
    // auth/<path>/config). ldapAuthBackendRead: readAuthMount, GET auth/<path>/config (a nil answer drops it).
    [VAULT_TYPES.ldapAuth]: {
      source: "vault/resource_ldap_auth_backend.go (ldapAuthBackendWrite, ldapAuthBackendUpdate, ldapAuthBackendRead, ldapAuthBackendDelete); vault/auth_mount.go (createAuthMount, updateAuthMount, readAuthMount)",
      inputs: ["path", "description", "local", "bindpass", "maxPageSize", ...LDAP_STRING_FIELDS, ...LDAP_BOOLEAN_FIELDS, ...TOKEN_FIELD_INPUTS],
      id: (i) => ldapPath(i),
      create: (i) => [
        enableAuthCall(ldapPath(i), "ldap", i),
        ldapTuneCall(i, {}),
        { method: "GET", path: `sys/mounts/auth/${ldapPath(i)}` },
        ldapConfigCall(i, {}),
      ],
      read: (i) => [{ method: "GET", path: `sys/mounts/auth/${ldapPath(i)}` }, { method: "GET", path: `auth/${ldapPath(i)}/config` }],
      gone: mountOrConfigGone,
      record: (i, [mount, config]) => {
        if (data(mount).type !== "ldap") return `auth method type is ${data(mount).type}, not ldap`;
        return data(config).url !== i.url ? `url read back as ${data(config).url}` : undefined;
      },
      // Vault never answers bindpass: its drift cannot be seen ("if they drift, they drift").
      observe: (i, [, config]) => reported(i, config, {
        ...Object.fromEntries([...LDAP_STRING_FIELDS, ...LDAP_BOOLEAN_FIELDS].map((input) => [input, snakeCase(input)])), ...TOKEN_FIELDS_REPORTED,
      }),
      // local is ForceNew; a new path is util.Remount (refused here). The update tunes again (TTLs always, the
      // changed description) and writes the config again (strings left out once unset: they stay in Vault).
      // ldapAuthBackendDelete: authMountDisable (DELETE sys/auth/<path>).
      replaceOn: ["local"],
      update: (i, previous = {}) => [ldapTuneCall(i, previous), { method: "GET", path: `sys/mounts/auth/${ldapPath(i)}` }, ldapConfigCall(i, previous)],
      zeroUnset: false,
      unmodelled: ["path"],
      remove: (i) => [{ method: "DELETE", path: `sys/auth/${ldapPath(i)}` }],
    },

    // resource_ldap_auth_backend_group.go ldapAuthBackendGroupResourceWrite (create and update): Logical().Write (PUT
    // auth/<backend>/groups/<groupname>) with policies when d.GetOk, as a list; then GET it back.
    [VAULT_TYPES.ldapGroup]: {
      source: "vault/resource_ldap_auth_backend_group.go (ldapAuthBackendGroupResourceWrite, ldapAuthBackendGroupResourceRead, ldapAuthBackendGroupResourceDelete)",
      inputs: ["backend", "groupname", "policies"],
      id: (i) => groupPath(i),
      create: (i) => [{ method: "PUT", path: groupPath(i), body: whenOk({ policies: i.policies }) }],
      read: (i) => [{ method: "GET", path: groupPath(i) }],
      record: (i, [group]) => (!sameSet(data(group).policies, i.policies) ? `policies read back as ${JSON.stringify(data(group).policies)}` : undefined),
      observe: (i, [group]) => reported(i, group, { policies: "policies" }),
      // groupname and backend are ForceNew; the update is the same write; ldapAuthBackendGroupResourceDelete: Logical().Delete.
      replaceOn: ["groupname", "backend"],
      update: "create",
      remove: (i) => [{ method: "DELETE", path: groupPath(i) }],
    },

    // resource_jwt_auth_backend.go jwtAuthBackendWrite: Sys().EnableAuthWithOptions (POST sys/auth/<path>) with only
    // type, description and local (a zero config), then jwtAuthBackendUpdate: Logical().Write (PUT auth/<path>/config;
    // Vault fetches the discovery document right then). jwtAuthBackendRead: mountutil.GetAuthMount, GET
    // auth/<path>/config, authMountTuneGet (GET sys/mounts/auth/<path>/tune).
    [VAULT_TYPES.jwtAuth]: {
      source: "vault/resource_jwt_auth_backend.go (jwtAuthBackendWrite, jwtAuthBackendUpdate, jwtAuthBackendRead, jwtAuthBackendDelete)",
      inputs: ["path", "type", "description", "local", "oidcClientSecret", "namespaceInState", ...JWT_CONFIG_FIELDS],
      id: (i) => jwtPath(i),
      create: (i) => [
        enableAuthCall(jwtPath(i), i.type ?? "jwt", i, { options: null, default_lease_ttl: "", max_lease_ttl: "", force_no_cache: false }),
        jwtConfigCall(i),
      ],
      read: (i) => [
        { method: "GET", path: `sys/mounts/auth/${jwtPath(i)}` },
        { method: "GET", path: `auth/${jwtPath(i)}/config` },
        { method: "GET", path: `sys/mounts/auth/${jwtPath(i)}/tune` },
      ],
      gone: mountOrConfigGone,
      record: (i, [mount, config]) => {
        if (data(mount).type !== (i.type ?? "jwt")) return `auth method type is ${data(mount).type}, not ${i.type ?? "jwt"}`;
        return i.oidcDiscoveryUrl !== undefined && data(config).oidc_discovery_url !== i.oidcDiscoveryUrl ? `oidc_discovery_url read back as ${data(config).oidc_discovery_url}` : undefined;
      },
      // The client secret is never answered; the provider keeps the state's.
      observe: (i, [, config]) => reported(i, config, Object.fromEntries([...JWT_CONFIG_FIELDS, "namespaceInState"].map((input) => [input, snakeCase(input)]))),
      // type and local are ForceNew; a new path is util.Remount (refused here); the update writes the config again
      // (a tune only when `tune` changed, which the program never sets); jwtAuthBackendDelete: Sys().DisableAuth.
      replaceOn: ["type", "local"],
      update: (i) => [jwtConfigCall(i)],
      unmodelled: ["path"],
      remove: (i) => [{ method: "DELETE", path: `sys/auth/${jwtPath(i)}` }],
    },

    // resource_jwt_auth_backend_role.go jwtAuthBackendRoleCreate: Logical().Write (PUT auth/<backend>/role/<name>) with
    // jwtAuthBackendRoleDataToWrite(d, create=true); jwtAuthBackendRoleRead: GET it back.
    [VAULT_TYPES.jwtRole]: {
      source: "vault/resource_jwt_auth_backend_role.go (jwtAuthBackendRoleCreate, jwtAuthBackendRoleDataToWrite, jwtAuthBackendRoleRead, jwtAuthBackendRoleUpdate, jwtAuthBackendRoleDelete); vault/auth_token.go updateTokenFields",
      inputs: [
        "backend", "roleName", "roleType", "boundAudiences", "userClaim", "userClaimJsonPointer", "maxAge", "allowedRedirectUris", "boundSubject", "oidcScopes",
        "boundClaimsType", "boundClaims", "disableBoundClaimsParsing", "claimMappings", "groupsClaim", "clockSkewLeeway", "expirationLeeway", "notBeforeLeeway",
        "verboseOidcLogging", ...TOKEN_FIELD_INPUTS,
      ],
      id: (i) => rolePath(i),
      create: (i) => [jwtRoleCall(i, tokenFieldsWhenSet(i))],
      read: (i) => [{ method: "GET", path: rolePath(i) }],
      record: (i, [role]) => (!sameSet(data(role).token_policies, i.tokenPolicies) ? `token_policies read back as ${JSON.stringify(data(role).token_policies)}` : undefined),
      observe: (i, [role]) => reported(i, role, {
        ...TOKEN_FIELDS_REPORTED, userClaim: "user_claim", groupsClaim: "groups_claim", allowedRedirectUris: "allowed_redirect_uris", roleType: "role_type", boundClaims: "bound_claims",
      }),
      // role_name, role_type and backend are ForceNew; jwtAuthBackendRoleUpdate writes jwtAuthBackendRoleDataToWrite(d,
      // create=false): the same fields, the token fields only when changed. jwtAuthBackendRoleDelete: Logical().Delete.
      replaceOn: ["roleName", "roleType", "backend"],
      update: (i, previous = {}) => [jwtRoleCall(i, changedTokenFields(i, previous))],
      zeroUnset: false,
      remove: (i) => [{ method: "DELETE", path: rolePath(i) }],
    },
  };
}
