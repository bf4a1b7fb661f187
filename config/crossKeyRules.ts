/** Rules that span several keys, checked once every key is valid on its own. */
import type { PlatformConfig } from ".";
import { consumerKey, failOnProblems, PROJECT } from "./messages";

export function checkCrossKeyRules(config: PlatformConfig): void {
  const problems: string[] = [];
  const { vault, cluster, consumers, mounts, kubernetes, region } = config;
  const zones = cluster.enabled ? cluster.availabilityZones : [];
  zones.forEach((zone, index) => {
    if (!zone.startsWith(region)) {
      problems.push(`${PROJECT}:cluster.availabilityZones[${index}] "${zone}" is not in aws:region ${region}; use zones such as ${region}a`);
    }
  });
  if (vault.configure && config.vaultToken === undefined) {
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
  repeated(mounts.map((mount) => mount.path)).forEach((path) => problems.push(`${PROJECT}:mounts declares path "${path}" twice; each mount path must be unique`));
  for (const inner of mounts) {
    const outer = mounts.find((candidate) => inner.path.startsWith(`${candidate.path}/`));
    if (outer) {
      problems.push(`${PROJECT}:mounts declares "${inner.path}" inside mount "${outer.path}"; Vault refuses a mount in another ("path is already in use at ${outer.path}/"): use a sibling path such as ${inner.path.replace(/\//g, "-")}`);
    }
  }
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
    if (consumer.client && !mountPaths.has(consumer.client.mount)) {
      problems.push(`${consumerKey(index, consumer.name)}.client.mount "${consumer.client.mount}" is not a declared mount; add it to ${PROJECT}:mounts`);
    }
  });
  failOnProblems(problems);
}

function repeated(values: string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}
