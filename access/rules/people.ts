/**
 * What `pulumi up` needs for people's login (LDAP and OIDC), each on a named path, with every value that
 * decides who logs in pinned. Whoever could write a group's policies could map the group to any policy in
 * Vault and log in as one of its members; whoever could write the method's config could point Vault at a
 * directory or identity provider of their own and log in as anyone in a mapped group. So the policies are the
 * declared ones, the directory's and the identity provider's settings are the declared ones, and only the
 * secrets (bind password, client secret) and numbers (TTLs, page size) are free: pinning a secret would put
 * it in the policy text, and Vault never matches a number (a JSON number is decoded as json.Number).
 * The operator policies' texts are pinned where the consumers' are (provisioner.ts, one loop over both).
 */
import { AuthSetting, ldapDirectorySettings, oidcProviderSettings, oidcRoleSettings, VaultLayerModel } from "../../config";
import { authMountRules, LEAKY_TUNE_PARAMETERS, ProvisionerRule } from "../provisioner";

/** Each setting pinned to its one value (a list: each of its items allowed). */
function pinned(settings: Record<string, AuthSetting>): Record<string, Array<string | boolean>> {
  return Object.fromEntries(Object.entries(settings).map(([field, value]) => [field, Array.isArray(value) ? value : [value]]));
}

/** Fields the provider sends whose value is free (any value: `[]`). */
const free = (...fields: string[]): Record<string, string[]> => Object.fromEntries(fields.map((field) => [field, []]));

/** What creating, updating and reading a group or role takes; the methods themselves are protected, so no delete on them. */
const MANAGED: ProvisionerRule["capabilities"] = ["create", "read", "update", "delete"];
const CONFIG: ProvisionerRule["capabilities"] = ["create", "read", "update"];

export function peopleRules(layer: VaultLayerModel): ProvisionerRule[] {
  const { ldap, oidc } = layer.auth;
  const rules: ProvisionerRule[] = [];
  if (ldap) {
    rules.push(...authMountRules(ldap.path));
    // The provider tunes an LDAP mount even when it creates it (updateAuthMount), then writes its config.
    rules.push({ path: `sys/mounts/auth/${ldap.path}/tune`, capabilities: ["update"], deniedParameters: LEAKY_TUNE_PARAMETERS });
    rules.push({
      path: `auth/${ldap.path}/config`, capabilities: CONFIG,
      allowedParameters: { ...pinned(ldapDirectorySettings(ldap, layer.ldapCaCertificate)), ...free("bindpass", "max_page_size", "token_ttl", "token_max_ttl") },
    });
    for (const group of ldap.groups) {
      rules.push({ path: `auth/${ldap.path}/groups/${group.name}`, capabilities: MANAGED, allowedParameters: { policies: group.policies } });
    }
  }
  if (oidc) {
    rules.push(...authMountRules(oidc.path));
    // jwtAuthBackendRead reads the tune too.
    rules.push({ path: `sys/mounts/auth/${oidc.path}/tune`, capabilities: ["read"] });
    rules.push({ path: `auth/${oidc.path}/config`, capabilities: CONFIG, allowedParameters: { ...pinned(oidcProviderSettings(oidc, layer.oidcCaCertificate)), ...free("oidc_client_secret") } });
    for (const role of oidc.roles) {
      // bound_claims is pinned whole: Vault compares a map parameter with reflect.DeepEqual, so an extra or
      // changed claim (who may log in through the role) is refused.
      rules.push({
        path: `auth/${oidc.path}/role/${role.name}`, capabilities: MANAGED,
        allowedParameters: {
          ...pinned(oidcRoleSettings(role)), token_policies: role.policies, bound_claims: [role.boundClaims],
          ...free("bound_audiences", "token_ttl", "clock_skew_leeway", "expiration_leeway", "not_before_leeway"),
        },
      });
    }
  }
  return rules;
}
