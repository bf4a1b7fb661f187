/**
 * What a consumer's Kubernetes delivery (`consumers[].kubernetes.delivery`) reads from Vault, and the
 * rules its declaration must follow. The manifests (components/vault/delivery.ts) and the access check
 * (access/delivery.ts) both read `deliveredRequests`: one description of the paths a delivery uses.
 */
import type { EnginesConfig } from "./engines";
import { databaseCredsPath, pkiSignPath } from "./grants";
import type { ConsumerConfig, MountConfig } from "./vaultLayer";

export type DeliveryConfig = NonNullable<NonNullable<ConsumerConfig["kubernetes"]>["delivery"]>;
export type DeliveredSecret = DeliveryConfig["secrets"][number];

/** What the manifests need of the layer: the KV mounts (their versions) and the engines (their paths). */
export interface DeliveryDeclarations {
  mounts: MountConfig[];
  engines: EnginesConfig;
}

/** One request a delivery makes with the consumer's token. */
export interface DeliveredRequest {
  /** The declaration it comes from, under the consumer: `kubernetes.delivery.secrets[0] (config)`, `grants.database[0] (app)`. */
  key: string;
  /** The API path (no /v1/). */
  path: string;
  capability: "read" | "update";
}

/** The API path of a KV secret: KV v2 reads `<mount>/data/<path>`, KV v1 `<mount>/<path>`. */
export function kvApiPath(mount: MountConfig, secretPath: string): string {
  return mount.version === 2 ? `${mount.path}/data/${secretPath}` : `${mount.path}/${secretPath}`;
}

/** The name a database grant's credentials get in the pod (a file for CSI, a Kubernetes Secret for VSO). */
export const databaseObjectName = (role: string) => `database-${role}`;

/** The consumer's delivery, when it has one. */
export function deliveryOf(consumer: ConsumerConfig): DeliveryConfig | undefined {
  return consumer.kubernetes?.delivery;
}

/** Whether the delivery's `via` also hands over the consumer's database credentials (the injector only renders the declared secrets). */
export function deliversDatabaseCredentials(delivery: DeliveryConfig): boolean {
  return delivery.via !== "injector";
}

/**
 * Every request the consumer's delivery makes: a read of each declared KV secret, a read of
 * `<database>/creds/<role>` per database grant (CSI and VSO), and the Issuer's `<pki_int>/sign/<role>`
 * (certificates). Secrets on undeclared mounts are left out: `deliveryProblems` names them.
 */
export function deliveredRequests(consumer: ConsumerConfig, declarations: DeliveryDeclarations): DeliveredRequest[] {
  const delivery = deliveryOf(consumer);
  if (delivery === undefined) return [];
  const requests: DeliveredRequest[] = [];
  delivery.secrets.forEach((secret, index) => {
    const mount = declarations.mounts.find((candidate) => candidate.path === secret.mount);
    if (mount) requests.push({ key: `kubernetes.delivery.secrets[${index}] (${secret.name})`, path: kvApiPath(mount, secret.path), capability: "read" });
  });
  const { database, pki } = declarations.engines;
  if (database && deliversDatabaseCredentials(delivery)) {
    consumer.grants.database.forEach((role, index) => requests.push({ key: `grants.database[${index}] (${role})`, path: databaseCredsPath(database, role), capability: "read" }));
  }
  if (delivery.certificates && pki && consumer.grants.pki.length === 1) {
    requests.push({ key: "kubernetes.delivery.certificates", path: pkiSignPath(pki, consumer.grants.pki[0]), capability: "update" });
  }
  return requests;
}

/** The delivery's declaration problems, each naming its key (under `where`, the consumer's key) and the fix. */
export function deliveryProblems(consumer: ConsumerConfig, where: string, declarations: DeliveryDeclarations): string[] {
  const delivery = deliveryOf(consumer);
  if (delivery === undefined) return [];
  const key = `${where}.kubernetes.delivery`;
  const problems: string[] = [];
  const kvMounts = declarations.mounts.map((mount) => mount.path);
  const names = new Set<string>(deliversDatabaseCredentials(delivery) ? consumer.grants.database.map(databaseObjectName) : []);
  delivery.secrets.forEach((secret, index) => {
    if (!kvMounts.includes(secret.mount)) {
      problems.push(`${key}.secrets[${index}].mount "${secret.mount}" is not a declared KV mount${kvMounts.length > 0 ? ` (declared: ${kvMounts.join(", ")})` : ""}; add it to vault-platform:mounts or name a declared one`);
    }
    if (names.has(secret.name)) {
      problems.push(`${key}.secrets[${index}].name "${secret.name}" is taken by another delivered secret${secret.name.startsWith("database-") ? " or a database grant's credentials" : ""}; each needs its own name (it names a file or a Kubernetes Secret)`);
    }
    names.add(secret.name);
    if (secret.key !== undefined && delivery.via !== "csi") {
      problems.push(`${key}.secrets[${index}].key only applies to via: csi (the ${delivery.via === "vso" ? "Vault Secrets Operator copies every key into the Secret" : "injector renders the whole secret"}); remove it`);
    }
  });
  if (delivery.via === "csi" && names.size === 0) {
    problems.push(`${key}.secrets must name at least one secret for via: csi (or grant a database role): the CSI provider refuses a SecretProviderClass with no objects`);
  }
  if (delivery.certificates) {
    if (declarations.engines.pki === undefined) {
      problems.push(`${key}.certificates needs vault-platform:engines.pki (the Issuer signs with its intermediate); declare it or set certificates: false`);
    } else if (consumer.grants.pki.length !== 1) {
      problems.push(`${key}.certificates needs exactly one grants.pki role (has ${consumer.grants.pki.length}): the Issuer signs every certificate with that role`);
    }
  }
  return problems;
}
