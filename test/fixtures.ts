import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { encodeConfig, parseConfig, stackConfig, VaultLayerModel } from "../config";
import { POLICY_DIR } from "../config/policyFiles";
import { Config } from "./invalidConfigs";

/** The dev config with objects decoded, so tests can change single fields. */
export function devConfig(): Config {
  return decodeConfig(stackConfig("dev"));
}

export function decodeConfig(raw: Record<string, string>): Config {
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => {
    try {
      return [key, JSON.parse(value)];
    } catch {
      return [key, value];
    }
  }));
}

/** The dev config with the Vault layer on and a provisioning token set. */
export function devWithVault(): Config {
  const config = devConfig();
  config["vault-platform:vault"] = { ...config["vault-platform:vault"], configure: true };
  config["vault-platform:vaultToken"] = "hvs.provisioner-test-token";
  return config;
}

/** A policies/ copy with these files written over it (file name -> text). */
export function policyDirWith(files: Record<string, string>): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-policies-")), "policies");
  fs.mkdirSync(dir);
  for (const file of fs.readdirSync(POLICY_DIR).filter((name) => name.endsWith(".hcl"))) fs.copyFileSync(path.join(POLICY_DIR, file), path.join(dir, file));
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

/** The dev stack's declarations (Vault layer on), changed by `mutate`, with extra policies (name -> text) next to a copy of the real ones. */
export function layerWith(mutate: (config: Config) => void, extraPolicies: Record<string, string> = {}): VaultLayerModel {
  const config = devWithVault();
  mutate(config);
  const files = Object.fromEntries(Object.entries(extraPolicies).map(([name, text]) => [`${name}.hcl`, text]));
  return parseConfig(encodeConfig(config), { env: {}, policyDir: policyDirWith(files) }).vaultLayer;
}

/** The dev stack's committed consumers only, so a consumer a user adds (see "Adding a consumer") changes no expected list. */
export function keepCommittedConsumers(config: Config): void {
  config["vault-platform:consumers"] = config["vault-platform:consumers"].filter((consumer: { name: string }) => ["apisix", "kes", "my-app"].includes(consumer.name));
}

/** The committed dev consumers plus a token consumer "probe" with this policy text (and any other consumer fields). */
export function withProbe(policy: string, fields: Record<string, unknown> = {}): VaultLayerModel {
  return layerWith((config) => {
    keepCommittedConsumers(config);
    config["vault-platform:consumers"].push({ name: "probe", policy: "probe", token: { ttl: "1h" }, ...fields });
  }, { probe: policy });
}

export { encodeConfig };

/** The database engine's example declarations (one PostgreSQL connection with a read-only role, its root password named in vault-platform:secrets), added to a config. */
export function withDatabase(config: Config): Config {
  config["vault-platform:engines"] = {
    ...config["vault-platform:engines"],
    database: {
      path: "database",
      connections: [{
        name: "app", plugin: "postgresql", username: "vault_root", passwordSecret: "appDbRoot",
        connectionUrl: "postgresql://{{username}}:{{password}}@db.dev.example.internal:5432/app?sslmode=verify-full",
        roles: [{
          name: "app-readonly",
          creationStatements: [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`, `GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";`],
        }],
      }],
    },
  };
  config["vault-platform:secrets"] = { ...config["vault-platform:secrets"], appDbRoot: "first-root-password" };
  return config;
}

/** People's login as the tests declare it: an LDAP directory group and an OIDC role, both mapped to policies/operators.hcl. */
export const PEOPLE = {
  ldap: {
    url: "ldaps://ldap.example.org:636",
    bindDn: "cn=vault,ou=services,dc=example,dc=org",
    userDn: "ou=people,dc=example,dc=org",
    groupDn: "ou=groups,dc=example,dc=org",
    groups: [{ name: "vault-operators", policies: ["operators"] }],
  },
  oidc: {
    discoveryUrl: "https://idp.example.org/realms/staff",
    clientId: "vault",
    roles: [{ name: "operators", allowedRedirectUris: ["https://vault.example.org/ui/vault/auth/oidc/oidc/callback"], boundClaims: { groups: "vault-operators" }, policies: ["operators"] }],
  },
};

/** People's login (PEOPLE) and the secrets it names, added to a config. */
export function withPeople(config: Config): Config {
  config["vault-platform:auth"] = structuredClone(PEOPLE);
  config["vault-platform:secrets"] = { ...config["vault-platform:secrets"], ldapBindPassword: "bind-password-test", oidcClientSecret: "client-secret-test" };
  return config;
}

/** The dev declarations (Vault layer on) with people's login. */
export function devWithPeople(): Config {
  return withPeople(devWithVault());
}
