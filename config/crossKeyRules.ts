/** Rules that span several keys, checked once every key is valid on its own. */
import type { PlatformConfig } from ".";
import { deliveryProblems } from "./delivery";
import { engineMounts, KEY_BITS } from "./engines";
import { consumerKey, failOnProblems, PROJECT } from "./messages";
import { parseVaultDuration } from "../lib/vaultDuration";

export function checkCrossKeyRules(config: PlatformConfig): void {
  const problems: string[] = [];
  const { vault, cluster, consumers, mounts, kubernetes, region } = config;
  const zones = cluster.enabled ? cluster.availabilityZones : [];
  zones.forEach((zone, index) => {
    if (!zone.startsWith(region)) {
      problems.push(`${PROJECT}:cluster.availabilityZones[${index}] "${zone}" is not in aws:region ${region}; use zones such as ${region}a`);
    }
  });
  if (vault.configure && config.vaultToken === undefined && vault.login === undefined) {
    problems.push(
      `${PROJECT}:vaultToken is required when ${PROJECT}:vault.configure is true: set it with ` +
        "`pulumi config set --secret vault-platform:vaultToken <provisioning token>` or export VAULT_TOKEN " +
        "(the Vault layer is never skipped silently: a skipped layer would be deleted by `pulumi up`)",
    );
  }
  if (vault.configure && !cluster.enabled && vault.address === undefined) {
    problems.push(`${PROJECT}:vault.address is required when cluster.enabled is false: the https:// URL of the existing Vault`);
  }
  if (cluster.enabled && config.audit.path === "stdout") {
    problems.push(`${PROJECT}:audit.path "stdout" is for a Vault whose output you keep yourself (the local stack); the cluster's nodes need a file such as /var/log/vault/audit.log, which they rotate`);
  }
  const allMounts = [...mounts.map((mount) => ({ path: mount.path, key: "mounts" })), ...engineMounts(config.engines)];
  for (const path of repeated(allMounts.map((mount) => mount.path))) {
    const keys = [...new Set(allMounts.filter((mount) => mount.path === path).map((mount) => `${PROJECT}:${mount.key}`))];
    problems.push(`${keys.join(" and ")} declare${keys.length === 1 ? "s" : ""} path "${path}" twice; each mount path must be unique`);
  }
  for (const inner of allMounts) {
    const outer = allMounts.find((candidate) => inner.path.startsWith(`${candidate.path}/`));
    if (outer) {
      problems.push(`${PROJECT}:${inner.key} declares "${inner.path}" inside mount "${outer.path}"; Vault refuses a mount in another ("path is already in use at ${outer.path}/"): use a sibling path such as ${inner.path.replace(/\//g, "-")}`);
    }
  }
  problems.push(...secretReferenceProblems(config), ...keyBitsProblems(config), ...pkiLifetimeProblems(config));
  repeated(consumers.map((consumer) => consumer.name)).forEach((name) => problems.push(`${PROJECT}:consumers declares name "${name}" twice; consumer names must be unique`));
  const mountPaths = new Set(mounts.map((mount) => mount.path));
  const consumerNames = new Set(consumers.map((consumer) => consumer.name));
  consumers.forEach((consumer, index) => {
    consumer.shares.forEach((owner, position) => {
      if (owner === consumer.name || !consumerNames.has(owner)) {
        problems.push(`${consumerKey(index, consumer.name)}.shares[${position}] "${owner}" ${owner === consumer.name ? "is the consumer itself" : "is not a declared consumer"}; name another consumer whose paths this one reads`);
      }
    });
    if (consumer.kubernetes && !kubernetes.enabled) {
      problems.push(`${consumerKey(index, consumer.name)}.kubernetes needs ${PROJECT}:kubernetes.enabled true with its host`);
    }
    problems.push(...deliveryProblems(consumer, consumerKey(index, consumer.name), config));
    if (consumer.client && !mountPaths.has(consumer.client.mount)) {
      problems.push(`${consumerKey(index, consumer.name)}.client.mount "${consumer.client.mount}" is not a declared mount; add it to ${PROJECT}:mounts`);
    }
  });
  failOnProblems(problems);
}

