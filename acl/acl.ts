/**
 * Vault's ACL decision (vault/acl.go) for a set of policies: the same rule trees, the same merge of a
 * path across policies, the same priority among wildcard rules, the same parameter and wrapping checks.
 */
import { isDeepStrictEqual } from "util";
import { Capability, ParameterRules, PathRule, Policy } from "./policy";

/** The merged permissions of one path across every policy that names it. */
export interface Permissions {
  capabilities: Set<Capability>;
  allowedParameters?: ParameterRules;
  deniedParameters?: ParameterRules;
  requiredParameters?: string[];
  minWrappingTtl: number;
  maxWrappingTtl: number;
  /** The rules that contributed, "source:line", for reports. */
  origins: string[];
}

/** A request to check beyond the capability: its body and its response-wrapping TTL. */
export interface AclRequest {
  data?: Record<string, unknown>;
  wrapTtlSeconds?: number;
}

/** Capabilities in the order `vault token capabilities` prints them. */
const REPORT_ORDER: Capability[] = ["sudo", "read", "list", "update", "delete", "create", "patch", "subscribe", "recover"];

/** Operations whose request body Vault checks against the parameter rules. */
const PARAMETER_CHECKED: Capability[] = ["read", "update", "create", "patch", "recover"];

/**
 * Vault's root-protected paths: the system backend's and the token store's PathsSpecial.Root
 * (vault/logical_system.go, vault/token_store.go), with their mount prefix, plus the token store's
 * endpoints that check sudo in their handler (the live ACL suite found `auth/token/revoke-orphan`). A
 * request to one needs `sudo` on the rule that allows it, whatever the operation. A trailing "*" makes a prefix.
 */
export const ROOT_PROTECTED_PATHS = [
  ...["auth/*", "remount", "audit", "audit/*", "raw", "raw/*", "rotate", "config/cors", "config/auditing/*", "config/ui/headers/*",
    "plugins/catalog/*", "plugins/runtimes/catalog/*", "revoke-prefix/*", "revoke-force/*", "leases/revoke-prefix/*", "leases/revoke-force/*",
    "leases/lookup/*", "storage/raft/snapshot-auto/config/*", "leases", "internal/inspect/*", "seal", "step-down",
    "replication/primary/secondary-token", "replication/performance/primary/secondary-token", "replication/dr/primary/secondary-token",
    "replication/reindex", "replication/dr/reindex", "replication/performance/reindex"].map((path) => `sys/${path}`),
  ...["revoke-orphan", "revoke-orphan/*", "accessors*"].map((path) => `auth/token/${path}`),
];

/** True when Vault wants `sudo` for any request to this path. */
export function isRootProtected(path: string): boolean {
  const trimmed = path.replace(/^\/+/, "");
  return ROOT_PROTECTED_PATHS.some((protectedPath) => (protectedPath.endsWith("*") ? trimmed.startsWith(protectedPath.slice(0, -1)) : trimmed === protectedPath));
}

interface WildcardCandidate {
  firstWildcard: number;
  wildcards: number;
  isPrefix: boolean;
  path: string;
  permissions: Permissions;
}

export class Acl {
  private readonly exact = new Map<string, Permissions>();
  private readonly prefix = new Map<string, Permissions>();
  private readonly segment = new Map<string, Permissions>();
  private readonly identityTemplated: Array<{ pattern: RegExp; origin: string }> = [];

  constructor(policies: Policy[]) {
    for (const policy of policies) {
      for (const rule of policy.rules) {
        if (rule.identityTemplated) {
          // What Vault does for a token without an entity: the rule is left out (vault/policy.go parsePaths).
          this.identityTemplated.push({ pattern: templatedPattern(rule), origin: `${policy.source}:${rule.line}` });
          continue;
        }
        const table = rule.hasSegmentWildcards ? this.segment : rule.isPrefix ? this.prefix : this.exact;
        const existing = table.get(rule.path);
        table.set(rule.path, existing ? merge(existing, rule, policy.source) : fromRule(rule, policy.source));
      }
    }
  }

  /**
   * Would Vault allow this capability on this path? A root-protected path also needs `sudo`; `request`
   * adds the parameter and wrapping checks.
   */
  allows(capability: Capability, path: string, request: AclRequest = {}): boolean {
    if (capability === "deny") return false;
    const permissions = this.lookup(path, capability === "list");
    if (permissions === undefined || !permissions.capabilities.has(capability)) return false;
    if (isRootProtected(path) && !permissions.capabilities.has("sudo")) return false;
    if (!wrappingAllowed(permissions, request.wrapTtlSeconds)) return false;
    if (!PARAMETER_CHECKED.includes(capability)) return true;
    return parametersAllowed(permissions, request.data ?? {});
  }

  /** The capabilities the winning rule grants on this path (empty when none matches or it denies). */
  capabilities(path: string): Capability[] {
    const permissions = this.lookup(path, true);
    if (permissions === undefined || permissions.capabilities.has("deny")) return [];
    return REPORT_ORDER.filter((capability) => permissions.capabilities.has(capability));
  }

