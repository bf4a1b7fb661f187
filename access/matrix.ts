/** The consumer x path table the plan prints. */
import type { Capability } from "../acl";
import { ConsumerAccess, probePath } from "./model";
import { parseStatement } from "./statements";

/** consumer x path -> capabilities, for every path named in a policy or an expectation. */
export function accessMatrix(access: ConsumerAccess[]): { paths: string[]; rows: Array<{ consumer: string; cells: Capability[][] }> } {
  const paths = new Set<string>();
  for (const { consumer, policy, grants } of access) {
    [...policy.rules, ...(grants?.rules ?? [])].forEach((rule) => paths.add(probePath(rule)));
    [...(consumer.expect?.allow ?? []), ...(consumer.expect?.deny ?? [])].forEach((statement) => paths.add(parseStatement(statement).path));
  }
  const sorted = [...paths].sort();
  return { paths: sorted, rows: access.map(({ consumer, acl }) => ({ consumer: consumer.name, cells: sorted.map((path) => acl.capabilities(path)) })) };
}
