/** Who can read the paths another consumer's policy is about. */
import type { Policy } from "../acl";
import { ConsumerAccess, DEFAULT, grants, PathIndex, probePath, staticPrefix } from "./model";

/** The concrete paths a policy grants something on: what its consumer owns, for the isolation report. */
export function pathsGranted(policy: Policy): string[] {
  return [...new Set(policy.rules.filter(grants).map(probePath))];
}

export interface IsolationFinding { reader: string; owner: string; path: string }

/**
 * Which consumers can read a path another consumer's policy is about. A path the ACL lets a reader
 * read is matched by one of the reader's rules that grants read, so it starts with that rule's literal
 * prefix: only those paths are asked.
 */
export function isolationFindings(access: ConsumerAccess[]): IsolationFinding[] {
  const order = new Map(access.map(({ consumer }, index) => [consumer.name, index]));
  const ownersByPath = new Map<string, string[]>();
  for (const { consumer, policy } of access) {
    for (const path of pathsGranted(policy)) {
      const owners = ownersByPath.get(path) ?? [];
      owners.push(consumer.name);
      ownersByPath.set(path, owners);
    }
  }
  const owned = new PathIndex(ownersByPath);
  const findings: IsolationFinding[] = [];
  for (const { consumer, policy, acl } of access) {
    const readable = new Map<string, string[]>();
    for (const rule of [...policy.rules, ...DEFAULT.rules].filter((candidate) => candidate.capabilities.includes("read"))) {
      for (const [path, owners] of owned.startingWith(staticPrefix(rule))) readable.set(path, owners);
    }
    const found: IsolationFinding[] = [];
    for (const [path, owners] of readable) {
      const others = owners.filter((owner) => owner !== consumer.name);
      if (others.length > 0 && acl.allows("read", path)) others.forEach((owner) => found.push({ reader: consumer.name, owner, path }));
    }
    findings.push(...found.sort((a, b) => order.get(a.owner)! - order.get(b.owner)! || (a.path < b.path ? -1 : 1)));
  }
  return findings;
}
