import { strict as assert } from "assert";
import { Acl, parsePolicy } from "../acl";
import { DEFAULT_POLICY } from "../acl/defaultPolicy";
import { provisionerPolicyText } from "../access";
import { provisionerRules } from "../access/provisioner";
import { VAULT_TYPES } from "../components/resourceTypes";
import { encodeConfig, parseConfig, VaultLayerModel } from "../config";
import { RESOURCE_CALLS } from "../local/provider/vaultCalls";
import type { VaultResponse } from "../local/vaultHttp";
import { runProgram } from "../offline/runtime";
import { devWithVault, keepCommittedConsumers, layerWith } from "./fixtures";
import { Config } from "./invalidConfigs";
import { ofType } from "./programRun";

const TRANSIT = { keys: [{ name: "orders", autoRotatePeriod: "720h" }, { name: "invoices", type: "chacha20-poly1305" }] };

/** The dev stack with the transit engine, KES granted the orders key. */
function withTransit(config: Config, transit: object = TRANSIT): void {
  keepCommittedConsumers(config);
  config["vault-platform:engines"] = { transit };
  const kes = config["vault-platform:consumers"].find((consumer: { name: string }) => consumer.name === "kes");
  kes.grants = { transit: ["orders"] };
}

/** The one message parsing fails with. */
function failure(transit: object): string {
  const config = devWithVault();
  withTransit(config, transit);
  try {
    parseConfig(encodeConfig(config), { env: {} });
  } catch (error) {
    assert.equal((error as Error).name, "ConfigError");
    return (error as Error).message;
  }
  assert.fail("the config was accepted");
}

describe("transit: declarations", () => {
  it("fills in the mount path and the key type", () => {
    const layer = layerWith((config) => withTransit(config));
    assert.deepEqual(layer.engines.transit, { path: "transit", keys: [{ name: "orders", type: "aes256-gcm96", autoRotatePeriod: "720h" }, { name: "invoices", type: "chacha20-poly1305" }] });
  });

  it("refuses, one message each, a rotation shorter than Vault's hour, a key declared twice, an unknown key type", () => {
    assert.equal(failure({ keys: [{ name: "orders", autoRotatePeriod: "30m" }] }),
      'vault-platform:engines.transit.keys[0].autoRotatePeriod must be 0 (rotate by hand only) or at least 1h (Vault refuses a shorter auto_rotate_period) (got "30m")');
    assert.equal(failure({ keys: [{ name: "orders" }, { name: "orders", type: "aes128-gcm96" }] }),
      'vault-platform:engines.transit.keys[1].name is declared twice; give each key its own name (got "orders")');
    assert.match(failure({ keys: [{ name: "orders", type: "des" }] }), /^vault-platform:engines\.transit\.keys\[0\]\.type must be a transit key type such as "aes256-gcm96" \(got "des"\)$/);
    assert.match(failure({ keys: [{ name: "orders", autoRotatePeriod: "soon" }] }), /^vault-platform:engines\.transit\.keys\[0\]\.autoRotatePeriod must be a Vault duration/);
  });
});

describe("transit: the component", () => {
  it("mounts transit and declares each key protected, never deletable, exportable or backed up in plaintext, rotating as declared", async () => {
    const config = devWithVault();
    withTransit(config);
    const run = await runProgram(encodeConfig(config));
    const mounts = ofType(run, VAULT_TYPES.mount).filter((mount) => mount.inputs.type === "transit");
    assert.deepEqual(mounts.map((mount) => [mount.name, mount.inputs.path, mount.protect]), [["vault-config-transit-mount", "transit", true]]);
    const keys = ofType(run, VAULT_TYPES.transitKey);
    const kept = { deletionAllowed: false, exportable: false, allowPlaintextBackup: false };
    assert.deepEqual(keys.map((key) => ({ resource: key.name, protect: key.protect, inputs: key.inputs })), [
      { resource: "vault-config-transit-orders", protect: true, inputs: { backend: "transit", name: "orders", type: "aes256-gcm96", autoRotatePeriod: 2_592_000, ...kept } },
      { resource: "vault-config-transit-invoices", protect: true, inputs: { backend: "transit", name: "invoices", type: "chacha20-poly1305", autoRotatePeriod: 0, ...kept } },
    ]);
    // After the audit device, like every change.
    for (const key of [...keys, ...mounts]) assert.ok(key.dependencies.some((dependency) => dependency.endsWith("vault-config-audit-file")), `${key.name} does not wait for the audit device`);
  });
});


