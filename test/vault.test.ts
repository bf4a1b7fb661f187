import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { parsePolicy } from "../acl";
import { cacheDirectory } from "../lib/cacheDirectory";
import { KUBERNETES_TYPES, PROVIDER_TYPES, VAULT_TYPES } from "../components/resourceTypes";
import { consumerPolicy } from "../config/policyFiles";
import { parseConfig } from "../config";
import { provisionerRequirements } from "../access";
import { devWithVault, encodeConfig } from "./fixtures";
import { ProgramRun, isSecretInput, runProgram, unwrapSecret } from "../offline/runtime";
import { ofType, onlyOfType, valueOf } from "./programRun";
import { consumer } from "./invalidConfigs";


function byInput(run: ProgramRun, type: string, key: string, value: unknown) {
  const found = ofType(run, type).filter((registration) => unwrapSecret(registration.inputs[key]) === value);
  assert.equal(found.length, 1, `one ${type} with ${key}=${String(value)}`);
  return found[0].inputs;
}

describe("vault layer: the dev declarations", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram(encodeConfig(devWithVault()));
  });

  it("passes the provisioning token to an explicit provider as a secret", () => {
    const provider = onlyOfType(run, PROVIDER_TYPES.vault).inputs;
    assert.ok(isSecretInput(provider.token), "the provider's token must be secret");
    assert.equal(unwrapSecret(provider.token), "hvs.provisioner-test-token");
    assert.match(provider.address, /^https:\/\/.+:8200$/);
    assert.equal(provider.caCertFile, path.join(cacheDirectory(), "stacks", "dev", "ca.pem"));
    assert.ok(!provider.caCertFile.startsWith(os.tmpdir()), "not in a shared temporary folder");
    assert.equal(fs.statSync(path.dirname(provider.caCertFile)).mode & 0o777, 0o700, "a folder only its owner can use");
    assert.equal(fs.readFileSync(provider.caCertFile, "utf8"), "-----BEGIN CERTIFICATE-----\nvault-tls-ca\n-----END CERTIFICATE-----\n");
    assert.equal(String(provider.maxLeaseTtlSeconds), "1200");
  });

  it("creates every Vault resource with that provider, under a vault-platform component", () => {
    const vaultResources = run.registrations.filter((registration) => registration.type.startsWith("vault:"));
    assert.ok(vaultResources.length >= 14);
    for (const resource of vaultResources) {
      assert.match(resource.provider, /pulumi:providers:vault::vault::/, `${resource.name} is not on the explicit provider`);
      assert.match(resource.parent, /vault-platform:vault:/, `${resource.name} has no component parent`);
    }
    for (const resource of run.registrations.filter((registration) => registration.type.startsWith("kubernetes:"))) {
      assert.match(resource.provider, /pulumi:providers:kubernetes::kubernetes::/, `${resource.name} is not on the explicit provider`);
    }
  });

  it("mounts kv as KV v1 and secret as KV v2 with max versions", () => {
    assert.deepEqual(byInput(run, VAULT_TYPES.mount, "path", "kv").options, { version: "1" });
    assert.deepEqual(byInput(run, VAULT_TYPES.mount, "path", "secret").options, { version: "2" });
    assert.equal(onlyOfType(run, VAULT_TYPES.kvV2Config).inputs.maxVersions, 10);
    assert.equal(onlyOfType(run, VAULT_TYPES.kvV2Config).inputs.mount, "secret");
  });

  it("uploads each consumer's policy as validated, KES under its tenant name", () => {
    const names = ofType(run, VAULT_TYPES.policy).map((policy) => policy.inputs.name);
    for (const name of ["apisix", "kes-kes", "my-app"]) assert.ok(names.includes(name), name);
    assert.equal(new Set(names).size, names.length, "each policy uploaded once");
    const kes = byInput(run, VAULT_TYPES.policy, "name", "kes-kes");
    assert.match(kes.policy, /path "kv\/kes\/\*"/);
    assert.doesNotMatch(kes.policy, /\$\{name\}/);
    assert.deepEqual(parsePolicy(kes.policy).rules.map((rule) => rule.capabilities), [["create", "read", "delete"]]);
  });

  it("binds KES to an AppRole role with its policy, a 5m period and unlimited uses, plus a SecretID", () => {
    assert.equal(byInput(run, VAULT_TYPES.authBackend, "type", "approle").path, "approle");
    const role = byInput(run, VAULT_TYPES.approleRole, "roleName", "kes");
    assert.deepEqual(role.tokenPolicies, ["kes-kes"]);
    assert.equal(role.tokenPeriod, 300);
    assert.equal(role.tokenNumUses, 0);
    assert.equal(byInput(run, VAULT_TYPES.approleSecretId, "roleName", "kes").backend, "approle");
  });

  it("issues APISIX an orphan token through a token role scoped to its policy", () => {
    const role = byInput(run, VAULT_TYPES.tokenRole, "roleName", "apisix");
    assert.equal(role.orphan, true);
    assert.deepEqual(role.allowedPolicies, ["apisix"]);
    assert.equal(role.renewable, true);
    const token = onlyOfType(run, VAULT_TYPES.token).inputs;
    assert.equal(token.roleName, "apisix");
    assert.deepEqual(token.policies, ["apisix"]);
    assert.equal(token.ttl, "768h");
    assert.equal(token.renewable, true);
    assert.equal(token.noParent, undefined, "no_parent needs sudo; the role's orphan flag does it");
  });

  it("makes a periodic token through its role's token_period, never by asking for a period (that needs sudo)", async () => {
    const config = devWithVault();
    config["vault-platform:consumers"][0].token = { period: "24h" };
    const periodic = await runProgram(encodeConfig(config));
    assert.equal(byInput(periodic, VAULT_TYPES.tokenRole, "roleName", "apisix").tokenPeriod, 86400);
    assert.equal(onlyOfType(periodic, VAULT_TYPES.token).inputs.period, undefined);
  });

  it("configures Kubernetes auth from the token reviewer and binds my-app to its service account", () => {
    assert.equal(byInput(run, VAULT_TYPES.authBackend, "type", "kubernetes").path, "kubernetes");
    const config = onlyOfType(run, VAULT_TYPES.kubernetesConfig).inputs;
    assert.equal(config.kubernetesHost, "https://kubernetes.dev.example.internal:6443");
    assert.ok(isSecretInput(config.tokenReviewerJwt), "the reviewer JWT must be secret");
    assert.equal(unwrapSecret(config.tokenReviewerJwt), "jwt-vault-config-kubernetes-reviewer-token");
    assert.equal(unwrapSecret(config.kubernetesCaCert), "k8s-ca");
    const role = byInput(run, VAULT_TYPES.kubernetesRole, "roleName", "my-app");
    assert.deepEqual(role.boundServiceAccountNames, ["my-app-account"]);
    assert.deepEqual(role.boundServiceAccountNamespaces, ["default"]);
    assert.deepEqual(role.tokenPolicies, ["my-app"]);
    assert.equal(role.tokenPeriod, 3600);
    assert.equal(role.audience, "vault");
  });

  it("creates the reviewer bound to system:auth-delegator with a long-lived token Secret, and the workload's service account", () => {
    const binding = onlyOfType(run, KUBERNETES_TYPES.clusterRoleBinding).inputs;
    assert.equal(binding.roleRef.name, "system:auth-delegator");
    assert.equal(binding.subjects[0].name, "vault-token-reviewer");
    const secrets = ofType(run, KUBERNETES_TYPES.secret).map((secret) => secret.inputs);
    const reviewerToken = secrets.find((secret) => secret.type === "kubernetes.io/service-account-token")!;
    assert.equal(reviewerToken.metadata.annotations["kubernetes.io/service-account.name"], "vault-token-reviewer");
    const accounts = ofType(run, KUBERNETES_TYPES.serviceAccount).map((account) => `${account.inputs.metadata.namespace}/${account.inputs.metadata.name}`);
    assert.ok(accounts.includes("default/my-app-account"));
  });

  it("installs the vault-agent injector pointed at this Vault", () => {
    const release = onlyOfType(run, KUBERNETES_TYPES.helmRelease).inputs;
    assert.equal(release.chart, "vault");
    assert.equal(release.repositoryOpts.repo, "https://helm.releases.hashicorp.com");
    assert.match(release.values.global.externalVaultAddr, /^https:\/\/.+:8200$/);
    assert.equal(release.values.server.enabled, false);
    assert.equal(release.values.injector.enabled, true);
  });

  it("turns on a file audit device at the configured path", () => {
    const audit = onlyOfType(run, VAULT_TYPES.audit).inputs;
    assert.equal(audit.type, "file");
    assert.deepEqual(audit.options, { file_path: "/var/log/vault/audit.log" });
  });

  it("adds a protected socket device to the collector the stack names, after the file device, which the provisioner may create", async () => {
    const config = devWithVault();
    config["vault-platform:audit"] = { socket: { address: "logs.internal:5170" } };
    const withSocket = await runProgram(encodeConfig(config), "dev", { env: {} });
    const [file, socket] = ofType(withSocket, VAULT_TYPES.audit);
    assert.deepEqual({ type: socket.inputs.type, path: socket.inputs.path, options: socket.inputs.options, protect: socket.protect },
      { type: "socket", path: "socket", options: { address: "logs.internal:5170", socket_type: "tcp" }, protect: true });
    assert.ok(socket.dependencies.includes(file.urn));
    const layer = parseConfig(encodeConfig(config), { env: {} }).vaultLayer;
    assert.deepEqual(provisionerRequirements(layer).filter((statement) => statement.path === "sys/audit/socket").map((statement) => statement.capability), ["create", "update", "sudo"]);
    assert.equal(ofType(run, VAULT_TYPES.audit).length, 1, "no socket device unless the stack names a collector");
  });

  it("makes every change, and issues every token and SecretID, only once the audit device exists (dependsOn), so nothing happens unaudited", () => {
    const audit = onlyOfType(run, VAULT_TYPES.audit);
    const others = run.registrations.filter((registration) => registration.type.startsWith("vault:") && registration.type !== VAULT_TYPES.audit);
    assert.ok([VAULT_TYPES.token, VAULT_TYPES.approleSecretId, VAULT_TYPES.mount, VAULT_TYPES.policy, VAULT_TYPES.authBackend].every((type) => others.some((other) => other.type === type)));
    const waiting = others.filter((registration) => !registration.dependencies.includes(audit.urn)).map((registration) => `${registration.type} ${registration.name}`);
    assert.deepEqual(waiting, [], "these do not wait for the audit device");
  });

  it("prints APISIX's vault block and KES's keystore block", () => {
    const apisix = run.resolved.apisixVault.apisix;
    assert.match(apisix.host, /^https:\/\/.+:8200$/);
    assert.equal(apisix.timeout, 10);
    assert.equal(apisix.token, "hvs.vault-config-tokens-apisix-token");
    assert.equal(apisix.prefix, "kv/apisix");
    const kes = run.resolved.kesKeystore.kes;
    assert.deepEqual({ ...kes, endpoint: undefined }, {
      endpoint: undefined, engine: "kv", version: "v1", prefix: "kes", approle: { id: "kes-role-id", secret: "kes-secret-id" },
    });
  });

  it("prints each workload's role, namespace, service account, injector annotations and a token volume for the role's audience", () => {
    assert.deepEqual(run.resolved.kubernetesRoles["my-app"], {
      role: "my-app",
      namespace: "default",
      serviceAccount: "my-app-account",
      audience: "vault",
      annotations: {
        "vault.hashicorp.com/agent-inject": "true",
        "vault.hashicorp.com/role": "my-app",
        "vault.hashicorp.com/auth-path": "auth/kubernetes",
        "vault.hashicorp.com/agent-service-account-token-volume-name": "vault-token",
        "vault.hashicorp.com/tls-secret": "vault-ca",
        "vault.hashicorp.com/ca-cert": "/vault/tls/ca.crt",
      },
      tokenVolume: { name: "vault-token", projected: { sources: [{ serviceAccountToken: { path: "token", audience: "vault", expirationSeconds: 3600 } }] } },
    });
  });

  it("gives the token volume the audience the role requires, also a consumer's own", async () => {
    const config = devWithVault();
    const myApp = consumer(config, "my-app");
    myApp.kubernetes.audience = "https://vault.example.internal";
    const custom = await runProgram(encodeConfig(config), "dev", { env: {} });
    const role = onlyOfType(custom, VAULT_TYPES.kubernetesRole).inputs;
    const printed = custom.resolved.kubernetesRoles["my-app"];
    assert.equal(role.audience, "https://vault.example.internal");
    assert.equal(printed.audience, role.audience);
    assert.equal(printed.tokenVolume.projected.sources[0].serviceAccountToken.audience, role.audience);
    assert.equal(printed.annotations["vault.hashicorp.com/agent-service-account-token-volume-name"], printed.tokenVolume.name);
  });

  it("keeps every token, SecretID and output that carries one secret", async () => {
    for (const name of ["apisixVault", "kesKeystore", "approles", "tokens"] as const) {
      assert.equal(await pulumi.isSecret(run.outputs[name] as pulumi.Output<unknown>), true, `${name} must be a secret output`);
    }
    assert.equal(await pulumi.isSecret(run.outputs.vaultAddress!), false);
    assert.equal(await pulumi.isSecret(run.outputs.caCertificate!), false);
    const approles = await valueOf(run.outputs.approles!);
    assert.deepEqual(approles.kes, { roleId: "kes-role-id", secretId: "kes-secret-id" });
  });
});

