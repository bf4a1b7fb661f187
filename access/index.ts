/**
 * Least privilege, checked before deploy: each consumer's effective ACL (its policy plus Vault's
 * default policy) against its declared expectations, lints on every consumer policy, an isolation
 * report, and (for a stack) its committed provisioner policy against what the declarations need.
 */
import type { VaultLayerModel } from "../config";
import { deliveryAccessProblems } from "./delivery";
import { expectationMismatches } from "./expectations";
import { IsolationFinding, isolationFindings, undeclaredSharing } from "./isolation";
import { policyLints } from "./lints";
import { ConsumerAccess, consumerAccess } from "./model";
import { provisionerFileProblems } from "./provisioner";

export { expectationMismatches } from "./expectations";
export { isolationFindings, pathsGranted, undeclaredSharing } from "./isolation";
export type { IsolationFinding } from "./isolation";
export { policyLints } from "./lints";
export { accessMatrix } from "./matrix";
export { ANY_SEGMENT, consumerAccess } from "./model";
export type { ConsumerAccess } from "./model";
export {
  PLANNER_POLICY, plannerPolicyText, plannerRules, PROVISIONER_DENIED, provisionerCoverage, provisionerDenied, provisionerFileProblems, provisionerPolicyText, provisionerRequirements,
} from "./provisioner";
export { ruleText } from "../acl";
export type { ProvisionerCoverage } from "./provisioner";
export { formatStatement, parseStatement } from "./statements";
export type { AccessStatement } from "./statements";

export interface AccessReport {
  /** Everything that must stop a deploy: mismatched expectations, lint findings, undeclared cross-tenant reads (and, for a stack, a stale provisioner file). */
  problems: string[];
  isolation: IsolationFinding[];
  access: ConsumerAccess[];
}

/**
 * The consumers' access. With `stack`, also policies/provisioner/<stack>.hcl against what the
 * declarations need (`npm run plan` and the tests ask; the program does not, as it never reads that file).
 */
export function verifyAccess(layer: VaultLayerModel, stack?: string): AccessReport {
  const access = consumerAccess(layer);
  const isolation = isolationFindings(access);
  const problems = [
    ...expectationMismatches(access),
    ...policyLints(layer),
    ...undeclaredSharing(isolation, access),
    ...deliveryAccessProblems(access, layer),
    ...(stack === undefined ? [] : provisionerFileProblems(layer, stack)),
  ];
  return { problems, isolation, access };
}
