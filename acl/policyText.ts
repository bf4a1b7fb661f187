/** Policy HCL written from rules: the generated provisioner, planner and grant policies. */
import type { Capability } from "./policy";

/**
 * One rule to write. Parameters are pinned where a free value would let a token reach beyond what it
 * was generated for.
 */
export interface WrittenRule {
  path: string;
  capabilities: Capability[];
  /**
   * Parameters whose value is pinned (a boolean pin is an HCL bool, a map an HCL object that Vault compares
   * whole); "*" with no values lets every other parameter through.
   */
  allowedParameters?: Record<string, PinnedValue[]>;
  /** Parameters refused whatever their value. */
  deniedParameters?: Record<string, string[]>;
}

/** A value a policy may pin a parameter to. */
export type PinnedValue = string | boolean | Record<string, string>;

/** An HCL string: JSON's escapes are HCL's (a policy text holds quotes and newlines). */
const hclString = (value: string | boolean) => JSON.stringify(value);

/** A pinned value as HCL: a string, a bool, or an object of strings. */
const hclValue = (value: PinnedValue) => (typeof value === "object"
  ? `{ ${Object.entries(value).map(([key, item]) => `${hclString(key)} = ${hclString(item)}`).join(", ")} }`
  : hclString(value));

/** One rule as policy HCL. */
export function ruleText({ path, capabilities, allowedParameters, deniedParameters }: WrittenRule): string {
  const parameters = (key: string, map: Record<string, PinnedValue[]> | undefined) => (map === undefined ? [] : [
    `  ${key} = {`,
    ...Object.entries(map).map(([name, values]) => `    ${hclString(name)} = [${values.map(hclValue).join(", ")}]`),
    "  }",
  ]);
  return [
    `path ${hclString(path)} {`,
    `  capabilities = [${capabilities.map(hclString).join(", ")}]`,
    ...parameters("allowed_parameters", allowedParameters),
    ...parameters("denied_parameters", deniedParameters),
    "}",
  ].join("\n");
}
