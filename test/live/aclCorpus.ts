/**
 * Seeded generators for the differential test of the ACL evaluator against a real Vault: random
 * policy sets whose rules overlap on purpose, probe paths that sit on the rules' boundaries, and
 * parameter-constraint cases. Same seed, same corpus, so a mismatch can be replayed.
 */

/** mulberry32: a small, fast PRNG with a 32-bit state. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Picker {
  constructor(readonly random: () => number) {}
  int(maxExclusive: number): number {
    return Math.floor(this.random() * maxExclusive);
  }
  chance(probability: number): boolean {
    return this.random() < probability;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  some<T>(items: readonly T[], min: number, max: number): T[] {
    const count = min + this.int(max - min + 1);
    return [...items].sort(() => this.random() - 0.5).slice(0, count);
  }
}

/** Where rules start: plain mounts, KV v2 layouts, and root-protected areas under sys/ and auth/token/. */
const ROOTS = [
  "kv", "kv/app", "secret/data", "secret/metadata", "secret/data/team", "secret/delete", "secret/destroy",
  "sys/audit", "sys/raw", "sys/policies/acl", "sys/mounts", "sys/auth", "sys/config/auditing",
  "auth/token/create", "auth/token/roles", "auth/token/accessors", "auth/approle/role", "cubbyhole",
];
const SEGMENTS = ["a", "b", "ab", "app", "app-1", "config", "x", "jwt-auth", "team"];
const GRANTS = ["create", "read", "update", "delete", "list", "patch", "sudo"] as const;
const LEGACY = ["read", "write", "sudo", "deny"] as const;

export interface GeneratedPolicySet {
  /** HCL texts, one per policy. */
  policies: string[];
  /** Paths to ask both evaluators about. */
  probes: string[];
}

interface RulePattern {
  /** The path as written, with any "+" and trailing "*". */
  written: string;
  /** The literal part before the first wildcard. */
  literal: string;
}

function randomRulePath(pick: Picker): RulePattern {
  const segments = [...pick.pick(ROOTS).split("/"), ...pick.some(SEGMENTS, 0, 2)];
  if (pick.chance(0.35)) {
    const wildcards = 1 + (pick.chance(0.3) ? 1 : 0);
    for (let index = 0; index < wildcards; index++) segments[pick.int(segments.length)] = "+";
  }
  let written = segments.join("/");
  const kind = pick.int(4);
  if (kind === 1) written += "*";
  else if (kind === 2) written += "/*";
  else if (kind === 3 && !written.endsWith("+")) written = written.slice(0, -1) + "*";
  if (written.includes("+*")) written = written.replace("+*", "+/*");
  if (pick.chance(0.05)) written = `/${written}`;
  const firstWildcard = written.search(/[+*]/);
  return { written, literal: firstWildcard === -1 ? written : written.slice(0, firstWildcard) };
}

function ruleBody(pick: Picker): string {
  if (pick.chance(0.08)) return `capabilities = ["deny"]`;
  if (pick.chance(0.06)) return `policy = "${pick.pick(LEGACY)}"`;
  const capabilities = pick.some(GRANTS, 1, 4).map((capability) => `"${capability}"`).join(", ");
  return `capabilities = [${capabilities}]`;
}

function policyText(rules: Array<[string, string]>): string {
  return rules.map(([written, body]) => `path "${written}" {\n  ${body}\n}\n`).join("\n");
}

