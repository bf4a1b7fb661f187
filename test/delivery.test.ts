import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { verifyAccess } from "../access";
import { KUBERNETES_TYPES, PROVIDER_TYPES, VAULT_TYPES } from "../components/resourceTypes";
import {
  consumerDelivery, CSI_PROVIDER_CA_FILE, injectorDeliveryAnnotations, secretProviderClass, STATIC_SECRET_REFRESH, vaultIssuer, vaultSecretsOperatorManifests,
} from "../components/vault/delivery";
import type { ConsumerConfig, VaultLayerModel } from "../config";
import { deliveredRequests } from "../config/delivery";
import { ProgramRun, runProgram } from "../offline/runtime";
import { checkInvalidCases } from "./config.test";
import { devWithVault, encodeConfig, layerWith } from "./fixtures";
import { Config, consumer, InvalidCase } from "./invalidConfigs";
import { ofType } from "./programRun";

const DELIVERY_TYPES: string[] = [
  KUBERNETES_TYPES.secretProviderClass, KUBERNETES_TYPES.vaultConnection, KUBERNETES_TYPES.vaultAuth,
  KUBERNETES_TYPES.vaultStaticSecret, KUBERNETES_TYPES.vaultDynamicSecret, KUBERNETES_TYPES.certManagerIssuer,
];
const VAULT = { address: "https://vault.example.internal:8200", caBundle: "Y2EtcGVt" };
const DATABASE_ROLE = "app";
const PKI_ROLE = "svc";

/** A database connection with one role and a PKI engine with one role, for consumers to be granted. */
function withEngines(config: Config): void {
  config["vault-platform:engines"] = {
    database: {
      connections: [{
        name: "main", plugin: "postgresql", connectionUrl: "postgresql://{{username}}:{{password}}@db.internal:5432/app", username: "vault", passwordSecret: "db-root",
        roles: [{ name: DATABASE_ROLE, creationStatements: ["CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';"] }],
      }],
    },
    pki: { root: { commonName: "Example Root" }, intermediate: { commonName: "Example Intermediate" }, roles: [{ name: PKI_ROLE, allowedDomains: ["svc.cluster.local"] }] },
  };
  config["vault-platform:secrets"] = { "db-root": "first-root-password" };
}

/** my-app delivers its KV v2 config (and, for some cases, a KV v1 value it is given a policy for). */
const MY_APP_SECRETS = [{ name: "config", mount: "secret", path: "my-app/config", key: "database" }, { name: "legacy", mount: "kv", path: "my-app/legacy" }];
/** my-app's policy plus a read of its KV v1 path, so that every delivered path is readable. */
const MY_APP_WITH_LEGACY = 'path "secret/data/my-app/*" {\n  capabilities = ["read"]\n}\n\npath "kv/my-app/*" {\n  capabilities = ["read"]\n}\n';

/** The dev layer with my-app delivering through `via`, granted the database and PKI roles. */
function deliveringLayer(via: string, fields: Record<string, unknown> = {}, secrets: unknown[] = MY_APP_SECRETS): { layer: VaultLayerModel; myApp: ConsumerConfig } {
  const layer = layerWith((config) => {
    withEngines(config);
    const myApp = consumer(config, "my-app");
    myApp.policy = "my-app-legacy";
    myApp.grants = { database: [DATABASE_ROLE], pki: [PKI_ROLE] };
    myApp.kubernetes.delivery = { via, secrets: secrets.map((secret) => ({ ...(secret as object) })), ...fields };
  }, { "my-app-legacy": MY_APP_WITH_LEGACY });
  return { layer, myApp: layer.bindings.kubernetes.find((candidate) => candidate.name === "my-app")! };
}

