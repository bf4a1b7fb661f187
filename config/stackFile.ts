/** Reading `Pulumi.<stack>.yaml` the way Pulumi hands its config to the program. */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { ConfigError } from "./messages";
import { PROJECT_ROOT } from "./policyFiles";

/** The stack's configuration as Pulumi hands it over: "namespace:key" to string, objects JSON-encoded. */
export type RawConfig = Record<string, string>;

/** Encodes config values as Pulumi does: strings as they are, everything else as JSON. */
export function encodeConfig(config: Record<string, unknown>): RawConfig {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}

/** The config of a stack file; a missing file or bad YAML is a ConfigError naming the file. */
export function stackFileConfig(file: string): RawConfig {
  if (!fs.existsSync(file)) throw new ConfigError(`no stack file ${file}; create it or pick another --stack`);
  let document: { config?: Record<string, unknown> } | undefined;
  try {
    document = yaml.load(fs.readFileSync(file, "utf8")) as typeof document;
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    throw new ConfigError(`${file} is not valid YAML: ${error.reason} at line ${error.mark.line + 1}; fix the file`);
  }
  return encodeConfig(document?.config ?? {});
}

/** The config of this project's `Pulumi.<stack>.yaml`. */
export function stackConfig(stack: string): RawConfig {
  return stackFileConfig(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`));
}
