/**
 * Policy files: policies/<name>.hcl read, `${name}` substituted for tenant templates, parsed and checked
 * the way this project wants them (stricter than Vault: see literalStar).
 */
import * as fs from "fs";
import * as path from "path";
import { parsePolicy, Policy, PolicyError } from "../acl";

/** The project directory (the one with Pulumi.yaml), found from here whether this runs as TypeScript or compiled to bin/. */
export const PROJECT_ROOT = ((): string => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "Pulumi.yaml")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

/** Where the HCL policy files live. */
export const POLICY_DIR = path.join(PROJECT_ROOT, "policies");

/** The placeholder a policy file may use for the consumer's name (one file, many tenants). */
const NAME_PLACEHOLDER = "${name}";

/** One policy as uploaded to Vault: its name, its text after substitution, and its parsed rules. */
export interface ConsumerPolicy {
  /** Name in Vault: the file name, or "<file>-<consumer>" when the file uses ${name}. */
  name: string;
  /** The file it comes from, e.g. "policies/kes.hcl". */
  file: string;
  text: string;
  parsed: Policy;
}

/** The provisioning token's policy name in Vault (its text: policies/provisioner/<stack>.hcl, generated). */
export const PROVISIONER_POLICY = "provisioner";

/**
 * Policy names a consumer may not take: Vault's own (`default` is attached to every token, `root` and the
 * Enterprise `response-wrapping` / `control-group` are built in) and the provisioner's, whose power a
 * consumer would otherwise get or could rewrite.
 */
export const RESERVED_POLICY_NAMES = ["default", "root", PROVISIONER_POLICY, "response-wrapping", "control-group"];

/** Where each stack's generated provisioner policy is committed: policies/provisioner/<stack>.hcl (the planner's next to it, policies/planner/). */
export const PROVISIONER_DIR = path.join(POLICY_DIR, PROVISIONER_POLICY);

/** A stack's committed generated policy (the provisioner's, or another role's such as the planner's), or undefined when there is none. */
export function readProvisionerFile(stack: string, dir?: string, role = PROVISIONER_POLICY): { file: string; text: string } | undefined {
  const file = path.join(dir ?? path.join(POLICY_DIR, role), `${stack}.hcl`);
  return fs.existsSync(file) ? { file: path.relative(PROJECT_ROOT, file), text: fs.readFileSync(file, "utf8") } : undefined;
}

/** The policy files available in `dir`, by name without ".hcl". */
export function availablePolicies(dir = POLICY_DIR): string[] {
  return fs.readdirSync(dir).filter((file) => file.endsWith(".hcl")).map((file) => file.slice(0, -4)).sort();
}

/** Reads policies/<policy>.hcl; throws PolicyError naming the file when it does not exist. */
export function readPolicyFile(policy: string, dir = POLICY_DIR): { file: string; text: string } {
  const file = path.join(dir, `${policy}.hcl`);
  const relative = path.relative(path.dirname(dir), file);
  if (!fs.existsSync(file)) {
    const choices = availablePolicies(dir).filter((name) => !RESERVED_POLICY_NAMES.includes(name));
    throw new PolicyError(relative, 0, `no such policy file; available: ${choices.join(", ") || "none"}`);
  }
  return { file: relative, text: fs.readFileSync(file, "utf8") };
}

/** A line without its comment (`#` or `//` outside a string): a placeholder mentioned in a comment is not one. */
function withoutComment(line: string): string {
  let inString = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (inString && char === "\\") index++;
    else if (char === '"') inString = !inString;
    else if (!inString && (char === "#" || (char === "/" && line[index + 1] === "/"))) return line.slice(0, index);
  }
  return line;
}

/** True when the policy text itself (not a comment) uses ${name}: one file, a policy per consumer. */
function isTemplate(text: string): boolean {
  return text.split("\n").some((line) => withoutComment(line).includes(NAME_PLACEHOLDER));
}

/** Substitutes ${name}; any other ${...} outside a comment is a mistake (Vault's own templating uses {{...}}). */
export function renderPolicyText(text: string, consumer: string, file: string): string {
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    const other = /\$\{(?!name\})[^}]*\}/.exec(withoutComment(line));
    if (other) throw new PolicyError(file, index + 1, `unknown placeholder ${other[0]}; only ${NAME_PLACEHOLDER} (the consumer's name) is substituted`);
  });
  return text.split(NAME_PLACEHOLDER).join(consumer);
}

/**
 * Stands in for ${name} while a template is parsed once; consumer names are DNS labels, which never
 * contain "_", so it cannot collide with one.
 */
const NAME_SENTINEL = "__consumer_name__";

/** Parsed templates by file and text: HCL parsing is the costly part, and a tenant file is parsed once for all tenants. */
const parsedTemplates = new Map<string, Policy>();

/** Every string in a parsed policy with the sentinel replaced by the consumer's name. */
function substituted<T>(value: T, consumer: string): T {
  if (typeof value === "string") return value.split(NAME_SENTINEL).join(consumer) as T;
  if (Array.isArray(value)) return value.map((item) => substituted(item, consumer)) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [substituted(key, consumer), substituted(item, consumer)])) as T;
  }
  return value;
}

/**
 * A '*' that Vault reads as a literal character although its author surely meant a wildcard: inside a
 * path (only a trailing '*' is a prefix match) or inside a parameter name (only a lone "*" means any
 * parameter). Vault accepts both; this project refuses them.
 */
function literalStar(policy: Policy): { line: number; detail: string } | undefined {
  for (const rule of policy.rules) {
    if (rule.path.slice(0, -1).includes("*")) {
      return { line: rule.line, detail: `path "${rule.written}": '*' is only allowed as the last character (Vault reads a '*' anywhere else as a literal character, not a wildcard; use '+' for one segment)` };
    }
    for (const [key, parameters] of [["allowed_parameters", rule.allowedParameters], ["denied_parameters", rule.deniedParameters]] as const) {
      const name = Object.keys(parameters ?? {}).find((candidate) => candidate !== "*" && candidate.includes("*"));
      if (name) return { line: rule.line, detail: `path "${rule.written}": ${key}: parameter key "${name}" cannot contain non-tail wildcards (Vault reads it literally; only a lone "*" means any parameter)` };
    }
  }
  return undefined;
}

/** The policy a consumer gets: read, substituted, parsed and validated. */
export function consumerPolicy(policy: string, consumer: string, dir = POLICY_DIR): ConsumerPolicy {
  const { file, text: template } = readPolicyFile(policy, dir);
  const key = `${file}\n${template}`;
  let parsedTemplate = parsedTemplates.get(key);
  if (parsedTemplate === undefined) {
    try {
      parsedTemplate = parsePolicy(renderPolicyText(template, NAME_SENTINEL, file), file);
    } catch (error) {
      if (error instanceof PolicyError) throw new PolicyError(error.source, error.line, substituted(error.detail, consumer));
      throw error;
    }
    const misread = literalStar(parsedTemplate);
    if (misread) throw new PolicyError(file, misread.line, substituted(misread.detail, consumer));
    parsedTemplates.set(key, parsedTemplate);
  }
  const perConsumer = isTemplate(template);
  return {
    name: perConsumer ? `${policy}-${consumer}` : policy,
    file,
    text: perConsumer ? renderPolicyText(template, consumer, file) : template,
    parsed: perConsumer ? substituted(parsedTemplate, consumer) : parsedTemplate,
  };
}