describe("vault layer: one policy file for many tenants", () => {
  it("substitutes ${name} for 100 KES tenants, each confined to its own prefix", async () => {
    const config = devWithVault();
    const tenants = Array.from({ length: 100 }, (_, index) => `kes-tenant-${String(index).padStart(3, "0")}`);
    config["vault-platform:consumers"] = tenants.map((name) => ({ name, policy: "kes", approle: { tokenPeriod: "5m" }, client: { kind: "kes", mount: "kv" } }));
    const run = await runProgram(encodeConfig(config));
    const policies = ofType(run, VAULT_TYPES.policy).map((policy) => policy.inputs);
    assert.equal(policies.length, 100);
    for (const name of tenants) {
      const policy = policies.find((candidate) => candidate.name === `kes-${name}`)!;
      assert.deepEqual(parsePolicy(policy.policy).rules.map((rule) => rule.path), [`kv/${name}/`]);
    }
    assert.equal(ofType(run, VAULT_TYPES.approleRole).length, 100);
    assert.equal(Object.keys(run.resolved.kesKeystore).length, 100);
    assert.equal(run.resolved.kesKeystore["kes-tenant-042"].prefix, "kes-tenant-042");
  });

  it("keeps a file without ${name} as one shared policy", () => {
    assert.equal(consumerPolicy("apisix", "gateway-a").name, "apisix");
    assert.equal(consumerPolicy("kes", "tenant-a").name, "kes-tenant-a");
  });
});

describe("vault layer: data safety", () => {
  it("protects what a delete would destroy: KV, PKI, AWS and transit mounts, the PKI root, transit keys, auth mounts and the audit device", async () => {
    const run = await runProgram(encodeConfig(devWithVault()));
    const protectedNames = run.registrations.filter((registration) => registration.type.startsWith("vault:") && registration.protect).map((registration) => registration.name).sort();
    assert.deepEqual(protectedNames, [
      "vault-config-approle-auth", "vault-config-audit-file", "vault-config-aws-backend", "vault-config-kubernetes-auth", "vault-config-mounts-kv", "vault-config-mounts-secret",
      "vault-config-pki-intermediate", "vault-config-pki-root", "vault-config-pki-root-ca",
      "vault-config-transit-mount", "vault-config-transit-orders",
    ]);
  });
});

describe("vault layer: switched off", () => {
  it("registers no Vault resource and needs no token when vault.configure is false", async () => {
    const config = devWithVault();
    config["vault-platform:vault"].configure = false;
    delete config["vault-platform:vaultToken"];
    const run = await runProgram(encodeConfig(config));
    assert.equal(run.registrations.filter((registration) => registration.type.startsWith("vault:") || registration.type === PROVIDER_TYPES.vault).length, 0);
  });
});