describe("delivery: the manifests generated from a consumer", () => {
  it("csi: a SecretProviderClass as the Vault CSI provider parses it (role, auth mount, audience, CA path, objects as YAML)", () => {
    const { layer, myApp } = deliveringLayer("csi");
    const spc = secretProviderClass(myApp, layer, VAULT);
    const { objects, ...parameters } = spc.spec.parameters as Record<string, string>;
    assert.deepEqual({ ...spc, spec: { ...spc.spec, parameters } }, {
      apiVersion: "secrets-store.csi.x-k8s.io/v1",
      kind: "SecretProviderClass",
      metadata: { name: "my-app", namespace: "default" },
      spec: {
        provider: "vault",
        parameters: {
          vaultAddress: VAULT.address, roleName: "my-app", vaultKubernetesMountPath: "kubernetes", audience: "vault", vaultCACertPath: CSI_PROVIDER_CA_FILE,
        },
      },
    });
    assert.equal(typeof objects, "string", "the provider reads objects as a YAML string");
    assert.deepEqual(yaml.load(objects), [
      { objectName: "config", secretPath: "secret/data/my-app/config", secretKey: "database" },
      { objectName: "legacy", secretPath: "kv/my-app/legacy" },
      { objectName: "database-app", secretPath: "database/creds/app" },
    ]);
  });

  it("csi: no CA path for a publicly trusted Vault, and the consumer's own audience", () => {
    const { layer, myApp } = deliveringLayer("csi");
    const custom = { ...myApp, kubernetes: { ...myApp.kubernetes!, audience: "https://vault.example.internal" } };
    const parameters = secretProviderClass(custom, layer, { address: VAULT.address }).spec.parameters as Record<string, string>;
    assert.equal(parameters.vaultCACertPath, undefined);
    assert.equal(parameters.audience, "https://vault.example.internal");
  });

  it("vso: its own VaultConnection, a VaultAuth for the role, a VaultStaticSecret per KV secret (type from the mount) and a VaultDynamicSecret per database grant", () => {
    const { layer, myApp } = deliveringLayer("vso", {}, MY_APP_SECRETS.map(({ key: _key, ...secret }) => secret));
    const api = "secrets.hashicorp.com/v1beta1";
    const metadata = (name: string) => ({ name, namespace: "default" });
    assert.deepEqual(vaultSecretsOperatorManifests(myApp, layer, VAULT), [
      { apiVersion: api, kind: "VaultConnection", metadata: metadata("my-app"), spec: { address: VAULT.address, caCertSecretRef: "vault-ca" } },
      {
        apiVersion: api, kind: "VaultAuth", metadata: metadata("my-app"),
        spec: { vaultConnectionRef: "my-app", method: "kubernetes", mount: "kubernetes", kubernetes: { role: "my-app", serviceAccount: "my-app-account", audiences: ["vault"] } },
      },
      {
        apiVersion: api, kind: "VaultStaticSecret", metadata: metadata("my-app-config"),
        spec: { vaultAuthRef: "my-app", mount: "secret", path: "my-app/config", type: "kv-v2", refreshAfter: STATIC_SECRET_REFRESH, destination: { name: "config", create: true } },
      },
      {
        apiVersion: api, kind: "VaultStaticSecret", metadata: metadata("my-app-legacy"),
        spec: { vaultAuthRef: "my-app", mount: "kv", path: "my-app/legacy", type: "kv-v1", refreshAfter: STATIC_SECRET_REFRESH, destination: { name: "legacy", create: true } },
      },
      {
        apiVersion: api, kind: "VaultDynamicSecret", metadata: metadata("my-app-database-app"),
        spec: { vaultAuthRef: "my-app", mount: "database", path: "creds/app", destination: { name: "database-app", create: true } },
      },
    ]);
    assert.deepEqual(vaultSecretsOperatorManifests(myApp, layer, { address: VAULT.address })[0].spec, { address: VAULT.address }, "no CA Secret for a publicly trusted Vault");
  });

  it("certificates: a cert-manager Issuer of kind Vault signing with the consumer's PKI role, logging in as its role and service account", () => {
    const { layer, myApp } = deliveringLayer("csi", { certificates: true });
    assert.deepEqual(vaultIssuer(myApp, layer, VAULT), {
      apiVersion: "cert-manager.io/v1",
      kind: "Issuer",
      metadata: { name: "my-app", namespace: "default" },
      spec: {
        vault: {
          server: VAULT.address,
          path: "pki_int/sign/svc",
          caBundle: VAULT.caBundle,
          auth: { kubernetes: { role: "my-app", mountPath: "/v1/auth/kubernetes", serviceAccountRef: { name: "my-app-account", audiences: ["vault"] } } },
        },
      },
    });
  });

  it("injector: today's annotations plus one agent-inject-secret per declared secret, at its API path; certificates add the Issuer", () => {
    const { layer, myApp } = deliveringLayer("injector", { certificates: true }, MY_APP_SECRETS.map(({ key: _key, ...secret }) => secret));
    assert.deepEqual(injectorDeliveryAnnotations(myApp, layer, true), {
      "vault.hashicorp.com/agent-inject": "true",
      "vault.hashicorp.com/role": "my-app",
      "vault.hashicorp.com/auth-path": "auth/kubernetes",
      "vault.hashicorp.com/agent-service-account-token-volume-name": "vault-token",
      "vault.hashicorp.com/tls-secret": "vault-ca",
      "vault.hashicorp.com/ca-cert": "/vault/tls/ca.crt",
      "vault.hashicorp.com/agent-inject-secret-config": "secret/data/my-app/config",
      "vault.hashicorp.com/agent-inject-secret-legacy": "kv/my-app/legacy",
    });
    const delivery = consumerDelivery(myApp, layer, VAULT);
    assert.deepEqual(delivery.manifests.map((object) => object.kind), ["Issuer"]);
    assert.equal(delivery.annotations!["vault.hashicorp.com/agent-inject-secret-config"], "secret/data/my-app/config");
  });

  it("names every request each via makes: the injector renders only the declared secrets, CSI and VSO also the database credentials, certificates the sign path", () => {
    const requests = (via: string) => {
      const { layer, myApp } = deliveringLayer(via, { certificates: true }, MY_APP_SECRETS.map(({ key: _key, ...secret }) => secret));
      return deliveredRequests(myApp, layer).map((request) => `${request.capability} ${request.path}`);
    };
    const kv = ["read secret/data/my-app/config", "read kv/my-app/legacy"];
    assert.deepEqual(requests("injector"), [...kv, "update pki_int/sign/svc"]);
    for (const via of ["csi", "vso"]) assert.deepEqual(requests(via), [...kv, "read database/creds/app", "update pki_int/sign/svc"], via);
  });
});

