export { Acl, AclRequest, globMatch, isRootProtected, Permissions, ROOT_PROTECTED_PATHS } from "./acl";
export { parseVaultDuration, isVaultDuration } from "../lib/vaultDuration";
export { HclSyntaxError, parseHcl } from "./hcl";
export { CAPABILITIES, Capability, parsePolicy, PathRule, Policy, PolicyError } from "./policy";
export { ruleText } from "./policyText";
export type { WrittenRule } from "./policyText";
