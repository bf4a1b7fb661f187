/**
 * The seed systems' shared model: engines and named secrets validated once, each consumer's grants turned
 * into one generated policy that its bindings attach, the access checks read and the provisioner pins.
 */
import { strict as assert } from "assert";
import { accessMatrix, expectationMismatches, policyLints } from "../access";
import { provisionerRules } from "../access/provisioner";
import { consumerAccess } from "../access/model";
import { attachedPolicies, encodeConfig, parseConfig } from "../config";
import { VAULT_TYPES } from "../components/resourceTypes";
import { runProgram } from "../offline/runtime";
import { checkInvalidCases } from "./config.test";
import { devWithVault, keepCommittedConsumers, layerWith } from "./fixtures";
import { Config, consumer } from "./invalidConfigs";
import { ofType } from "./programRun";

const ENGINES = {
  transit: { keys: [{ name: "kes" }, { name: "billing" }] },
  database: {
    connections: [{
      name: "app", plugin: "postgresql", connectionUrl: "postgresql://{{username}}:{{password}}@db.internal:5432/app", username: "vault", passwordSecret: "appDatabase",
      roles: [{ name: "app-readonly", creationStatements: ["CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"] }],
    }],
  },
};

/** The dev stack with engines, a secret, and kes granted a transit key and a database role. */
function withGrants(): Config {
  const config = devWithVault();
  keepCommittedConsumers(config);
  config["vault-platform:engines"] = structuredClone(ENGINES);
  config["vault-platform:secrets"] = { appDatabase: "first-root-password" };
  consumer(config, "kes").grants = { transit: ["kes"], database: ["app-readonly"] };
  return config;
}

const parse = (config: Config) => parseConfig(encodeConfig(config), { env: {} });

