/** How configuration problems read: one ConfigError, each line naming its key and the fix. */
import * as pulumi from "@pulumi/pulumi";
import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";

/** The project's config namespace: every key is `vault-platform:<key>`. */
export const PROJECT = "vault-platform";

/** The one error a user sees for bad configuration: a RunError, so Pulumi prints it without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Throws one ConfigError listing every problem, when there is any. */
export function failOnProblems(problems: string[]): void {
  if (problems.length > 0) throw new ConfigError([...new Set(problems)].join("\n"));
}

/** `vault-platform:consumers[2] (billing)`: the index says where in the list, the name says who. */
export function consumerKey(index: number, name: unknown): string {
  return `${PROJECT}:consumers[${index}]${typeof name === "string" && name !== "" ? ` (${name})` : ""}`;
}

/** Zod keeps checking a value after its first failure; the first issue is the one that explains it. */
export function firstIssuePerPath(issues: z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = JSON.stringify(issue.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One schema issue as a line: the full key (consumers by index and name), the message, what was given. */
export function describeIssue(rootKey: string, issue: z.core.$ZodIssue, value: unknown): string {
  const [first, ...rest] = issue.path;
  const consumer = rootKey === "consumers" && typeof first === "number" && Array.isArray(value) ? value[first] : undefined;
  const start = consumer !== undefined ? consumerKey(first as number, (consumer as { name?: unknown }).name) : `${PROJECT}:${rootKey}`;
  const parts = consumer !== undefined ? rest : issue.path;
  const location = `${start}${parts.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("")}`;
  return `${location} ${issue.message}${gotSuffix(issue)}`;
}

/** Plain-language text for the issues whose schema gives no message of its own. */
export function defaultIssueText(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "is required" : `must be ${article(issue.expected)}`;
    case "unrecognized_keys": {
      const known = Object.keys((issue.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape ?? {});
      const named = issue.keys.map((key) => `"${key}"${didYouMean(key, known)}`).join(", ");
      return `has unknown key${issue.keys.length > 1 ? "s" : ""} ${named}; check the spelling against the README's configuration reference`;
    }
    case "too_small":
      if (issue.origin === "array") return `must have at least ${issue.minimum} item${issue.minimum === 1 ? "" : "s"}`;
      return issue.origin === "string" ? "must not be empty" : `must be at least ${issue.minimum}`;
    case "too_big":
      return `must be at most ${issue.maximum}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    default:
      return undefined;
  }
}

/** ` (did you mean "x"?)` when a known name is a likely typo's target (at most 2 edits, and fewer than half the letters), else "". */
export function didYouMean(given: string, known: readonly string[]): string {
  if (known.length === 0) return "";
  const nearest = closest(given, [...known]);
  const edits = distance(given, nearest);
  return edits <= 2 && edits < given.length / 2 ? ` (did you mean "${nearest}"?)` : "";
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function gotSuffix(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  if (input === undefined || issue.code === "unrecognized_keys") return "";
  // A refinement of a whole object says what is wrong in its message; the object itself adds nothing.
  if (issue.code === "custom" && typeof input === "object") return "";
  if (typeof input === "object" && input !== null) return Array.isArray(input) ? ` (got a list of ${input.length})` : " (got an object)";
  return ` (got ${JSON.stringify(input)})`;
}
