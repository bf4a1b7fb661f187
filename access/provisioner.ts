/** What the provisioning token needs for `pulumi up`, and how the committed provisioner policy compares. */
import { Acl, Capability, Policy } from "../acl";
import type { VaultLayerModel } from "../config";
import { DEFAULT, grants, PathIndex, ruleAcl, staticPrefix } from "./model";
import { AccessStatement } from "./statements";

/** Every (capability, path) the provisioning token needs for `pulumi up` of these declarations. */
export function provisionerRequirements(layer: VaultLayerModel): AccessStatement[] {
  const needs: AccessStatement[] = [];
  const add = (capabilities: Capability[], path: string) => capabilities.forEach((capability) => needs.push({ capability, path }));
  const crud: Capability[] = ["create", "read", "update", "delete"];
  add(["update"], "auth/token/create");
  for (const { name } of layer.policies) add(crud, `sys/policies/acl/${name}`);
  for (const mount of layer.mounts) {
    add(crud, `sys/mounts/${mount.path}`);
    add(["read", "update"], `sys/mounts/${mount.path}/tune`);
    if (mount.version === 2 && mount.maxVersions !== undefined) add(crud, `${mount.path}/config`);
  }
  const authMount = (path: string) => {
    add(["create", "update", "delete", "sudo"], `sys/auth/${path}`);
    add(["read"], `sys/mounts/auth/${path}`);
  };
  const { approle, kubernetes } = layer.authPaths;
  if (approle !== undefined) {
    authMount(approle);
    for (const { name } of layer.bindings.approle) {
      add(crud, `auth/${approle}/role/${name}`);
      add(["read"], `auth/${approle}/role/${name}/role-id`);
      add(["update"], `auth/${approle}/role/${name}/secret-id`);
      add(["update"], `auth/${approle}/role/${name}/secret-id-accessor/lookup`);
      add(["update"], `auth/${approle}/role/${name}/secret-id-accessor/destroy`);
    }
  }
  if (kubernetes !== undefined) {
    authMount(kubernetes);
    add(crud, `auth/${kubernetes}/config`);
    for (const { name } of layer.bindings.kubernetes) add(crud, `auth/${kubernetes}/role/${name}`);
  }
  for (const { name } of layer.bindings.token) {
    add(crud, `auth/token/roles/${name}`);
    add(["update"], `auth/token/create/${name}`);
  }
  if (layer.bindings.token.length > 0) {
    add(["update"], "auth/token/lookup-accessor");
    add(["update"], "auth/token/revoke-accessor");
  }
  if (layer.audit.enabled) {
    add(["read", "sudo"], "sys/audit");
    add(["create", "update", "delete", "sudo"], "sys/audit/file");
  }
  return needs;
}

export interface ProvisionerCoverage {
  required: AccessStatement[];
  /** Required statements the provisioner policy does not allow. */
  missing: AccessStatement[];
  /** Capabilities the provisioner policy grants that no requirement uses ("source:line capability path"). */
  beyond: string[];
}

export function provisionerCoverage(layer: VaultLayerModel, provisioner: Policy): ProvisionerCoverage {
  const required = provisionerRequirements(layer);
  const acl = new Acl([provisioner, DEFAULT]);
  const missing = required.filter((statement) => !acl.allows(statement.capability, statement.path));
  const capabilitiesByPath = new Map<string, Set<Capability>>();
  for (const { capability, path } of required) capabilitiesByPath.set(path, (capabilitiesByPath.get(path) ?? new Set()).add(capability));
  const requiredPaths = new PathIndex(capabilitiesByPath);
  const beyond: string[] = [];
  for (const rule of provisioner.rules.filter(grants)) {
    const single = ruleAcl(rule);
    const reached = [...requiredPaths.startingWith(staticPrefix(rule))];
    for (const capability of rule.capabilities) {
      const used = reached.some(([path, capabilities]) => capabilities.has(capability) && single.allows(capability, path));
      if (!used) beyond.push(`${provisioner.source}:${rule.line} ${capability} ${rule.written}`);
    }
  }
  return { required, missing, beyond };
}
