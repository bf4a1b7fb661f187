import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { AuthConfig, AuthSetting, ConsumerPolicy, ldapDirectorySettings, LdapConfig, oidcProviderSettings, oidcRoleSettings, OidcConfig } from "../../config";
import type { Secret } from "../../lib/secret";
import { seconds, VaultComponentArgs } from "./common";
import { VaultPolicies } from "./policies";
import { componentArgs } from "../componentType";

export interface PeopleLoginArgs extends VaultComponentArgs {
  /** `vault-platform:auth`: the LDAP directory and the OIDC identity provider people log in through. */
  auth: AuthConfig;
  /** The policy files the directory groups and OIDC roles name, each once; uploaded here. */
  policies: ConsumerPolicy[];
  /** `vault-platform:secrets`: the bind password and the client secret are entries of it. */
  secrets: Record<string, Secret>;
  /** The directory's CA certificate (`auth.ldap.caCertFile`), unset for a publicly trusted directory. */
  ldapCaCertificate?: string;
  /** The identity provider's CA certificate (`auth.oidc.caCertFile`), unset for a publicly trusted one. */
  oidcCaCertificate?: string;
}

/** A string setting, as the provider's input. */
const text = (settings: Record<string, AuthSetting>, field: string) => settings[field] as string | undefined;
/** A boolean setting, as the provider's input. */
const flag = (settings: Record<string, AuthSetting>, field: string) => settings[field] as boolean;

/** Where an auth method was mounted (an Output, so its groups and roles wait for it). */
const mountedAt = (backend: { path: pulumi.Output<string | undefined> }, path: string) => backend.path.apply((mounted) => mounted ?? path);

/**
 * People's login: LDAP (directory groups to policies) and OIDC (an identity provider's claims to
 * policies), with the policies they map to. The auth methods are protected: disabling one revokes every
 * token people got through it.
 */
export class PeopleLogin extends pulumi.ComponentResource {
  constructor(name: string, args: PeopleLoginArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("vault", "PeopleLogin", name, opts));
    const child = { parent: this, provider: args.provider, dependsOn: args.after };
    const policies = new VaultPolicies(`${name}-policies`, { provider: args.provider, policies: args.policies, after: args.after }, { parent: this });
    const uploaded = (names: string[]) => names.map((policy) => policies.names[policy]);
    const secret = (entry: string) => pulumi.secret(args.secrets[entry].reveal());
    if (args.auth.ldap) this.ldap(name, args.auth.ldap, args.ldapCaCertificate, secret(args.auth.ldap.bindPasswordSecret), uploaded, child);
    if (args.auth.oidc) this.oidc(name, args.auth.oidc, args.oidcCaCertificate, secret(args.auth.oidc.clientSecretSecret), uploaded, child);
    this.registerOutputs({});
  }

  /** The LDAP method, configured with exactly the pinned directory settings, and one group mapping per declared group. */
  private ldap(name: string, ldap: LdapConfig, caCertificate: string | undefined, bindPassword: pulumi.Output<string>,
    uploaded: (names: string[]) => pulumi.Output<string>[], child: pulumi.CustomResourceOptions): void {
    const directory = ldapDirectorySettings(ldap, caCertificate);
    const backend = new vault.ldap.AuthBackend(`${name}-ldap`, {
      path: ldap.path,
      description: "People: LDAP directory login (vault-platform)",
      url: text(directory, "url")!,
      starttls: flag(directory, "starttls"),
      insecureTls: flag(directory, "insecure_tls"),
      certificate: text(directory, "certificate"),
      binddn: text(directory, "binddn"),
      bindpass: bindPassword,
      userdn: text(directory, "userdn"),
      userattr: text(directory, "userattr"),
      groupdn: text(directory, "groupdn"),
      groupfilter: text(directory, "groupfilter"),
      groupattr: text(directory, "groupattr"),
      denyNullBind: flag(directory, "deny_null_bind"),
      discoverdn: flag(directory, "discoverdn"),
      caseSensitiveNames: flag(directory, "case_sensitive_names"),
      usernameAsAlias: flag(directory, "username_as_alias"),
      useTokenGroups: flag(directory, "use_token_groups"),
      tokenTtl: seconds(ldap.tokenTtl),
      tokenMaxTtl: seconds(ldap.tokenMaxTtl),
    }, { ...child, protect: true });
    for (const group of ldap.groups) {
      new vault.ldap.AuthBackendGroup(`${name}-ldap-${group.name}`, { backend: mountedAt(backend, ldap.path), groupname: group.name, policies: uploaded(group.policies) }, child);
    }
  }

  /** The OIDC method, trusting exactly the declared identity provider, and one role per declared role. */
  private oidc(name: string, oidc: OidcConfig, caCertificate: string | undefined, clientSecret: pulumi.Output<string>, uploaded: (names: string[]) => pulumi.Output<string>[], child: pulumi.CustomResourceOptions): void {
    const provider = oidcProviderSettings(oidc, caCertificate);
    const backend = new vault.jwt.AuthBackend(`${name}-oidc`, {
      type: "oidc",
      path: oidc.path,
      description: "People: OIDC login (vault-platform)",
      oidcDiscoveryUrl: text(provider, "oidc_discovery_url"),
      oidcDiscoveryCaPem: text(provider, "oidc_discovery_ca_pem"),
      oidcClientId: text(provider, "oidc_client_id"),
      oidcClientSecret: clientSecret,
      defaultRole: text(provider, "default_role"),
    }, { ...child, protect: true });
    for (const role of oidc.roles) {
      const settings = oidcRoleSettings(role);
      new vault.jwt.AuthBackendRole(`${name}-oidc-${role.name}`, {
        backend: mountedAt(backend, oidc.path),
        roleName: role.name,
        roleType: text(settings, "role_type"),
        userClaim: text(settings, "user_claim")!,
        groupsClaim: text(settings, "groups_claim"),
        allowedRedirectUris: settings.allowed_redirect_uris as string[],
        oidcScopes: settings.oidc_scopes as string[],
        verboseOidcLogging: flag(settings, "verbose_oidc_logging"),
        userClaimJsonPointer: flag(settings, "user_claim_json_pointer"),
        boundClaims: role.boundClaims,
        tokenPolicies: uploaded(role.policies),
        tokenTtl: seconds(role.tokenTtl),
      }, child);
    }
  }
}
