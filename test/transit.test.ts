import { strict as assert } from "assert";
import { Acl, parsePolicy } from "../acl";
import { DEFAULT_POLICY } from "../acl/defaultPolicy";
import { provisionerPolicyText, provisionerRules } from "../access";
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
    // The access checks are left out here: the lints learn the engines' mounts on the core branch.
    const run = await runProgram(encodeConfig(config), "dev", {}, { enforceAccess: false });
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

