import { encodeConfig, stackConfig } from "../config";
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

export { encodeConfig };
