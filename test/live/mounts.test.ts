/**
 * The mount layouts the config accepts are the ones Vault accepts: a real Vault of the release the
 * cluster deploys, the dev stack's mounts in place, each layout mounted in order and then removed.
 */
import { strict as assert } from "assert";
import { parseConfig } from "../../config";
import { RESERVED_MOUNT_ROOTS } from "../../config/vaultLayer";
import { vaultCall, vaultRequest } from "../../local/vaultHttp";
import { devConfig, encodeConfig } from "../fixtures";
import { DevVault, startDevVault } from "./devVault";
import { stopProcess } from "./processes";

/** Extra mounts on top of the dev stack's `kv` and `secret`, each list mounted in its order. */
const LAYOUTS: string[][] = [
  ["team"], ["team", "team-b"], ["kvx"], ["secretx"], ["token"], ["sys-x"], ["auditlog"],
  ["secret/team"], ["kv/a/b"], ["outer/inner", "outer"], ["outer", "outer/inner"],
  ...RESERVED_MOUNT_ROOTS.flatMap((root) => [[root], [`${root}/kv`]]),
];

/** A KV v1 mount's body, for Vault's sys/mounts. */
const KV1 = { type: "kv", options: { version: "1" } };

function configAccepts(paths: string[]): boolean {
  const config = devConfig();
  config["vault-platform:mounts"].push(...paths.map((path) => ({ path, version: 1 })));
  try {
    parseConfig(encodeConfig(config), { env: {} });
    return true;
  } catch {
    return false;
  }
}

describe("live: mount layouts, the config against a real Vault", function () {
  let vault: DevVault;

  before(async function () {
    this.timeout(60_000);
    vault = await startDevVault();
    // The dev stack's mounts, as the config sees them; -dev has mounted secret/ (KV v2) already.
    for (const { path, version } of devConfig()["vault-platform:mounts"] as Array<{ path: string; version: number }>) {
      if (path === "secret") continue;
      await vaultCall(vault.endpoint, "POST", `sys/mounts/${path}`, { token: vault.rootToken, body: { type: "kv", options: { version: String(version) } } });
    }
  });
  after(async () => {
    if (vault) await stopProcess(vault.process);
  });

  it(`accepts exactly the ${LAYOUTS.length} layouts Vault accepts (no mount in another, none under Vault's own paths)`, async () => {
    const root = { token: vault.rootToken };
    const disagreements: string[] = [];
    for (const layout of LAYOUTS) {
      const refusals: string[] = [];
      const mounted: string[] = [];
      for (const path of layout) {
        const response = await vaultRequest(vault.endpoint, "POST", `sys/mounts/${path}`, { ...root, body: KV1 });
        if (response.status === 204) mounted.push(path);
        else refusals.push(`${path}: ${response.status} ${JSON.stringify(response.body?.errors)}`);
      }
      for (const path of mounted.reverse()) await vaultCall(vault.endpoint, "DELETE", `sys/mounts/${path}`, root);
      const vaultAccepts = refusals.length === 0;
      if (configAccepts(layout) !== vaultAccepts) {
        disagreements.push(`[${layout}]: config ${vaultAccepts ? "refuses" : "accepts"}, Vault ${vaultAccepts ? "accepts" : `refuses (${refusals.join("; ")})`}`);
      }
    }
    assert.deepEqual(disagreements, []);
  });
});