describe("grants: invalid declarations", () => checkInvalidCases([
  { title: "a grant of an undeclared key", mutate: (c) => { consumer(c, "kes").grants.transit = ["kes", "ledger"]; }, message: /^vault-platform:consumers\[1\] \(kes\)\.grants\.transit\[1\] "ledger" is not declared in vault-platform:engines\.transit \(declared: kes, billing\); declare it or remove the grant$/ },
  { title: "a grant on an engine not enabled", mutate: (c) => { consumer(c, "kes").grants.pki = ["mesh"]; }, message: /^vault-platform:consumers\[1\] \(kes\)\.grants\.pki\[0\] "mesh" is not declared in vault-platform:engines\.pki \(that engine is not enabled\); declare it or remove the grant$/ },
  { title: "a secret the config does not hold", mutate: (c) => { c["vault-platform:secrets"] = {}; }, message: /^vault-platform:engines\.database\.connections\[0\]\.passwordSecret names "appDatabase", which vault-platform:secrets does not hold; set it with `pulumi config set --secret --path 'vault-platform:secrets\.appDatabase' <value>`$/ },
  { title: "an engine on a KV mount's path", mutate: (c) => { c["vault-platform:engines"].transit.path = "kv"; }, message: /^vault-platform:mounts and vault-platform:engines\.transit\.path declare path "kv" twice; each mount path must be unique$/ },
  { title: "an engine inside a KV mount", mutate: (c) => { c["vault-platform:engines"].transit.path = "secret/transit"; }, message: /^vault-platform:engines\.transit\.path declares "secret\/transit" inside mount "secret"/ },
  { title: "an engine at Vault's own path", mutate: (c) => { c["vault-platform:engines"].transit.path = "sys"; }, message: /^vault-platform:engines\.transit\.path is Vault's own; choose another path such as transit \(got "sys"\)$/ },
  { title: "a misspelt engine", mutate: (c) => { c["vault-platform:engines"].transitt = c["vault-platform:engines"].transit; }, message: /^vault-platform:engines has unknown key "transitt" \(did you mean "transit"\?\)/ },
  { title: "key bits that do not go with the key type", mutate: (c) => { c["vault-platform:engines"].pki = { root: { commonName: "Root" }, intermediate: { commonName: "Int", keyType: "ec", keyBits: 2048 } }; }, message: /^vault-platform:engines\.pki\.intermediate\.keyBits 2048 does not go with keyType ec; use one of 256, 384, 521$/ },
  { title: "an empty secret", mutate: (c) => { c["vault-platform:secrets"].appDatabase = ""; }, message: /^vault-platform:secrets\.appDatabase must not be empty/ },
], withGrants));

describe("grants: the generated policy", () => {
  it("opens exactly the granted paths, and is attached after the consumer's own policy", () => {
    const layer = parse(withGrants()).vaultLayer;
    const kes = layer.consumers.find((bound) => bound.consumer.name === "kes")!;
    assert.equal(kes.grants?.name, "grants-kes");
    assert.deepEqual(attachedPolicies(kes), ["kes-kes", "grants-kes"]);
    assert.deepEqual(kes.grants!.parsed.rules.map((rule) => `${rule.capabilities.join(",")} ${rule.path}`), [
      "read database/creds/app-readonly",
      "update transit/encrypt/kes",
      "update transit/decrypt/kes",
      "update transit/rewrap/kes",
    ]);
    assert.ok(layer.policies.some((policy) => policy.name === "grants-kes"), "uploaded with the consumers' policies");
    const apisix = layer.consumers.find((bound) => bound.consumer.name === "apisix")!;
    assert.equal(apisix.grants, undefined);
    assert.deepEqual(attachedPolicies(apisix), ["apisix"]);
  });

  it("is part of the consumer's effective ACL: its grants pass expectations, others' keys do not", () => {
    const layer = layerWith((config) => {
      Object.assign(config, withGrants());
      consumer(config, "kes").expect.allow.push("update transit/encrypt/kes", "read database/creds/app-readonly");
      consumer(config, "kes").expect.deny.push("update transit/encrypt/billing", "update transit/keys/kes");
    });
    const kes = consumerAccess(layer).find((access) => access.consumer.name === "kes")!;
    assert.ok(kes.acl.allows("update", "transit/decrypt/kes"));
    assert.ok(!kes.acl.allows("update", "transit/decrypt/billing"));
    assert.deepEqual(expectationMismatches(consumerAccess(layer)), []);
  });

  it("shows in the plan's matrix: the granted paths, with who can use them", () => {
    const { paths, rows } = accessMatrix(consumerAccess(parse(withGrants()).vaultLayer));
    const column = paths.indexOf("transit/encrypt/kes");
    assert.ok(column >= 0 && paths.includes("database/creds/app-readonly"));
    assert.deepEqual(rows.map((row) => `${row.consumer}: ${row.cells[column].join(",")}`), ["apisix: ", "kes: update", "my-app: "]);
  });

  it("passes the lints: engine mounts are declared mounts", () => {
    const layer = parse(withGrants()).vaultLayer;
    assert.deepEqual(policyLints(layer), []);
  });

  it("a consumer policy naming a path under no mount and no engine is still a typo", () => {
    const layer = layerWith((config) => {
      Object.assign(config, withGrants());
      config["vault-platform:consumers"].push({ name: "probe", policy: "probe", token: { ttl: "1h" } });
    }, { probe: 'path "transit/encrypt/kes" {\n  capabilities = ["update"]\n}\npath "transitt/encrypt/kes" {\n  capabilities = ["update"]\n}\n' });
    assert.deepEqual(policyLints(layer), ['policies/probe.hcl:4: path "transitt/encrypt/kes" (policy probe) is under no declared mount (declared: kv, secret, database, transit); a typo?']);
  });

  it("keeps the secret values out of the config object and wraps them in the model", () => {
    const config = parse(withGrants());
    assert.ok(!JSON.stringify(config, (_key, value) => (typeof value === "object" && value?.constructor?.name === "Output" ? undefined : value)).includes("first-root-password"));
    assert.equal(config.vaultLayer.secrets.appDatabase.reveal(), "first-root-password");
  });

  it("needs no vaultToken when the provider logs in with userpass", () => {
    const config = withGrants();
    delete config["vault-platform:vaultToken"];
    config["vault-platform:vault"].login = { method: "userpass" };
    config["vault-platform:secrets"].provisionerPassword = "p";
    assert.equal(parse(config).vaultLayer.login?.username, "pulumi-provisioner");
  });
});

describe("grants: what the bindings attach and the provisioner pins", () => {
  it("every binding kind carries the consumer's policy and its grants", async () => {
    const config = withGrants();
    consumer(config, "apisix").grants = { transit: ["billing"] };
    consumer(config, "my-app").grants = { transit: ["billing"] };
    const run = await runProgram(encodeConfig(config));
    const inputs = (type: string) => ofType(run, type).map((registration) => registration.inputs);
    assert.deepEqual(inputs(VAULT_TYPES.approleRole).map((role) => role.tokenPolicies), [["kes-kes", "grants-kes"]]);
    assert.deepEqual(inputs(VAULT_TYPES.kubernetesRole).map((role) => role.tokenPolicies), [["my-app", "grants-my-app"]]);
    assert.deepEqual(inputs(VAULT_TYPES.tokenRole).map((role) => role.allowedPolicies), [["apisix", "grants-apisix"]]);
    assert.deepEqual(inputs(VAULT_TYPES.token).map((token) => token.policies), [["apisix", "grants-apisix"]]);
    assert.deepEqual(inputs(VAULT_TYPES.policy).map((policy) => policy.name).filter((name) => name.startsWith("grants-")), ["grants-apisix", "grants-kes", "grants-my-app"]);
  });

  it("pins each role's policies to both names, and each grant policy's text", () => {
    const layer = parse(withGrants()).vaultLayer;
    const rules = provisionerRules(layer);
    const role = rules.find((rule) => rule.path === "auth/approle/role/kes")!;
    assert.deepEqual(role.allowedParameters?.token_policies, ["kes-kes", "grants-kes"]);
    const grants = rules.find((rule) => rule.path === "sys/policies/acl/grants-kes")!;
    assert.deepEqual(grants.allowedParameters?.policy, [layer.consumers[1].grants!.text]);
  });
});
