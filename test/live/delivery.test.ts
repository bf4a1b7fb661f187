/**
 * Kubernetes delivery against the real Vault, through the real engine: the local stack (`localUp`) with
 * two Kubernetes consumers, one delivering through the Vault CSI provider and one through the Vault
 * Secrets Operator. The stack prints their manifests (its reviewer is external, so it creates nothing in
 * Kubernetes); each manifest's requests are then made as its controller makes them: a service-account token
 * from the TokenRequest API of the fake API server the stack runs (with the spec's audience), the Kubernetes
 * login at auth/<mount>/login with the spec's role, and a read of every path the spec names. A spec naming a
 * path outside the consumer's policy is refused offline by the access check, and Vault answers it 403.
 *
 * Not replayed: the database credentials (VaultDynamicSecret, CSI `<database>/creds/<role>`) and the
 * cert-manager Issuer's sign request, which need the database and PKI engines of other suites.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import { verifyAccess } from "../../access";
import { consumerDelivery, CSI_PROVIDER_CA_FILE, Manifest } from "../../components/vault/delivery";
import { ConfigKey, parseConfig, stackConfig, withPasswordPlaceholder } from "../../config";
import { jsonRequest } from "../../local/jsonHttp";
import { LOCAL_STACK, localDown, LocalUp, localUp } from "../../local/localStack";
import { LocalLayout } from "../../local/localServers";
import { vaultCall, VaultEndpoint, vaultRequest, VaultResponse } from "../../local/vaultHttp";
import { localStackRun } from "./localStackRun";

const PASSPHRASE = "live-delivery-passphrase";
const MOUNTS = [
  { path: "kv", version: 1, description: "Gateway and KMS secrets" },
  { path: "secret", version: 2, description: "Application secrets", maxVersions: 10 },
];
/** The values written as root before the deliveries read them. */
const MY_APP_CONFIG = { database: "postgres://my-app@db.internal/app", feature: "on" };
const WEB_API_KEY = { key: "web-api-key-1" };
const WEB_AUDIENCE = "https://vault.shop.internal";
const CONSUMERS = [
  {
    name: "my-app", policy: "my-app",
    kubernetes: {
      namespace: "default", serviceAccount: "my-app-account", tokenPeriod: "1h",
      delivery: {
        via: "csi",
        secrets: [{ name: "database-url", mount: "secret", path: "my-app/config", key: "database" }, { name: "config", mount: "secret", path: "my-app/config" }],
      },
    },
  },
  {
    // A tenant on the KV v1 mount (policies/tenant.hcl: kv/tenants/<name>/*), with an audience of its own.
    name: "web", policy: "tenant",
    kubernetes: { namespace: "shop", serviceAccount: "web", audience: WEB_AUDIENCE, delivery: { via: "vso", secrets: [{ name: "api-key", mount: "kv", path: "tenants/web/api-key" }] } },
  },
];

/** The spec's kind, found once among a consumer's printed manifests. */
function only(manifests: Manifest[], kind: string): Manifest {
  const found = manifests.filter((object) => object.kind === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0];
}

