/**
 * Vault ACL policies parsed and validated the way Vault's vault/policy.go does, with HashiCorp's HCL v1
 * parser. Errors name the source and the line of the offending path block.
 */
import { parseVaultDuration } from "../lib/vaultDuration";
import { HclSyntaxError, parseHcl } from "./hcl";

export type Capability = "create" | "read" | "update" | "patch" | "delete" | "list" | "sudo" | "deny" | "subscribe" | "recover";

export const CAPABILITIES: readonly Capability[] = ["create", "read", "update", "patch", "delete", "list", "sudo", "deny", "subscribe", "recover"];

/** Legacy `policy = "..."` values and the capabilities Vault maps them to. */
const LEGACY_POLICIES: Record<string, Capability[]> = {
  deny: ["deny"],
  read: ["read", "list"],
  write: ["create", "read", "update", "delete", "list"],
  sudo: ["create", "read", "update", "delete", "list", "sudo"],
};

const PATH_KEYS = [
  "comment", "policy", "capabilities", "allowed_parameters", "denied_parameters", "required_parameters",
  "min_wrapping_ttl", "max_wrapping_ttl", "mfa_methods", "control_group", "subscribe_event_types",
];
const TOP_LEVEL_KEYS = ["name", "path"];

/** Vault's ACL templating (sdk/helper/identitytpl): `{{identity.entity.id}}`, `{{identity.groups.names.x.id}}`, ... */
const IDENTITY_TEMPLATE = /\{\{[^}]*\}\}/;

export type ParameterRules = Record<string, unknown[]>;

/** One `path` block after Vault's normalisation. */
export interface PathRule {
  /** The path as Vault stores it: leading "/" removed, and for a plain prefix rule the trailing "*" too. */
  path: string;
  /** The path as written in the policy. */
  written: string;
  /** 1-based line of the block in its source. */
  line: number;
  /** Ends in "*" (matches every path that starts with `path`). */
  isPrefix: boolean;
  /** Contains a "+" segment; such rules keep their trailing "*" in `path`. */
  hasSegmentWildcards: boolean;
  /**
   * Uses identity templating (`{{identity.entity.name}}`): Vault fills it in per token from the token's
   * entity, and skips the rule for a token without one, so no offline answer about it is certain.
   */
  identityTemplated: boolean;
  /** Capabilities after mapping legacy `policy`; exactly ["deny"] when denied. */
  capabilities: Capability[];
  allowedParameters?: ParameterRules;
  deniedParameters?: ParameterRules;
  requiredParameters?: string[];
  /** Seconds; 0 when unset. */
  minWrappingTtl: number;
  maxWrappingTtl: number;
}

export interface Policy {
  /** The policy's own `name` key, if it has one. */
  name?: string;
  /** Where the text came from (a file name), used in errors and reports. */
  source: string;
  rules: PathRule[];
}

/** A policy that Vault would refuse, or that breaks this project's rules, with source and line (0: the whole file). */
export class PolicyError extends Error {
  constructor(readonly source: string, readonly line: number, readonly detail: string) {
    super(`${source}${line > 0 ? `:${line}` : ""}: ${detail}`);
    this.name = "PolicyError";
  }
}

