import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { formatStatement, provisionerRequirements } from "../access";
import { CUSTOM_RESOURCE_TYPES } from "../components/resourceTypes";
import { parseConfig, PROJECT_ROOT, stackConfig } from "../config";
import { runPlatform } from "../offline/runtime";
import { devWithVault, encodeConfig, withDatabase, withPeople } from "./fixtures";
import { Config } from "./invalidConfigs";
import { impliedVaultStatements } from "./vaultApiPaths";

/** Every binding kind, a tenant template, a KV v2 mount with settings, in numbers. */
function manyTenants(config: Config): void {
  const kinds = [
    { approle: { tokenPeriod: "5m" } },
    { kubernetes: { namespace: "tenants", serviceAccount: "svc", tokenPeriod: "1h" } },
    { token: { ttl: "768h" } },
  ];
  for (let index = 0; index < 12; index++) config["vault-platform:consumers"].push({ name: `tenant-${index}`, policy: "tenant", ...kinds[index % 3] });
}

const variants: Array<[string, (config: Config) => void]> = [
  ["the dev declarations", () => undefined],
  ["twelve tenants of every binding kind", manyTenants],
  ["no audit device, no Kubernetes", (config) => {
    config["vault-platform:audit"] = { enabled: false };
    config["vault-platform:kubernetes"] = { enabled: false };
    config["vault-platform:consumers"] = config["vault-platform:consumers"].filter((consumer: { kubernetes?: unknown }) => consumer.kubernetes === undefined);
  }],
  ["people's login (LDAP and OIDC)", withPeople],
  ["token consumers only", (config) => {
    config["vault-platform:consumers"] = config["vault-platform:consumers"].filter((consumer: { token?: unknown }) => consumer.token !== undefined);
  }],
];

describe("model: provisioner requirements against the registered resources", () => {
  for (const [title, change] of variants) {
    it(`${title}: the paths the model says pulumi up needs are exactly those the registered Vault resources imply`, async () => {
      const raw = devWithVault();
      change(raw);
      const config = parseConfig(encodeConfig(raw), { env: {} });
      const { registrations } = await runPlatform(config);
      const fromModel = [...new Set(provisionerRequirements(config.vaultLayer).map(formatStatement))].sort();
      assert.ok(fromModel.length > 10, `${fromModel.length} statements`);
      assert.deepEqual(fromModel, impliedVaultStatements(registrations));
    });
  }

  it("notices a Vault resource type it has no paths for", () => {
    assert.throws(() => impliedVaultStatements([{ type: "vault:generic/secret:Secret", inputs: {} } as never]), /no Vault API paths known/);
  });
});

describe("model: one registry of type tokens", () => {
  it("lists every custom resource type the stacks register", async () => {
    for (const [stack, raw] of [["dev", encodeConfig(devWithVault())], ["prod", stackConfig("prod")]] as const) {
      const { registrations } = await runPlatform(parseConfig(raw, { env: { VAULT_TOKEN: "hvs.test" } }), stack);
      const unknown = registrations.filter((registration) => registration.custom && !CUSTOM_RESOURCE_TYPES.has(registration.type)).map((registration) => registration.type);
      assert.deepEqual(unknown, [], `${stack}: add these to components/resourceTypes.ts`);
    }
  });

  it("names each component vault-platform:<module>:<ClassName>, aliased to the token it had before", async () => {
    const expected = new Map<string, string>();
    for (const module of ["cluster", "vault"]) {
      for (const file of fs.readdirSync(path.join(PROJECT_ROOT, "components", module))) {
        const exported = require(path.join(PROJECT_ROOT, "components", module, file)) as Record<string, unknown>;
        for (const [name, value] of Object.entries(exported)) {
          if (typeof value === "function" && value.prototype instanceof pulumi.ComponentResource) expected.set(`vault-platform:${module}:${name}`, name);
        }
      }
    }
    // The dev stack with every engine's example and people's login, so that each component registers too.
    const { registrations } = await runPlatform(parseConfig(encodeConfig(withPeople(withDatabase(devWithVault()))), { env: {} }));
    const components = registrations.filter((registration) => !registration.custom && registration.type.startsWith("vault-platform:"));
    assert.equal(new Set(components.map((component) => component.type)).size, expected.size, "every component class is registered by the dev stack with the engines' examples and people's login");
    for (const component of components) {
      assert.ok(expected.has(component.type), `${component.type} matches no exported class`);
    }
    const network = components.find((component) => component.type === "vault-platform:cluster:VaultNetwork")!;
    assert.deepEqual(network.aliasTypes, ["vault-platform:cluster:Network"], "a renamed component keeps its former URN");
    const configuration = components.find((component) => component.type === "vault-platform:vault:VaultConfiguration")!;
    assert.deepEqual(configuration.aliasTypes, [], "an unchanged token needs no alias");
  });
});
