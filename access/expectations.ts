/** Each consumer's declared `expect` list against its effective ACL. */
import type { Acl } from "../acl";
import { ConsumerAccess } from "./model";
import { AccessStatement, formatStatement, parseStatement } from "./statements";

/** What the rule that decides `path` says, for messages. */
function describeDecision(acl: Acl, statement: AccessStatement): string {
  const rule = acl.winningRule(statement.path, statement.capability === "list");
  if (!rule) return "no rule matches that path";
  const capabilities = [...rule.capabilities].join(", ");
  return `the winning rule (${rule.origins.join(", ")}) grants [${capabilities}]`;
}

/** Every declared expectation that the consumer's ACL contradicts, or that only the token's identity decides. */
export function expectationMismatches(access: ConsumerAccess[]): string[] {
  const mismatches: string[] = [];
  for (const { consumer, acl } of access) {
    for (const [expected, statements] of [["allowed", consumer.expect?.allow ?? []], ["denied", consumer.expect?.deny ?? []]] as const) {
      for (const statement of statements.map(parseStatement)) {
        const dependence = acl.identityDependence(statement.path);
        if (dependence.length > 0) {
          mismatches.push(`${consumer.name}: "${formatStatement(statement)}" depends on identity (${dependence.join(", ")} fill in the token's entity), so it cannot be checked offline`);
          continue;
        }
        if (acl.allows(statement.capability, statement.path) !== (expected === "allowed")) {
          mismatches.push(`${consumer.name}: expected "${formatStatement(statement)}" to be ${expected}, but ${describeDecision(acl, statement)}`);
        }
      }
    }
  }
  return mismatches;
}