/** The line of each `path "..."` block, in source order (HCL keeps that order). */
function pathLines(text: string): number[] {
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const stripped = line.replace(/(#|\/\/).*$/, "");
    for (const _ of stripped.matchAll(/(?:^|[\s}])path\s+"/g)) lines.push(index + 1);
  });
  return lines;
}

/** Parses and validates one ACL policy. Throws PolicyError naming `source` and the line. */
export function parsePolicy(text: string, source = "<policy>"): Policy {
  let document: Record<string, any>;
  try {
    document = parseHcl(text, source);
  } catch (error) {
    if (error instanceof HclSyntaxError) throw new PolicyError(source, error.line, error.message.slice(error.message.indexOf(": ") + 2));
    throw error;
  }
  for (const key of Object.keys(document)) {
    if (!TOP_LEVEL_KEYS.includes(key)) throw new PolicyError(source, 1, `unknown top-level key "${key}" (allowed: ${TOP_LEVEL_KEYS.join(", ")})`);
  }
  if (document.name !== undefined && typeof document.name !== "string") throw new PolicyError(source, 1, `"name" must be a string`);
  const lines = pathLines(text);
  const blocks: Array<[string, Record<string, any>]> = [];
  for (const entry of (document.path ?? []) as Array<Record<string, Array<Record<string, any>>>>) {
    if (typeof entry !== "object" || Array.isArray(entry)) throw new PolicyError(source, lines[blocks.length] ?? 1, `"path" must be a block: path "<path>" { ... }`);
    for (const [written, bodies] of Object.entries(entry)) for (const body of bodies) blocks.push([written, body]);
  }
  const textLines = text.split("\n");
  const rules = blocks.map(([written, body], index) => {
    const line = lines[index] ?? 1;
    const end = lines[index + 1] ?? textLines.length + 1;
    /** The line inside this block that holds a quoted value, so an error points at it rather than at the block. */
    const lineOf = (value: string) => {
      const found = textLines.slice(line - 1, end - 1).findIndex((candidate) => candidate.includes(`"${value}"`));
      return found === -1 ? line : line + found;
    };
    return parsePathRule(written, body, source, line, lineOf);
  });
  return { name: document.name, source, rules };
}

function parsePathRule(written: string, body: Record<string, any>, source: string, line: number, lineOf: (value: string) => number): PathRule {
  const fail = (detail: string, at = line): never => { throw new PolicyError(source, at, `path "${written}": ${detail}`); };
  for (const key of Object.keys(body)) if (!PATH_KEYS.includes(key)) fail(`unknown key "${key}" (allowed: ${PATH_KEYS.join(", ")})`);

  let path = written.startsWith("/") ? written.slice(1) : written;
  if (path.includes("+*")) fail("invalid use of wildcards ('+*' is forbidden)");
  const hasSegmentWildcards = path === "+" || path.includes("/+") || path.startsWith("+/");
  let isPrefix = false;
  if (path.endsWith("*")) {
    isPrefix = true;
    if (!hasSegmentWildcards) path = path.slice(0, -1);
  }

  const listOf = (key: string): unknown[] => {
    const value = body[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) fail(`"${key}" must be a list`);
    return value;
  };
  let capabilities = listOf("capabilities") as string[];
  if (body.policy !== undefined) {
    const legacy = LEGACY_POLICIES[body.policy];
    if (legacy === undefined) fail(`invalid policy "${body.policy}" (legacy values: ${Object.keys(LEGACY_POLICIES).join(", ")})`, lineOf(String(body.policy)));
    capabilities = body.policy === "deny" ? legacy : [...capabilities, ...legacy];
  }
  for (const capability of capabilities) {
    if (!CAPABILITIES.includes(capability as Capability)) fail(`invalid capability "${capability}" (valid: ${CAPABILITIES.join(", ")})`, lineOf(capability));
  }
  const identityTemplated = IDENTITY_TEMPLATE.test(path);
  const base = { path, written, line, isPrefix, hasSegmentWildcards, identityTemplated, minWrappingTtl: 0, maxWrappingTtl: 0 };
  if (capabilities.includes("deny")) return { ...base, capabilities: ["deny"] };

  const rule: PathRule = { ...base, capabilities: [...new Set(capabilities)] as Capability[] };
  rule.allowedParameters = parameterRules(body.allowed_parameters, "allowed_parameters", fail);
  rule.deniedParameters = parameterRules(body.denied_parameters, "denied_parameters", fail);
  const required = listOf("required_parameters");
  if (required.some((parameter) => typeof parameter !== "string" || parameter.includes("*"))) fail("required_parameters must be names without wildcards");
  if (required.length > 0) rule.requiredParameters = required as string[];
  for (const [key, field] of [["min_wrapping_ttl", "minWrappingTtl"], ["max_wrapping_ttl", "maxWrappingTtl"]] as const) {
    if (body[key] === undefined) continue;
    const seconds = parseVaultDuration(body[key]);
    if (seconds === undefined) fail(`${key} must be a duration such as "5m" or seconds (got ${JSON.stringify(body[key])})`);
    rule[field] = seconds!;
  }
  if (rule.minWrappingTtl && rule.maxWrappingTtl && rule.maxWrappingTtl < rule.minWrappingTtl) fail("max_wrapping_ttl cannot be less than min_wrapping_ttl");
  return rule;
}

function parameterRules(raw: unknown, key: string, fail: (detail: string) => never): ParameterRules | undefined {
  if (raw === undefined) return undefined;
  const maps = Array.isArray(raw) ? raw : [raw];
  const rules: ParameterRules = {};
  for (const map of maps) {
    if (typeof map !== "object" || map === null || Array.isArray(map)) fail(`${key} must be a map of parameter name to list of values`);
    for (const [name, values] of Object.entries(map as Record<string, unknown>)) {
      if (!Array.isArray(values)) fail(`${key}: "${name}" must be a list of values ([] allows any value)`);
      rules[name.toLowerCase()] = values as unknown[];
    }
  }
  return rules;
}