/** Every config value that names an entry of vault-platform:secrets, with its key. */
function secretReferences({ vault, engines, auth }: PlatformConfig): Array<{ key: string; name: string }> {
  return [
    ...(vault.login ? [{ key: "vault.login.passwordSecret", name: vault.login.passwordSecret }] : []),
    ...(auth.ldap ? [{ key: "auth.ldap.bindPasswordSecret", name: auth.ldap.bindPasswordSecret }] : []),
    ...(auth.oidc ? [{ key: "auth.oidc.clientSecretSecret", name: auth.oidc.clientSecretSecret }] : []),
    ...(engines.database?.connections ?? []).map((connection, index) => ({ key: `engines.database.connections[${index}].passwordSecret`, name: connection.passwordSecret })),
    ...(engines.aws?.accessKey ? [{ key: "engines.aws.accessKey.secretKeySecret", name: engines.aws.accessKey.secretKeySecret }] : []),
    ...(engines.pki && "importedBundleSecret" in engines.pki.root ? [{ key: "engines.pki.root.importedBundleSecret", name: engines.pki.root.importedBundleSecret }] : []),
  ];
}

function secretReferenceProblems(config: PlatformConfig): string[] {
  const known = Object.keys(config.vaultLayer.secrets);
  return secretReferences(config).filter(({ name }) => !known.includes(name)).map(({ key, name }) =>
    `${PROJECT}:${key} names "${name}", which ${PROJECT}:secrets does not hold; set it with \`pulumi config set --secret --path '${PROJECT}:secrets.${name}' <value>\``);
}

/** Key sizes that go with the key type (Vault refuses the others when the role or CA is written). */
function keyBitsProblems({ engines }: PlatformConfig): string[] {
  const pki = engines.pki;
  if (pki === undefined) return [];
  const keyed = [
    ...("commonName" in pki.root ? [{ key: "engines.pki.root", ...pki.root }] : []),
    { key: "engines.pki.intermediate", ...pki.intermediate },
    ...pki.roles.map((role, index) => ({ key: `engines.pki.roles[${index}]`, ...role })),
  ];
  return keyed.filter(({ keyType, keyBits }) => keyBits !== undefined && !KEY_BITS[keyType].includes(keyBits)).map(({ key, keyType, keyBits }) =>
    `${PROJECT}:${key}.keyBits ${keyBits} does not go with keyType ${keyType}; use one of ${KEY_BITS[keyType].join(", ")}`);
}

/**
 * A CA cannot sign past its own expiry (Vault 1.21.1 refuses a leaf whose notAfter would pass its
 * issuer's, leaf_not_after_behavior "err"), and role names are path segments: one role per name.
 */
function pkiLifetimeProblems({ engines }: PlatformConfig): string[] {
  const pki = engines.pki;
  if (pki === undefined) return [];
  const intermediate = parseVaultDuration(pki.intermediate.ttl)!;
  return [
    ...("commonName" in pki.root && parseVaultDuration(pki.root.ttl)! < intermediate
      ? [`${PROJECT}:engines.pki.intermediate.ttl ${pki.intermediate.ttl} outlives root.ttl ${pki.root.ttl}; the root cannot sign past its own expiry: shorten the intermediate or lengthen the root`]
      : []),
    ...pki.roles.flatMap((role, index) => (parseVaultDuration(role.maxTtl)! > intermediate
      ? [`${PROJECT}:engines.pki.roles[${index}].maxTtl ${role.maxTtl} outlives intermediate.ttl ${pki.intermediate.ttl}; Vault refuses leaves past their issuer's expiry: lower maxTtl`]
      : [])),
    ...pki.roles.flatMap((role, index) => (parseVaultDuration(role.ttl)! > parseVaultDuration(role.maxTtl)!
      ? [`${PROJECT}:engines.pki.roles[${index}].ttl ${role.ttl} is longer than its maxTtl ${role.maxTtl}; Vault would cap it: lower ttl or raise maxTtl`]
      : [])),
    ...repeated(pki.roles.map((role) => role.name)).map((name) => `${PROJECT}:engines.pki.roles declares name "${name}" twice; role names must be unique`),
  ];
}

function repeated(values: string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}