/** my-app with a delivery (the dev stack has no engines unless a case adds them). */
const delivering = (c: Config, delivery: Record<string, unknown>) => { consumer(c, "my-app").kubernetes.delivery = delivery; };
const DELIVERY_CASES: InvalidCase[] = [
  {
    title: "a delivered secret on an undeclared mount",
    mutate: (c) => delivering(c, { via: "csi", secrets: [{ name: "config", mount: "kv2", path: "my-app/config" }] }),
    message: /^vault-platform:consumers\[2\] \(my-app\)\.kubernetes\.delivery\.secrets\[0\]\.mount "kv2" is not a declared KV mount \(declared: kv, secret\); add it to vault-platform:mounts or name a declared one$/,
  },
  {
    title: "two delivered secrets with one name",
    mutate: (c) => delivering(c, { via: "vso", secrets: [{ name: "config", mount: "secret", path: "my-app/a" }, { name: "config", mount: "secret", path: "my-app/b" }] }),
    message: /^vault-platform:consumers\[2\] \(my-app\)\.kubernetes\.delivery\.secrets\[1\]\.name "config" is taken by another delivered secret; each needs its own name/,
  },
  {
    title: "a secret named like a database grant's credentials",
    mutate: (c) => { withEngines(c); consumer(c, "my-app").grants = { database: [DATABASE_ROLE] }; delivering(c, { via: "csi", secrets: [{ name: "database-app", mount: "secret", path: "my-app/a" }] }); },
    message: /^vault-platform:consumers\[2\] \(my-app\)\.kubernetes\.delivery\.secrets\[0\]\.name "database-app" is taken by another delivered secret or a database grant's credentials/,
  },
  {
    title: "a secret key with the operator",
    mutate: (c) => delivering(c, { via: "vso", secrets: [{ name: "config", mount: "secret", path: "my-app/config", key: "database" }] }),
    message: /^vault-platform:consumers\[2\] \(my-app\)\.kubernetes\.delivery\.secrets\[0\]\.key only applies to via: csi \(the Vault Secrets Operator copies every key into the Secret\); remove it$/,
  },
  {
    title: "a CSI delivery of nothing",
    mutate: (c) => delivering(c, { via: "csi" }),
    message: /^vault-platform:consumers\[2\] \(my-app\)\.kubernetes\.delivery\.secrets must name at least one secret for via: csi \(or grant a database role\): the CSI provider refuses a SecretProviderClass with no objects$/,
  },
  {
    title: "certificates without a PKI engine",
    mutate: (c) => { delete c["vault-platform:engines"]; delivering(c, { via: "injector", certificates: true }); },
    message: /^vault-platform:consumers\[2\] \(my-app\)\.kubernetes\.delivery\.certificates needs vault-platform:engines\.pki \(the Issuer signs with its intermediate\); declare it or set certificates: false$/,
  },
  {
    title: "certificates without a PKI grant",
    mutate: (c) => { withEngines(c); delivering(c, { via: "injector", certificates: true }); },
    message: /^vault-platform:consumers\[2\] \(my-app\)\.kubernetes\.delivery\.certificates needs exactly one grants\.pki role \(has 0\): the Issuer signs every certificate with that role$/,
  },
  {
    title: "certificates with two PKI grants",
    mutate: (c) => {
      withEngines(c);
      c["vault-platform:engines"].pki.roles.push({ name: "edge", allowedDomains: ["example.internal"] });
      consumer(c, "my-app").grants = { pki: [PKI_ROLE, "edge"] };
      delivering(c, { via: "injector", certificates: true });
    },
    message: /^vault-platform:consumers\[2\] \(my-app\)\.kubernetes\.delivery\.certificates needs exactly one grants\.pki role \(has 2\)/,
  },
  {
    title: "an unknown delivery method",
    mutate: (c) => delivering(c, { via: "sidecar" }),
    message: /^vault-platform:consumers\[2\] \(my-app\)\.kubernetes\.delivery\.via must be "injector", "csi" or "vso" \(got "sidecar"\)$/,
  },
];