  /**
   * The identity-templated rules (source:line) that could match this path for some entity. The other
   * answers of this class hold for a token without an entity; for one with an entity, these rules may
   * decide instead, so a report must call such a path "depends on identity", not allowed or denied.
   */
  identityDependence(path: string): string[] {
    const trimmed = path.replace(/^\/+/, "");
    return this.identityTemplated.filter(({ pattern }) => pattern.test(trimmed)).map(({ origin }) => origin);
  }

  /** The merged rule that decides this path, if any ("list" adds Vault's trailing-slash fallback). */
  winningRule(path: string, forList = false): Permissions | undefined {
    return this.lookup(path, forList);
  }

  private lookup(requestPath: string, forList: boolean): Permissions | undefined {
    const path = requestPath.replace(/^\/+/, "");
    const exact = this.exact.get(path) ?? (forList ? this.exact.get(path.replace(/\/$/, "")) : undefined);
    if (exact) return exact;
    if (forList && path.endsWith("/")) {
      const trimmed = this.fromNonExact(path.slice(0, -1));
      if (trimmed) return trimmed;
    }
    return this.fromNonExact(path);
  }

  private fromNonExact(path: string): Permissions | undefined {
    const candidates: WildcardCandidate[] = [];
    const longestPrefix = [...this.prefix.keys()].filter((prefix) => path.startsWith(prefix)).sort((a, b) => b.length - a.length)[0];
    if (longestPrefix !== undefined) {
      const permissions = this.prefix.get(longestPrefix)!;
      if (this.segment.size === 0) return permissions;
      candidates.push({ firstWildcard: longestPrefix.length, wildcards: 0, isPrefix: true, path: longestPrefix, permissions });
    }
    const parts = path.split("/");
    for (const [full, permissions] of this.segment) {
      if (full === "") continue;
      const isPrefix = full.endsWith("*");
      const pattern = isPrefix ? full.slice(0, -1) : full;
      const patternParts = pattern.split("/");
      if (parts.length < patternParts.length) continue;
      if (!isPrefix && parts.length !== patternParts.length) continue;
      let wildcards = 0;
      const matches = patternParts.every((part, index) => {
        if (part === "+") {
          wildcards++;
          return true;
        }
        if (part === parts[index]) return true;
        return isPrefix && index === patternParts.length - 1 && parts[index].startsWith(part);
      });
      if (matches) candidates.push({ firstWildcard: full.indexOf("+"), wildcards, isPrefix, path: pattern, permissions });
    }
    if (candidates.length === 0) return undefined;
    return candidates.sort(lowerPriorityFirst)[candidates.length - 1].permissions;
  }
}

