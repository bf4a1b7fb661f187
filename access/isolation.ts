/** Who can read the paths another consumer's policy is about. */
import { Acl, Policy } from "../acl";
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
  for (const { consumer, policy, grants, acl } of access) {
    const readable = new Map<string, string[]>();
    for (const rule of [...policy.rules, ...(grants?.rules ?? []), ...DEFAULT.rules].filter((candidate) => candidate.capabilities.includes("read"))) {
      for (const [path, owners] of owned.startingWith(staticPrefix(rule))) readable.set(path, owners);
    }
    const found: IsolationFinding[] = [];
    for (const [path, owners] of readable) {
      const others = owners.filter((owner) => owner !== consumer.name);
      if (acl.allows("read", path)) others.forEach((owner) => found.push({ reader: consumer.name, owner, path }));
    }
    findings.push(...found.sort((a, b) => order.get(a.owner)! - order.get(b.owner)! || (a.path < b.path ? -1 : 1)));
  }
  return findings;
}

/**
 * The cross-tenant reads nobody declared: a finding passes only when the reader lists the owner in
 * `shares`, or states in `expect.allow` that it reads a path the owner's own policy is about.
 */
export function undeclaredSharing(findings: IsolationFinding[], access: ConsumerAccess[]): string[] {
  const byName = new Map(access.map((entry) => [entry.consumer.name, entry]));
  const ownPolicy = new Map(access.map(({ consumer, policy }) => [consumer.name, new Acl([policy])]));
  return findings.filter(({ reader, owner }) => {
    const { consumer } = byName.get(reader)!;
    if (consumer.shares.includes(owner)) return false;
    const declaredReads = (consumer.expect?.allow ?? []).filter((statement) => statement.startsWith("read ")).map((statement) => statement.slice("read ".length));
    return !declaredReads.some((path) => ownPolicy.get(owner)!.capabilities(path).length > 0);
  }).map(({ reader, owner, path }) =>
    `isolation: ${reader} can read ${path} (${owner}'s) without declaring it; add shares: [${owner}] or an expect.allow "read <a ${owner} path>" to ${reader}, or narrow ${reader}'s policy`);
}
