export { Acl, AclRequest, globMatch, Permissions } from "./acl";
export { parseVaultDuration, isVaultDuration } from "../lib/vaultDuration";
export { HclSyntaxError, parseHcl } from "./hcl";
export { CAPABILITIES, Capability, parsePolicy, PathRule, Policy, PolicyError } from "./policy";
