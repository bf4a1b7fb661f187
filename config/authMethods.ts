/**
 * `vault-platform:auth`: how people log in. LDAP maps directory groups to policies; OIDC maps an identity
 * provider's claims to policies. Their policies are files in policies/ like the consumers', but they are
 * people's (operators may need sys/), so the consumer lints do not apply to them.
 */
import { z } from "zod";
import { duration, mountPath, secretName } from "./primitives";

const policyFile = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { error: "must name a file policies/<policy>.hcl (lowercase, digits, '-' and '_')" });
const policyFiles = z.array(policyFile).min(1, { error: "must name at least one policy file" });
const distinguishedName = z.string().regex(/^[A-Za-z][\w-]*=[^,]+(,[A-Za-z][\w-]*=[^,]+)*$/, { error: "must be an LDAP DN such as ou=people,dc=example,dc=org" });

const ldapSchema = z.strictObject({
  path: mountPath.default("ldap"),
  /** ldaps:// (or ldap:// with startTls): the bind password and every user's password cross this connection. */
  url: z.string().regex(/^ldaps?:\/\/[^\s/]+$/, { error: "must be ldaps://host[:port] (or ldap://host[:port] with startTls: true)" }),
  startTls: z.boolean().default(false),
  /** The directory's CA, relative to the project folder; unset for a publicly trusted directory. */
  caCertFile: z.string().min(1).optional(),
  /** The account Vault searches the directory as. */
  bindDn: distinguishedName,
  /** The entry of vault-platform:secrets holding the bind account's password. */
  bindPasswordSecret: secretName.default("ldapBindPassword"),
  userDn: distinguishedName,
  userAttr: z.string().min(1).default("uid"),
  groupDn: distinguishedName,
  /** Go template Vault fills with {{.UserDN}} and {{.Username}}. */
  groupFilter: z.string().min(1).default("(&(objectClass=groupOfNames)(member={{.UserDN}}))"),
  groupAttr: z.string().min(1).default("cn"),
  tokenTtl: duration.default("8h"),
  tokenMaxTtl: duration.default("24h"),
  /** Directory group (its groupAttr value) to the policies its members get. */
  groups: z.array(z.strictObject({ name: z.string().min(1), policies: policyFiles })).min(1, { error: "must map at least one directory group to policies" }),
}).superRefine((ldap, ctx) => {
  if (ldap.url.startsWith("ldap://") && !ldap.startTls) {
    ctx.addIssue({ code: "custom", path: ["url"], input: ldap.url, message: "sends passwords in clear; use ldaps:// or set startTls: true" });
  }
});

const oidcRoleSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { error: "must be a role name of lowercase letters, digits, '-' and '_'" }),
  /** Where the IdP may send the browser back: Vault UI's callback and the CLI's (http://localhost:8250/oidc/callback). */
  allowedRedirectUris: z.array(z.url({ error: "must be a URL" })).min(1, { error: "must name at least one redirect URI" }),
  userClaim: z.string().min(1).default("email"),
  groupsClaim: z.string().min(1).default("groups"),
  /**
   * Scopes Vault asks for besides openid. Many IdPs put a claim in the ID token only when its scope is asked
   * for (email for `email`; Okta and Dex release `groups` only for a `groups` scope), so these follow the claims.
   */
  scopes: z.array(z.string().regex(/^[!#-[\]-~]+$/, { error: "must be one scope name (no spaces, quotes or backslashes)" })).default(["email"]),
  /**
   * The claim values the ID token must carry, e.g. { groups: vault-operators }: who may log in through this
   * role. One value per claim: terraform-provider-vault's jwtAuthBackendRoleDataToWrite joins a
   * comma-separated value's parts without their commas ("a,b" reaches Vault as "ab"), so a role per value.
   */
  boundClaims: z.record(z.string(), z.string().trim().regex(/^[^,]+$/, { error: "must be one value without commas (the provider joins a list's values into one); declare a role per value" }))
    .refine((claims) => Object.keys(claims).length > 0, {
      error: "must bind at least one claim (without one, everyone the IdP knows gets these policies)",
    }),
  policies: policyFiles,
  tokenTtl: duration.default("1h"),
});

const oidcSchema = z.strictObject({
  path: mountPath.default("oidc"),
  discoveryUrl: z.url({ protocol: /^https$/, error: "must be the https:// issuer URL of the identity provider" }),
  /** The identity provider's CA, relative to the project folder; unset for a publicly trusted one. */
  caCertFile: z.string().min(1).optional(),
  clientId: z.string().min(1),
  /** The entry of vault-platform:secrets holding the client secret. */
  clientSecretSecret: secretName.default("oidcClientSecret"),
  roles: z.array(oidcRoleSchema).min(1, { error: "must declare at least one role" }),
  /** The role a login that names none uses; the first role by default. */
  defaultRole: z.string().optional(),
}).superRefine((oidc, ctx) => {
  if (oidc.defaultRole !== undefined && !oidc.roles.some((role) => role.name === oidc.defaultRole)) {
    ctx.addIssue({ code: "custom", path: ["defaultRole"], input: oidc.defaultRole, message: `is not one of the declared roles (${oidc.roles.map((role) => role.name).join(", ")})` });
  }
});

export const authSchema = z.strictObject({
  ldap: ldapSchema.optional(),
  oidc: oidcSchema.optional(),
});

/**
 * `vault.login`: how the Vault provider logs in. Unset, it uses vault-platform:vaultToken (or VAULT_TOKEN).
 * userpass: the provisioner's own account, whose password is an entry of vault-platform:secrets and whose
 * policy is the generated provisioner policy; an administrator creates it (`npm run bootstrap-login`).
 */
export const loginSchema = z.strictObject({
  method: z.literal("userpass", { error: 'must be "userpass"' }),
  path: mountPath.default("userpass"),
  username: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, { error: "must be a user name of lowercase letters, digits, '.', '-' and '_'" }).default("pulumi-provisioner"),
  passwordSecret: secretName.default("provisionerPassword"),
});