/** A templated rule as a pattern over concrete paths: each template and "+" stands for one segment's worth of text. */
function templatedPattern(rule: PathRule): RegExp {
  const body = rule.path.replace(/\*$/, "").split(/(\{\{[^}]*\}\})/).map((part, index) =>
    index % 2 === 1 ? "[^/]+" : part.split("/").map((segment) => (segment === "+" ? "[^/]+" : escapeRegExp(segment))).join("/")).join("");
  return new RegExp(`^${body}${rule.isPrefix ? "" : "$"}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Vault's order among matching wildcard rules: the last one sorted wins. */
function lowerPriorityFirst(a: WildcardCandidate, b: WildcardCandidate): number {
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard - b.firstWildcard;
  if (a.isPrefix !== b.isPrefix) return a.isPrefix ? -1 : 1;
  if (a.wildcards !== b.wildcards) return b.wildcards - a.wildcards;
  if (a.path.length !== b.path.length) return a.path.length - b.path.length;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function fromRule(rule: PathRule, source: string): Permissions {
  return {
    capabilities: new Set(rule.capabilities),
    allowedParameters: rule.allowedParameters && cloneParameters(rule.allowedParameters),
    deniedParameters: rule.deniedParameters && cloneParameters(rule.deniedParameters),
    requiredParameters: rule.requiredParameters && [...rule.requiredParameters],
    minWrappingTtl: rule.minWrappingTtl,
    maxWrappingTtl: rule.maxWrappingTtl,
    origins: [`${source}:${rule.line}`],
  };
}

function cloneParameters(rules: ParameterRules): ParameterRules {
  return Object.fromEntries(Object.entries(rules).map(([name, values]) => [name, [...values]]));
}

/** Vault's merge of a rule into the same path from an earlier rule: deny wins, the rest is a union. */
function merge(existing: Permissions, rule: PathRule, source: string): Permissions {
  const origins = [...existing.origins, `${source}:${rule.line}`];
  if (existing.capabilities.has("deny")) return { ...existing, origins };
  if (rule.capabilities.includes("deny")) {
    return { ...existing, capabilities: new Set(["deny"]), allowedParameters: undefined, deniedParameters: undefined, origins };
  }
  const merged: Permissions = { ...existing, capabilities: new Set([...existing.capabilities, ...rule.capabilities]), origins };
  // Vault prefers the shorter lifetime of two specified wrapping bounds.
  if (rule.maxWrappingTtl > 0 && (merged.maxWrappingTtl === 0 || rule.maxWrappingTtl < merged.maxWrappingTtl)) merged.maxWrappingTtl = rule.maxWrappingTtl;
  if (rule.minWrappingTtl > 0 && (merged.minWrappingTtl === 0 || rule.minWrappingTtl < merged.minWrappingTtl)) merged.minWrappingTtl = rule.minWrappingTtl;
  merged.allowedParameters = mergeParameters(existing.allowedParameters, rule.allowedParameters);
  merged.deniedParameters = mergeParameters(existing.deniedParameters, rule.deniedParameters);
  if (rule.requiredParameters) merged.requiredParameters = [...new Set([...(existing.requiredParameters ?? []), ...rule.requiredParameters])];
  return merged;
}

/** An empty value list means "any value" and overrides lists; otherwise lists are appended. */
function mergeParameters(existing: ParameterRules | undefined, added: ParameterRules | undefined): ParameterRules | undefined {
  if (!added || Object.keys(added).length === 0) return existing;
  if (!existing) return cloneParameters(added);
  const merged = cloneParameters(existing);
  for (const [name, values] of Object.entries(added)) {
    const current = merged[name];
    merged[name] = values.length === 0 || (current !== undefined && current.length === 0) ? [] : [...values, ...(current ?? [])];
  }
  return merged;
}

function wrappingAllowed(permissions: Permissions, wrapTtl: number | undefined): boolean {
  const { minWrappingTtl: min, maxWrappingTtl: max } = permissions;
  if (max > 0 && (wrapTtl === undefined || wrapTtl > max)) return false;
  if (min > 0 && (wrapTtl === undefined || wrapTtl < min)) return false;
  return !(min !== 0 && max !== 0 && max < min);
}

function parametersAllowed(permissions: Permissions, data: Record<string, unknown>): boolean {
  const provided = new Set(Object.keys(data).map((name) => name.toLowerCase()));
  // Vault looks required parameters up by their lowercased name in the request as sent.
  if ((permissions.requiredParameters ?? []).some((name) => !(name.toLowerCase() in data))) return false;
  if (provided.size === 0) return true;
  const denied = permissions.deniedParameters ?? {};
  if (Object.keys(denied).length > 0) {
    if ("*" in denied) return false;
    for (const [name, value] of Object.entries(data)) {
      const values = denied[name.toLowerCase()];
      if (values !== undefined && inDeniedList(value, values)) return false;
    }
  }
  const allowed = permissions.allowedParameters ?? {};
  const names = Object.keys(allowed);
  if (names.length === 0) return true;
  const allowAll = "*" in allowed;
  if (names.length === 1 && allowAll) return true;
  for (const [name, value] of Object.entries(data)) {
    const values = allowed[name.toLowerCase()];
    if (values === undefined && !allowAll) return false;
    if (values !== undefined && !inAllowedList(value, values)) return false;
  }
  return true;
}

function inAllowedList(value: unknown, list: unknown[]): boolean {
  if (list.length === 0 || inList(value, list)) return true;
  const items = Array.isArray(value) ? value : typeof value === "string" ? commaList(value) : undefined;
  return items !== undefined && items.every((item) => inList(item, list));
}

function inDeniedList(value: unknown, list: unknown[]): boolean {
  if (list.length === 0 || inList(value, list)) return true;
  const items = Array.isArray(value) ? value : typeof value === "string" ? commaList(value) : [];
  return items.some((item) => inList(item, list));
}

/** parseutil.ParseCommaStringSlice: "" is no item; otherwise split on commas and trim, empty items kept ("a,,b" has three). */
function commaList(value: string): string[] {
  return value === "" ? [] : value.split(",").map((item) => item.trim());
}

function inList(value: unknown, list: unknown[]): boolean {
  return list.some((item) => {
    if (item === null || value === null || item === undefined || value === undefined) return item === value;
    if (typeof item === "string") return typeof value === "string" && globMatch(item, value);
    // reflect.DeepEqual: maps are equal whatever their key order.
    return !containsNumber(value) && isDeepStrictEqual(item, value);
  });
}

/**
 * Vault decodes a request body with UseNumber, so a JSON number arrives as a json.Number, a type no
 * HCL value in a policy ever has: reflect.DeepEqual never matches it (a request's 0 is not a policy's 0).
 */
function containsNumber(value: unknown): boolean {
  if (typeof value === "number") return true;
  if (Array.isArray(value)) return value.some(containsNumber);
  return typeof value === "object" && value !== null && Object.values(value).some(containsNumber);
}

/** strutil.GlobbedStringsMatch: a leading and/or trailing "*" matches any run of characters. */
export function globMatch(pattern: string, value: string): boolean {
  if (pattern.length < 2) return value === pattern;
  const leading = pattern.startsWith("*");
  const trailing = pattern.endsWith("*");
  const core = pattern.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  if (leading && trailing) return value.includes(core);
  if (leading) return value.endsWith(core);
  if (trailing) return value.startsWith(core);
  return value === pattern;
}
