/**
 * What a grant opens: the one description of the paths a consumer uses on a database role, an AWS role,
 * a PKI role or a transit key. Each consumer with grants gets a generated policy of these rules, uploaded
 * and attached next to its own; the access checks, the lints and the provisioner's pins all read it.
 */
import { ruleText, WrittenRule } from "../acl";
import type { DatabaseConfig, EnginesConfig, Grantable, PkiConfig } from "./engines";
import type { ConsumerConfig } from "./vaultLayer";

/** Where a database role's credentials are read. */
export const databaseCredsPath = (database: DatabaseConfig, role: string) => `${database.path}/creds/${role}`;

/** Where a CSR is signed with a PKI role (the intermediate signs every leaf). */
export const pkiSignPath = (pki: PkiConfig, role: string) => `${pki.intermediatePath}/sign/${role}`;

/** The generated grant policy's name for a consumer. */
export const grantPolicyName = (consumer: string) => `grants-${consumer}`;

/** The rules a consumer's grants open, engine by engine, in declaration order. */
export function grantRules(grants: ConsumerConfig["grants"], engines: EnginesConfig): WrittenRule[] {
  const rules: WrittenRule[] = [];
  const { database, aws, pki, transit } = engines;
  for (const role of grants.database) rules.push({ path: databaseCredsPath(database!, role), capabilities: ["read"] });
  for (const name of grants.aws) {
    const role = aws!.roles.find((candidate) => candidate.name === name)!;
    rules.push({ path: `${aws!.path}/creds/${name}`, capabilities: ["read"] });
    // STS credentials of an assumed role may also be asked for with a TTL (a write).
    if (role.credentialType === "assumed_role") rules.push({ path: `${aws!.path}/sts/${name}`, capabilities: ["update"] });
  }
  for (const role of grants.pki) {
    rules.push({ path: `${pki!.intermediatePath}/issue/${role}`, capabilities: ["update"] });
    // cert-manager's Vault issuer sends a CSR: the key stays in the pod.
    rules.push({ path: pkiSignPath(pki!, role), capabilities: ["update"] });
  }
  for (const key of grants.transit) {
    for (const operation of ["encrypt", "decrypt", "rewrap"]) rules.push({ path: `${transit!.path}/${operation}/${key}`, capabilities: ["update"] });
  }
  return rules;
}

/** The generated policy text of a consumer's grants, or undefined when it has none. */
export function grantPolicyText(consumer: ConsumerConfig, where: string, engines: EnginesConfig): string | undefined {
  const rules = grantRules(consumer.grants, engines);
  if (rules.length === 0) return undefined;
  return [`# Generated from ${where}.grants by vault-platform; do not edit.`, ...rules.map(ruleText), ""].join("\n");
}

/** Grants naming something the engines do not declare: one problem each, naming the key. */
export function undeclaredGrants(consumer: ConsumerConfig, where: string, engines: EnginesConfig, declared: (engine: Grantable) => string[]): string[] {
  return (Object.keys(consumer.grants) as Grantable[]).flatMap((engine) => {
    const names = declared(engine);
    return consumer.grants[engine].flatMap((name, index) => (names.includes(name) ? [] : [
      `${where}.grants.${engine}[${index}] "${name}" is not declared in vault-platform:engines.${engine}${names.length > 0 ? ` (declared: ${names.join(", ")})` : engines[engine] ? "" : " (that engine is not enabled)"}; declare it or remove the grant`,
    ]));
  });
}