export type AuthConfig = z.output<typeof authSchema>;
export type LdapConfig = z.output<typeof ldapSchema>;
export type OidcConfig = z.output<typeof oidcSchema>;
export type LoginConfig = z.output<typeof loginSchema>;

/** A setting Vault is told, by its API field name: a string, a boolean or a list of strings. */
export type AuthSetting = string | boolean | string[];

/**
 * What Vault is told about the directory (auth/<ldap>/config), by Vault's field names. The component sets
 * exactly these, and the provisioner policy pins each: a token that can write the config could otherwise
 * point Vault at a directory it runs, or stop Vault checking one, and log in as a member of any mapped group.
 * Every boolean is here because the provider sends every one (d.Get): deny_null_bind must be true (an empty
 * password is an unauthenticated bind, which some directories accept), insecure_tls false.
 */
export function ldapDirectorySettings(ldap: LdapConfig, caCertificate: string | undefined): Record<string, AuthSetting> {
  return {
    url: ldap.url,
    starttls: ldap.startTls,
    insecure_tls: false,
    ...(caCertificate !== undefined ? { certificate: caCertificate } : {}),
    binddn: ldap.bindDn,
    userdn: ldap.userDn,
    // The provider's StateFunc lowercases it before sending (LDAP attribute names ignore case).
    userattr: ldap.userAttr.toLowerCase(),
    groupdn: ldap.groupDn,
    groupfilter: ldap.groupFilter,
    groupattr: ldap.groupAttr,
    deny_null_bind: true,
    discoverdn: false,
    case_sensitive_names: false,
    username_as_alias: false,
    use_token_groups: false,
  };
}

/** The identity provider Vault trusts (auth/<oidc>/config), by Vault's field names; pinned like the directory's. */
export function oidcProviderSettings(oidc: OidcConfig, caCertificate: string | undefined): Record<string, AuthSetting> {
  return {
    oidc_discovery_url: oidc.discoveryUrl,
    ...(caCertificate !== undefined ? { oidc_discovery_ca_pem: caCertificate } : {}),
    oidc_client_id: oidc.clientId,
    default_role: oidc.defaultRole ?? oidc.roles[0].name,
    // The provider's default, sent on every write.
    namespace_in_state: true,
  };
}

/** An OIDC role's settings that decide who logs in through it and where the browser returns, by Vault's field names. */
export function oidcRoleSettings(role: OidcConfig["roles"][number]): Record<string, AuthSetting> {
  return {
    role_type: "oidc",
    user_claim: role.userClaim,
    groups_claim: role.groupsClaim,
    oidc_scopes: role.scopes,
    allowed_redirect_uris: role.allowedRedirectUris,
    // Logging received tokens and claims would put them in Vault's log.
    verbose_oidc_logging: false,
    user_claim_json_pointer: false,
  };
}