describe("delivery: invalid declarations", () => checkInvalidCases(DELIVERY_CASES, devWithVault));

describe("delivery: the access model", () => {
  const secretsAt = (path: string) => layerWith((config) => {
    consumer(config, "my-app").kubernetes.delivery = { via: "vso", secrets: [{ name: "config", mount: "secret", path }] };
  });

  it("accepts a delivered path the consumer's policy allows", () => {
    assert.deepEqual(verifyAccess(secretsAt("my-app/config")).problems, []);
  });

  it("refuses a delivered path outside the consumer's policy, naming the key, the path and the policy file", () => {
    assert.deepEqual(verifyAccess(secretsAt("other/config")).problems, [
      "my-app: kubernetes.delivery.secrets[0] (config) needs read on secret/data/other/config, which its policies do not allow; grant it in policies/my-app.hcl or deliver a path the consumer may read",
    ]);
  });

  it("stops the program before any resource", async () => {
    const config = devWithVault();
    delivering(config, { via: "vso", secrets: [{ name: "config", mount: "secret", path: "other/config" }] });
    await assert.rejects(runProgram(encodeConfig(config)), /Access check failed \(1\)[^]*secret\/data\/other\/config/);
  });
});

describe("delivery: registered through the Kubernetes provider, and printed", () => {
  /** The dev stack (it manages Kubernetes) with my-app delivering its config through `via`. */
  const run = (via: string, mutate: (config: Config) => void = () => undefined): Promise<ProgramRun> => {
    const config = devWithVault();
    delivering(config, { via, secrets: [{ name: "config", mount: "secret", path: "my-app/config" }] });
    mutate(config);
    return runProgram(encodeConfig(config));
  };

  it("vso: each object a CustomResource of its type token, on the explicit provider, under the delivery component, after the Kubernetes bindings", async () => {
    const vso = await run("vso");
    const custom = vso.registrations.filter((registration) => registration.type.startsWith("kubernetes:secrets.hashicorp.com/"));
    assert.deepEqual(custom.map((registration) => registration.type), [KUBERNETES_TYPES.vaultConnection, KUBERNETES_TYPES.vaultAuth, KUBERNETES_TYPES.vaultStaticSecret]);
    // dependsOn the bindings component: the engine waits for its children, the role and the service account among them.
    const role = ofType(vso, VAULT_TYPES.kubernetesRole)[0];
    const serviceAccount = ofType(vso, KUBERNETES_TYPES.serviceAccount).find((account) => account.inputs.metadata.name === "my-app-account")!;
    for (const registration of custom) {
      assert.ok(registration.provider.includes(`${PROVIDER_TYPES.kubernetes}::kubernetes::`), `${registration.name} is not on the explicit Kubernetes provider`);
      assert.match(registration.parent, /vault-platform:vault:KubernetesDelivery::vault-config-delivery$/);
      for (const child of [role, serviceAccount]) assert.ok(registration.dependencies.includes(child.urn), `${registration.name} does not wait for ${child.name}`);
    }
    const staticSecret = custom[2].inputs;
    assert.deepEqual({ apiVersion: staticSecret.apiVersion, kind: staticSecret.kind, metadata: staticSecret.metadata, spec: staticSecret.spec }, {
      apiVersion: "secrets.hashicorp.com/v1beta1", kind: "VaultStaticSecret", metadata: { name: "my-app-config", namespace: "default" },
      spec: { vaultAuthRef: "my-app", mount: "secret", path: "my-app/config", type: "kv-v2", refreshAfter: STATIC_SECRET_REFRESH, destination: { name: "config", create: true } },
    });
    assert.equal(vso.resolved.delivery["my-app"].manifests.length, 3);
  });

  it("csi: the SecretProviderClass registered, with the cluster's address; the printed manifests equal the registered ones", async () => {
    const csi = await run("csi");
    const registered = ofType(csi, KUBERNETES_TYPES.secretProviderClass);
    assert.equal(registered.length, 1);
    const printed = csi.resolved.delivery["my-app"];
    assert.equal(printed.via, "csi");
    assert.deepEqual(registered[0].inputs.spec, printed.manifests[0].spec);
    assert.equal(printed.manifests[0].spec.parameters.vaultAddress, csi.resolved.vaultAddress);
    assert.equal(printed.manifests[0].spec.parameters.vaultCACertPath, CSI_PROVIDER_CA_FILE);
  });

  it("registers nothing in Kubernetes with an external reviewer, and still prints the manifests", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-delivery-"));
    const reviewer = { jwtFile: path.join(folder, "reviewer.jwt"), caCertFile: path.join(folder, "ca.crt") };
    fs.writeFileSync(reviewer.jwtFile, "aaa.bbb.ccc\n");
    fs.writeFileSync(reviewer.caCertFile, "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n");
    const external = await run("vso", (config) => {
      config["vault-platform:cluster"] = { enabled: false };
      config["vault-platform:vault"] = { ...config["vault-platform:vault"], address: "https://127.0.0.1:18200" };
      config["vault-platform:kubernetes"] = { ...config["vault-platform:kubernetes"], injector: false, reviewer };
    }).finally(() => fs.rmSync(folder, { recursive: true, force: true }));
    assert.deepEqual(external.registrations.filter((registration) => registration.type.startsWith("kubernetes:")).map((registration) => registration.type), []);
    assert.deepEqual(external.resolved.delivery["my-app"].manifests.map((object: { kind: string }) => object.kind), ["VaultConnection", "VaultAuth", "VaultStaticSecret"]);
    assert.equal(external.resolved.delivery["my-app"].manifests[0].spec.address, "https://127.0.0.1:18200");
  });

  it("prints no delivery for consumers without one", async () => {
    const plain = await runProgram(encodeConfig(devWithVault()));
    assert.deepEqual(plain.resolved.delivery, {});
    assert.deepEqual(plain.registrations.filter((registration) => DELIVERY_TYPES.includes(registration.type)).map((registration) => registration.name), []);
  });
});