describe("transit: the provisioner's rules", () => {
  let layer: VaultLayerModel;
  let acl: Acl;
  before(() => {
    layer = layerWith((config) => withTransit(config));
    acl = new Acl([parsePolicy(provisionerPolicyText(layer, "dev"), "provisioner"), parsePolicy(DEFAULT_POLICY, "default")]);
  });
  const write = (path: string, data: Record<string, unknown>) => acl.allows("update", path, { data }) && acl.allows("create", path, { data });

  it("names the mount, its tune and each key with its config, and grants no delete, rotate, trim, export or backup", () => {
    const transit = provisionerRules(layer).filter((rule) => rule.path.includes("transit")).map((rule) => `${rule.path} ${rule.capabilities.join(",")}`);
    assert.deepEqual(transit, [
      "sys/mounts/transit create,read,update", "sys/mounts/transit/tune read,update",
      "transit/keys/orders create,read,update", "transit/keys/orders/config create,update",
      "transit/keys/invoices create,read,update", "transit/keys/invoices/config create,update",
    ]);
    for (const path of ["transit/keys/orders", "sys/mounts/transit"]) assert.ok(!acl.allows("delete", path), `delete ${path}`);
    for (const path of ["transit/keys/orders/rotate", "transit/keys/orders/trim", "transit/export/encryption-key/orders", "transit/backup/orders", "transit/restore/orders",
      "transit/keys/other", "transit/encrypt/orders", "transit/decrypt/orders"]) {
      assert.ok(!acl.allows("update", path) && !acl.allows("read", path), path);
    }
  });

  it("lets the provider's own writes through, and refuses a key made deletable, exportable, backed up in plaintext, or of another type", () => {
    const calls = RESOURCE_CALLS[VAULT_TYPES.transitKey];
    const inputs = { backend: "transit", name: "orders", type: "aes256-gcm96", autoRotatePeriod: 2_592_000, deletionAllowed: false, exportable: false, allowPlaintextBackup: false };
    const writes = [...calls.create(inputs), ...(calls.update as (i: object) => Array<{ path: string; body?: Record<string, unknown> }>)(inputs)];
    for (const call of writes) assert.ok(write(call.path, call.body!), `the provider's ${call.path}`);
    for (const [path, data] of [
      ["transit/keys/orders/config", { deletion_allowed: true }],
      ["transit/keys/orders/config", { deletion_allowed: "true" }],
      ["transit/keys/orders/config", { exportable: true }],
      ["transit/keys/orders/config", { allow_plaintext_backup: true }],
      ["transit/keys/orders", { exportable: true }],
      ["transit/keys/orders", { allow_plaintext_backup: true }],
      ["transit/keys/orders", { type: "aes128-gcm96" }],
      ["transit/keys/orders", { derived: true }],
    ] as const) {
      assert.ok(!write(path, data), `${path} ${JSON.stringify(data)}`);
    }
  });
});

describe("transit: the key's calls, as resource_transit_secret_backend_key.go makes them", () => {
  const calls = RESOURCE_CALLS[VAULT_TYPES.transitKey];
  const answer = (status: number, data?: Record<string, unknown>) => ({ status, body: data && { data } } as VaultResponse);
  const inputs = { backend: "/transit/", name: "orders", type: "aes256-gcm96", autoRotatePeriod: 3600, deletionAllowed: false, exportable: false, allowPlaintextBackup: false };

  it("creates the key, then writes its config (with the provider's misspelt min_encryption_versoin), reads it back at <backend>/keys/<name>", () => {
    assert.deepEqual(calls.create(inputs), [
      { method: "PUT", path: "transit/keys/orders", body: { convergent_encryption: false, derived: false, type: "aes256-gcm96", auto_rotate_period: 3600, key_size: 0 } },
      {
        method: "PUT", path: "transit/keys/orders/config",
        body: { min_decryption_version: 1, min_encryption_versoin: 0, deletion_allowed: false, exportable: false, allow_plaintext_backup: false, auto_rotate_period: 3600 },
      },
    ]);
    assert.deepEqual(calls.create({ backend: "transit", name: "k" })[0].body, { convergent_encryption: false, derived: false, type: "aes256-gcm96", auto_rotate_period: 0, key_size: 0 });
    assert.equal(calls.id(inputs, {}), "transit/keys/orders");
    assert.deepEqual(calls.read(inputs, {}), [{ method: "GET", path: "transit/keys/orders" }]);
  });

  it("updates only the config, every field, spelt right; deletes the key itself; replaces it on a new type, name, backend or derivation", () => {
    assert.deepEqual((calls.update as (i: object) => unknown)({ ...inputs, autoRotatePeriod: 7200 }), [{
      method: "PUT", path: "transit/keys/orders/config",
      body: { min_decryption_version: 1, min_encryption_version: 0, deletion_allowed: false, exportable: false, allow_plaintext_backup: false, auto_rotate_period: 7200 },
    }]);
    assert.deepEqual(calls.remove(inputs, {}), [{ method: "DELETE", path: "transit/keys/orders" }]);
    assert.deepEqual(calls.replaceOn, ["backend", "name", "type", "convergentEncryption", "derived"]);
  });

  it("fails a read-back the provider could not parse or of another type, and reports drift of the settings it set", () => {
    const read = { type: "aes256-gcm96", latest_version: 1, min_available_version: 0, min_decryption_version: 1, min_encryption_version: 0, deletion_allowed: false, exportable: false, allow_plaintext_backup: false, auto_rotate_period: 3600 };
    assert.equal(calls.record!(inputs, [answer(200, read)]), undefined);
    assert.equal(calls.record!(inputs, [answer(200, { ...read, latest_version: "1" })]), 'latest_version is "1", the provider needs a number');
    assert.equal(calls.record!(inputs, [answer(200, { ...read, type: "rsa-2048" })]), "key type is rsa-2048, not aes256-gcm96");
    assert.deepEqual(calls.observe!(inputs, [answer(200, { ...read, deletion_allowed: true, auto_rotate_period: 0 })]),
      { type: "aes256-gcm96", deletionAllowed: true, exportable: false, allowPlaintextBackup: false, autoRotatePeriod: 0 });
  });
});
