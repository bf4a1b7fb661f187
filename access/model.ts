/** What the checks share: each consumer's effective ACL, and ways to look at single rules. */
import { Acl, parsePolicy, PathRule, Policy } from "../acl";
import { DEFAULT_POLICY } from "../acl/defaultPolicy";
import type { ConsumerConfig, VaultLayerModel } from "../config";

/** Vault's default policy, which every binding here keeps. */
export const DEFAULT = parsePolicy(DEFAULT_POLICY, "default");

/** A consumer's effective ACL: its own policy, its generated grants and `default`. */
export interface ConsumerAccess {
  consumer: ConsumerConfig;
  /** Its own policy file: the paths it owns, for the isolation report (a grant is shared by declaration). */
  policy: Policy;
  /** The policy generated from its grants, when it has any. */
  grants?: Policy;
  acl: Acl;
}

export function consumerAccess(layer: VaultLayerModel): ConsumerAccess[] {
  return layer.consumers.map(({ consumer, policy, grants }) => ({
    consumer, policy: policy.parsed, grants: grants?.parsed, acl: new Acl([policy.parsed, ...(grants ? [grants.parsed] : []), DEFAULT]),
  }));
}

/** An ACL of this one rule, to ask what the rule alone reaches. */
export function ruleAcl(rule: PathRule): Acl {
  return new Acl([{ source: "", rules: [rule] }]);
}

/** True for a rule that grants something (not a deny, not an empty list). */
export function grants(rule: PathRule): boolean {
  return !rule.capabilities.includes("deny") && rule.capabilities.length > 0;
}

/** The literal start of a rule, before its first wildcard (a plain prefix rule's path has no "*" left). */
export function staticPrefix(rule: PathRule): string {
  const plus = rule.path.indexOf("+");
  return plus === -1 ? rule.path : rule.path.slice(0, plus);
}

/** Stands for "any name" in a path derived from a wildcard rule (matches "+" and "*" alike). */
export const ANY_SEGMENT = "<any>";

/** A concrete path a rule is about: wildcards filled with ANY_SEGMENT. */
export function probePath(rule: PathRule): string {
  const filled = rule.path.split("/").map((segment) => (segment === "+" ? ANY_SEGMENT : segment)).join("/");
  return rule.isPrefix ? `${filled.replace(/\*$/, "")}${ANY_SEGMENT}` : filled;
}

/**
 * Paths sorted once, so that the paths under a rule's literal prefix are found by binary search:
 * the checks then cost what the rules reach, not consumers x paths.
 */
export class PathIndex<T> {
  private readonly entries: Array<[string, T]>;

  constructor(entries: Iterable<[string, T]>) {
    this.entries = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Every entry whose path starts with `prefix`, in path order. */
  *startingWith(prefix: string): Generator<[string, T]> {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle][0] < prefix) low = middle + 1;
      else high = middle;
    }
    for (let index = low; index < this.entries.length && this.entries[index][0].startsWith(prefix); index++) yield this.entries[index];
  }
}