/** Concrete paths around one rule: the literal part, one segment more or less, a trailing slash, a cut. */
function probesFor(pattern: RulePattern, pick: Picker): string[] {
  const concrete = pattern.written.replace(/^\//, "").replace(/\*$/, "").split("/")
    .map((segment) => (segment === "+" ? pick.pick(SEGMENTS) : segment)).join("/");
  const trimmed = concrete.replace(/\/$/, "");
  const parent = trimmed.split("/").slice(0, -1).join("/");
  return [
    concrete, trimmed, `${trimmed}/`, `${trimmed}x`, `${trimmed}/${pick.pick(SEGMENTS)}`,
    `${trimmed}/${pick.pick(SEGMENTS)}/${pick.pick(SEGMENTS)}`, `${trimmed}/${pick.pick(SEGMENTS)}/`,
    trimmed.slice(0, -1), parent, `${parent}/`, pattern.literal, pattern.literal.replace(/\/$/, ""),
    `${parent}/${pick.pick(SEGMENTS)}/${trimmed.split("/").pop()}`,
  ].filter((path) => path !== "" && !path.startsWith("/"));
}

/** One random set of 1 to 3 policies, later ones often reusing or widening the first one's paths. */
function generatePolicySet(pick: Picker, probesPerSet: number): GeneratedPolicySet {
  const patterns: RulePattern[] = [];
  const policies: string[] = [];
  const policyCount = 1 + pick.int(3);
  for (let index = 0; index < policyCount; index++) {
    const rules: Array<[string, string]> = [];
    const ruleCount = 1 + pick.int(4);
    for (let ruleIndex = 0; ruleIndex < ruleCount; ruleIndex++) {
      const reuse = patterns.length > 0 && pick.chance(0.4);
      const pattern = reuse ? widen(pick.pick(patterns), pick) : randomRulePath(pick);
      patterns.push(pattern);
      rules.push([pattern.written, ruleBody(pick)]);
    }
    policies.push(policyText(rules));
  }
  const probes = new Set<string>();
  for (const pattern of patterns) for (const probe of probesFor(pattern, pick)) probes.add(probe);
  while (probes.size < probesPerSet) probes.add([...pick.pick(ROOTS).split("/"), ...pick.some(SEGMENTS, 0, 3)].join("/"));
  return { policies, probes: [...probes].slice(0, probesPerSet) };
}

/** The same path again, or a neighbour: its parent as a prefix, a "+" in place of a segment, a "*" added. */
function widen(pattern: RulePattern, pick: Picker): RulePattern {
  const path = pattern.written.replace(/^\//, "");
  const segments = path.replace(/\*$/, "").split("/");
  const choice = pick.int(4);
  let written = path;
  if (choice === 1 && segments.length > 1) written = `${segments.slice(0, -1).join("/")}/*`;
  else if (choice === 2) {
    segments[pick.int(segments.length)] = "+";
    written = segments.join("/");
  } else if (choice === 3 && !path.endsWith("*") && !path.endsWith("+")) written = `${path}*`;
  const firstWildcard = written.search(/[+*]/);
  return { written, literal: firstWildcard === -1 ? written : written.slice(0, firstWildcard) };
}

export function policySets(seed: number, count: number, probesPerSet: number): GeneratedPolicySet[] {
  const pick = new Picker(seededRandom(seed));
  return Array.from({ length: count }, () => generatePolicySet(pick, probesPerSet));
}

/** A parameter-constraint case: one rule on its own path, one request body. */
export interface ParameterCase {
  /** The rule body after `capabilities`, e.g. `allowed_parameters = {...}`. */
  constraints: string;
  data: Record<string, unknown>;
}

const PARAMETER_NAMES = ["name", "ttl", "policies", "Mode", "count"];
/** Values as a request sends them (JSON) and as a policy lists them (HCL): strings, globs, numbers, lists. */
const REQUEST_VALUES: unknown[] = [
  "a", "b", "A", "ab", "a,b", "a, b", "A,b", "a,,b", "a,", "prod-1", "", 0, 1, 30, "30", "0", ["a"], ["a", "b"], ["c"], true, null,
  { team: "a", env: "b" }, { env: "b", team: "a" }, { team: "a" },
];
const LISTED_VALUES = [`"a"`, `"b"`, `"ab"`, `"a,b"`, `"prod-*"`, `"*b"`, `"*"`, `""`, `0`, `1`, `30`, `"30"`, `"0"`, `true`, `{ team = "a", env = "b" }`];

function listedValues(pick: Picker): string {
  return `[${pick.some(LISTED_VALUES, 0, 3).join(", ")}]`;
}

function parameterMap(pick: Picker, allowStar: boolean): string {
  const names = pick.some(allowStar ? [...PARAMETER_NAMES, "*"] : PARAMETER_NAMES, 1, 3);
  return `{\n${names.map((name) => `    "${pick.chance(0.2) ? name.toUpperCase() : name}" = ${listedValues(pick)}`).join("\n")}\n  }`;
}

export function parameterCases(seed: number, count: number): ParameterCase[] {
  const pick = new Picker(seededRandom(seed));
  return Array.from({ length: count }, () => {
    const constraints: string[] = [];
    if (pick.chance(0.6)) constraints.push(`allowed_parameters = ${parameterMap(pick, true)}`);
    if (pick.chance(0.5)) constraints.push(`denied_parameters = ${parameterMap(pick, pick.chance(0.2))}`);
    if (pick.chance(0.25)) constraints.push(`required_parameters = [${pick.some(PARAMETER_NAMES, 1, 2).map((name) => `"${name}"`).join(", ")}]`);
    const data = Object.fromEntries(pick.some(PARAMETER_NAMES, 0, 3).map((name) => [pick.chance(0.15) ? name.toUpperCase() : name, pick.pick(REQUEST_VALUES)]));
    return { constraints: constraints.join("\n  "), data };
  });
}
