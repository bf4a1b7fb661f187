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

/** The dev stack's declarations (Vault layer on), changed by `mutate`, with extra policy files next to a copy of the real ones. */
export function layerWith(mutate: (config: Config) => void, extraPolicies: Record<string, string> = {}): VaultLayerModel {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-layer-")), "policies");
  fs.mkdirSync(dir);
  for (const file of fs.readdirSync(POLICY_DIR).filter((name) => name.endsWith(".hcl"))) fs.copyFileSync(path.join(POLICY_DIR, file), path.join(dir, file));
  for (const [name, text] of Object.entries(extraPolicies)) fs.writeFileSync(path.join(dir, `${name}.hcl`), text);
  const config = devWithVault();
  mutate(config);
  return parseConfig(encodeConfig(config), { env: {}, policyDir: dir }).vaultLayer;
}

export { encodeConfig };