describe("live: Kubernetes delivery (CSI provider, Secrets Operator) replayed against the real Vault", function () {
  let root: string;
  let layout: LocalLayout;
  let overrides: Partial<Record<ConfigKey, unknown>>;
  let up: LocalUp;
  let vaultCa: string;
  const observed: Record<string, string> = {};
  let checks = 0;
  const delivery = () => up.outputs.delivery.value as Record<string, { via: string; manifests: Manifest[] }>;
  const asRoot = () => ({ token: up.servers.vault.rootToken });
  /** The Vault a spec names, trusted with the CA the stack's clients are given. */
  const vaultAt = (address: string): VaultEndpoint => ({ address, caCertificate: vaultCa });

  /** A service-account token from the fake API server's TokenRequest API, with the body the controller sends. */
  const tokenRequest = async (namespace: string, serviceAccount: string, spec: Record<string, unknown>): Promise<string> => {
    const answer = await jsonRequest(new URL(`/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`, up.servers.kubernetes.url), {
      method: "POST", body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec }, timeoutMs: 10_000,
      ca: fs.readFileSync(layout.kubernetes.reviewer.caCertFile, "utf8"),
      headers: { Authorization: `Bearer ${fs.readFileSync(layout.kubernetes.reviewer.jwtFile, "utf8").trim()}` },
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return answer.body.status.token;
  };

  /** The Kubernetes login every controller makes: POST auth/<mount>/login with the role and the JWT; returns the client token. */
  const login = async (vault: VaultEndpoint, mount: string, role: string, jwt: string): Promise<string> => {
    const answer = await vaultRequest(vault, "POST", `auth/${mount}/login`, { body: { role, jwt } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    checks++;
    return answer.body.auth.client_token;
  };

  /**
   * What the CSI provider does for a pod mounting the SecretProviderClass (vault-csi-provider
   * internal/auth/kubernetes_jwt.go and internal/client/client.go): a TokenRequest for the pod's service
   * account with the spec's audience, 15 minutes, bound to the pod; the login; a GET of each object's
   * secretPath; the file holds the secretKey's value, or the whole response as JSON without one.
   */
  const csiMount = async (spc: Manifest, serviceAccount: string): Promise<{ token: string; files: Record<string, { status: number; content?: unknown }> }> => {
    const parameters = spc.spec.parameters as Record<string, string>;
    const vault = vaultAt(parameters.vaultAddress);
    const jwt = await tokenRequest(spc.metadata.namespace, serviceAccount, {
      audiences: [parameters.audience], expirationSeconds: 900, boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "my-app-0", uid: "3b3e5a8e-0000-4000-8000-000000000001" },
    });
    const token = await login(vault, parameters.vaultKubernetesMountPath, parameters.roleName, jwt);
    const files: Record<string, { status: number; content?: unknown }> = {};
    for (const object of yaml.load(parameters.objects) as Array<{ objectName: string; secretPath: string; secretKey?: string }>) {
      const answer = await vaultRequest(vault, "GET", object.secretPath, { token });
      const data = answer.body?.data?.data ?? answer.body?.data;
      files[object.objectName] = { status: answer.status, content: answer.status !== 200 ? undefined : object.secretKey !== undefined ? data[object.secretKey] : answer.body.data };
    }
    return { token, files };
  };

  /**
   * What the Secrets Operator does (vault-secrets-operator internal/credentials/vault/kubernetes.go and its
   * static-secret reader): a TokenRequest for the VaultAuth's service account with its audiences and the
   * default 600 s, the login at the VaultAuth's mount, then per VaultStaticSecret a GET of
   * `<mount>/data/<path>` (kv-v2) or `<mount>/<path>` (kv-v1), through the VaultConnection's address.
   */
  const vsoSync = async (manifests: Manifest[]): Promise<{ token: string; secrets: Record<string, VaultResponse> }> => {
    const connection = only(manifests, "VaultConnection");
    const auth = only(manifests, "VaultAuth");
    const kubernetes = auth.spec.kubernetes as { role: string; serviceAccount: string; audiences: string[] };
    const vault = vaultAt(connection.spec.address as string);
    const jwt = await tokenRequest(auth.metadata.namespace, kubernetes.serviceAccount, { audiences: kubernetes.audiences, expirationSeconds: 600 });
    const token = await login(vault, auth.spec.mount as string, kubernetes.role, jwt);
    const secrets: Record<string, VaultResponse> = {};
    for (const object of manifests.filter((candidate) => candidate.kind === "VaultStaticSecret")) {
      const { mount, path: secretPath, type, destination } = object.spec as { mount: string; path: string; type: string; destination: { name: string } };
      secrets[destination.name] = await vaultRequest(vault, "GET", type === "kv-v2" ? `${mount}/data/${secretPath}` : `${mount}/${secretPath}`, { token });
    }
    return { token, secrets };
  };

  before(async function () {
    this.timeout(300_000);
    const run = await localStackRun("delivery");
    root = run.root;
    layout = run.layout;
    overrides = {
      ...run.overrides,
      mounts: MOUNTS,
      consumers: CONSUMERS,
    };
    up = await localUp({ root, passphrase: PASSPHRASE, overrides });
    observed.up = `${up.seconds.toFixed(1)} s (${up.steps.length} resources through the engine)`;
    vaultCa = fs.readFileSync(layout.vault.caFile, "utf8");
    await vaultCall(up.servers.vault.endpoint, "PUT", "secret/data/my-app/config", { ...asRoot(), body: { data: MY_APP_CONFIG } });
    await vaultCall(up.servers.vault.endpoint, "PUT", "kv/tenants/web/api-key", { ...asRoot(), body: WEB_API_KEY });
    await vaultCall(up.servers.vault.endpoint, "PUT", "kv/tenants/other/api-key", { ...asRoot(), body: { key: "not-for-web" } });
  });

  after(async function () {
    this.timeout(60_000);
    if (root) await localDown(root);
    console.log(`delivery: ${Object.entries({ ...observed, checks: String(checks) }).map(([key, value]) => `${key}: ${value}`).join("; ")}`);
  });

  it("prints each consumer's manifests for this Vault (its address, its CA), and registers nothing in Kubernetes", () => {
    assert.deepEqual(Object.fromEntries(Object.entries(delivery()).map(([name, printed]) => [name, printed.manifests.map((object) => object.kind)])), {
      "my-app": ["SecretProviderClass"],
      web: ["VaultConnection", "VaultAuth", "VaultStaticSecret"],
    });
    assert.deepEqual(up.steps.filter((step) => step.type.startsWith("kubernetes:")).map((step) => step.name), []);
    const address = (overrides.vault as { address: string }).address;
    const spc = only(delivery()["my-app"].manifests, "SecretProviderClass").spec.parameters as Record<string, string>;
    assert.equal(spc.vaultAddress, address);
    assert.equal(spc.vaultCACertPath, CSI_PROVIDER_CA_FILE, "the stack's Vault has a private CA: the provider is told where to find it");
    assert.deepEqual(only(delivery().web.manifests, "VaultConnection").spec, { address, caCertSecretRef: "vault-ca" });
    checks += 4;
  });

  it("csi: the provider's token request, login and reads answer 200 with the secret's value and the whole secret", async function () {
    this.timeout(60_000);
    const started = Date.now();
    const { files } = await csiMount(only(delivery()["my-app"].manifests, "SecretProviderClass"), "my-app-account");
    assert.deepEqual(files["database-url"], { status: 200, content: MY_APP_CONFIG.database });
    assert.equal(files.config.status, 200);
    assert.deepEqual((files.config.content as { data: unknown }).data, MY_APP_CONFIG, "without secretKey the file holds the KV v2 response's data");
    checks += 2;
    observed.csi = `${((Date.now() - started) / 1000).toFixed(2)} s`;
  });

  it("vso: the operator's token request (the spec's audience), login and kv-v1 read answer 200 with the data", async function () {
    this.timeout(60_000);
    const started = Date.now();
    const auth = only(delivery().web.manifests, "VaultAuth");
    assert.deepEqual((auth.spec.kubernetes as { audiences: string[] }).audiences, [WEB_AUDIENCE]);
    const { secrets } = await vsoSync(delivery().web.manifests);
    assert.equal(secrets["api-key"].status, 200, JSON.stringify(secrets["api-key"].body));
    assert.deepEqual(secrets["api-key"].body.data, WEB_API_KEY);
    checks++;
    observed.vso = `${((Date.now() - started) / 1000).toFixed(2)} s`;
  });

  it("a token for another audience is refused at the login the specs make (the audience in the spec is what the role requires)", async function () {
    this.timeout(60_000);
    const auth = only(delivery().web.manifests, "VaultAuth");
    const wrong = await tokenRequest("shop", "web", { audiences: ["vault"], expirationSeconds: 600 });
    const answer = await vaultRequest(vaultAt(only(delivery().web.manifests, "VaultConnection").spec.address as string), "POST", `auth/${auth.spec.mount}/login`, { body: { role: "web", jwt: wrong } });
    assert.equal(answer.status, 403);
    checks++;
  });

  it("a spec naming a path outside the consumer's policy: the access check refuses it offline, and Vault answers 403 to the same spec", async function () {
    this.timeout(60_000);
    const outside = CONSUMERS.map((entry) => (entry.name !== "web" ? entry : {
      ...entry, kubernetes: { ...entry.kubernetes, delivery: { via: "vso", secrets: [{ name: "api-key", mount: "kv", path: "tenants/other/api-key" }] } },
    }));
    const raw = stackConfig(LOCAL_STACK);
    // Only the declarations are checked here: the login's password is a placeholder that goes nowhere.
    const config = parseConfig(raw, { env: {}, overrides: withPasswordPlaceholder(raw, { ...overrides, consumers: outside }) });
    assert.deepEqual(verifyAccess(config.vaultLayer).problems, [
      "web: kubernetes.delivery.secrets[0] (api-key) needs read on kv/tenants/other/api-key, which its policies do not allow; grant it in policies/tenant.hcl or deliver a path the consumer may read",
    ]);
    const web = config.vaultLayer.bindings.kubernetes.find((candidate) => candidate.name === "web")!;
    const spec = consumerDelivery(web, config.vaultLayer, { address: config.vault.address!, caBundle: Buffer.from(vaultCa).toString("base64") });
    const { secrets } = await vsoSync(spec.manifests);
    assert.equal(secrets["api-key"].status, 403, "Vault agrees with the access check");
    checks += 2;
  });
});
