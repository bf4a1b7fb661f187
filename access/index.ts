/**
 * Least privilege, checked before deploy: each consumer's effective ACL (its policy plus Vault's
 * default policy) against its declared expectations, lints on every consumer policy, an isolation
 * report, and the provisioner policy against what the declarations need from it.
 */
import type { VaultLayerModel } from "../config";
import { expectationMismatches } from "./expectations";
import { IsolationFinding, isolationFindings, undeclaredSharing } from "./isolation";
import { policyLints } from "./lints";
import { ConsumerAccess, consumerAccess } from "./model";
import { provisionerCoverage, ProvisionerCoverage } from "./provisioner";
import { formatStatement } from "./statements";

export { expectationMismatches } from "./expectations";
export { isolationFindings, pathsGranted, undeclaredSharing } from "./isolation";
export type { IsolationFinding } from "./isolation";
export { policyLints } from "./lints";
export { accessMatrix } from "./matrix";
export { ANY_SEGMENT, consumerAccess } from "./model";
export type { ConsumerAccess } from "./model";
export { provisionerCoverage, provisionerRequirements } from "./provisioner";
export type { ProvisionerCoverage } from "./provisioner";
export { formatStatement, parseStatement } from "./statements";
export type { AccessStatement } from "./statements";

export interface AccessReport {
  /** Everything that must stop a deploy: mismatched expectations, lint findings, undeclared cross-tenant reads, provisioner gaps. */
  problems: string[];
  isolation: IsolationFinding[];
  provisioner: ProvisionerCoverage;
  access: ConsumerAccess[];
}

export function verifyAccess(layer: VaultLayerModel): AccessReport {
  const access = consumerAccess(layer);
  const provisioner = provisionerCoverage(layer, layer.provisionerPolicy);
  const isolation = isolationFindings(access);
  const problems = [
    ...expectationMismatches(access),
    ...policyLints(layer),
    ...undeclaredSharing(isolation, access),
    ...provisioner.missing.map((statement) => `provisioner: policies/provisioner.hcl does not allow "${formatStatement(statement)}", which pulumi up needs`),
  ];
  return { problems, isolation, provisioner, access };
}
