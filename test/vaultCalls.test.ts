import { strict as assert } from "assert";
import { VAULT_TYPES } from "../components/resourceTypes";
import { ok, RESOURCE_CALLS, snakeCase, zeroOf } from "../local/provider/vaultCalls";
import type { VaultResponse } from "../local/vaultHttp";

const answer = (status: number, body?: unknown): VaultResponse => ({ status, body } as VaultResponse);
const withData = (data: Record<string, unknown>) => answer(200, { data });
const calls = (type: string) => RESOURCE_CALLS[type];

describe("the stand-in's calls, as terraform-provider-vault sends them", () => {
  it("knows exactly the Vault types the program registers", () => {
    assert.deepEqual(Object.keys(RESOURCE_CALLS).sort(), Object.values(VAULT_TYPES).sort());
  });

  it("mount: POST sys/mounts/<path> with the config Go serialises, GET to read, tune to update, DELETE to remove", () => {
    const mount = calls(VAULT_TYPES.mount);
    const i = { path: "/kv/", type: "kv", options: { version: "1" }, description: "d" };
    assert.deepEqual(mount.create(i), [{
      method: "POST", path: "sys/mounts/kv",
      body: { type: "kv", description: "d", config: { options: null, default_lease_ttl: "0s", max_lease_ttl: "0s", force_no_cache: false }, local: false, seal_wrap: false, external_entropy_access: false, options: { version: "1" } },
    }]);
    assert.deepEqual(mount.create({ path: "kv", type: "kv", defaultLeaseTtlSeconds: 60, maxLeaseTtlSeconds: 120, listingVisibility: "hidden", local: true, sealWrap: true, externalEntropyAccess: true })[0].body, {
      type: "kv", description: "", config: { options: null, default_lease_ttl: "60s", max_lease_ttl: "120s", force_no_cache: false, listing_visibility: "hidden" },
      local: true, seal_wrap: true, external_entropy_access: true, options: {},
    });
    assert.equal(mount.id(i, {}), "kv");
    assert.deepEqual(mount.read(i, {}), [{ method: "GET", path: "sys/mounts/kv" }]);
    assert.deepEqual(mount.remove(i, {}), [{ method: "DELETE", path: "sys/mounts/kv" }]);
    assert.deepEqual((mount.update as (i: object) => unknown)({ ...i, description: "" }), [{
      method: "POST", path: "sys/mounts/kv/tune", body: { default_lease_ttl: "0s", max_lease_ttl: "0s", options: { version: "1" } },
    }]);
    assert.deepEqual((mount.update as (i: object) => unknown)({ ...i, auditNonHmacRequestKeys: ["a"] }), [{
      method: "POST", path: "sys/mounts/kv/tune", body: { default_lease_ttl: "0s", max_lease_ttl: "0s", options: { version: "1" }, description: "d", audit_non_hmac_request_keys: ["a"] },
    }]);
    assert.equal(mount.record!(i, [withData({ type: "kv", options: { version: "1" } })]), undefined);
    assert.equal(mount.record!(i, [withData({ type: "kv-v2", options: { version: "1" } })]), "mount type is kv-v2, not kv");
    assert.equal(mount.record!(i, [withData({ type: "kv", options: { version: "2" } })]), "mount option version is 2, not 1");
    assert.deepEqual(mount.observe!(i, [withData({ type: "kv", description: "changed", options: { version: "2", other: "x" } })]), { type: "kv", description: "changed", options: { version: "2" } });
    assert.ok(mount.gone!([answer(400, { errors: ["No secret engine mount at kv/"] })], i));
    assert.ok(mount.gone!([answer(404)], i));
    assert.ok(!mount.gone!([answer(403, { errors: ["permission denied"] })], i));
    assert.deepEqual([mount.replaceOn, mount.unmodelled], [["type", "sealWrap", "externalEntropyAccess", "local"], ["path"]]);
  });

  it("KV v2 settings: PUT <mount>/config with every field (zero values included), no delete call", () => {
    const config = calls(VAULT_TYPES.kvV2Config);
    assert.deepEqual(config.create({ mount: "secret", maxVersions: 10 }), [{ method: "PUT", path: "secret/config", body: { max_versions: 10, cas_required: false, delete_version_after: 0 } }]);
    assert.deepEqual(config.create({ mount: "secret", casRequired: true, deleteVersionAfter: 5 })[0].body, { max_versions: 0, cas_required: true, delete_version_after: 5 });
    assert.equal(config.id({ mount: "secret" }, {}), "secret/config");
    assert.deepEqual(config.read({ mount: "secret" }, {}), [{ method: "GET", path: "secret/config" }]);
    assert.equal(config.record!({ mount: "secret", maxVersions: 10 }, [withData({ max_versions: 10 })]), undefined);
    assert.equal(config.record!({ mount: "secret", maxVersions: 10 }, [withData({ max_versions: 0 })]), "max_versions is 0, not 10");
    assert.equal(config.record!({ mount: "secret" }, [withData({ max_versions: 0 })]), undefined);
    assert.deepEqual(config.observe!({ mount: "secret", maxVersions: 10 }, [withData({ max_versions: 3, cas_required: true })]), { maxVersions: 3 });
    assert.deepEqual(config.remove({ mount: "secret" }, {}), []);
    assert.deepEqual([config.replaceOn, config.update], [["mount"], "create"]);
  });

  it("policy: PUT and GET sys/policies/acl/<name>; a text read back otherwise fails", () => {
    const policy = calls(VAULT_TYPES.policy);
    assert.deepEqual(policy.create({ name: "kes", policy: "p" }), [{ method: "PUT", path: "sys/policies/acl/kes", body: { policy: "p" } }]);
    assert.deepEqual(policy.read({ name: "kes" }, {}), [{ method: "GET", path: "sys/policies/acl/kes" }]);
    assert.equal(policy.record!({ name: "kes", policy: "p" }, [withData({ policy: "q" })]), "the policy read back differs from the one written");
    assert.equal(policy.record!({ name: "kes", policy: "p" }, [withData({ policy: "p" })]), undefined);
    assert.deepEqual(policy.remove({ name: "kes" }, {}), [{ method: "DELETE", path: "sys/policies/acl/kes" }]);
    assert.equal(policy.id({ name: "kes" }, {}), "kes");
  });

  it("auth method: POST sys/auth/<path>, read through sys/mounts/auth/<path> (no sudo), tune to update", () => {
    const auth = calls(VAULT_TYPES.authBackend);
    assert.deepEqual(auth.create({ type: "approle", path: "approle", description: "d" }), [{
      method: "POST", path: "sys/auth/approle",
      body: { type: "approle", description: "d", config: { options: null, default_lease_ttl: "0s", max_lease_ttl: "0s", force_no_cache: false }, local: false, seal_wrap: false, external_entropy_access: false, options: null },
    }]);
    assert.deepEqual(auth.read({ type: "kubernetes" }, {}), [{ method: "GET", path: "sys/mounts/auth/kubernetes" }]);
    assert.equal(auth.id({ type: "kubernetes" }, {}), "kubernetes");
    assert.equal(auth.record!({ type: "approle" }, [withData({ type: "kubernetes" })]), "auth method type is kubernetes, not approle");
    assert.ok(auth.gone!([answer(400, { errors: ["No auth engine at approle/"] })], {}));
    assert.deepEqual((auth.update as (i: object, previous: object) => { path: string }[])({ type: "approle", path: "approle" }, {})[0].path, "sys/mounts/auth/approle/tune");
    assert.deepEqual(auth.remove({ type: "approle", path: "approle" }, {}), [{ method: "DELETE", path: "sys/auth/approle" }]);
  });

  it("AppRole role: token fields only when set, bind_secret_id and local_secret_ids with their defaults; read role and role-id", () => {
    const role = calls(VAULT_TYPES.approleRole);
    assert.deepEqual(role.create({ backend: "approle", roleName: "kes", tokenPolicies: ["kes-kes"], tokenPeriod: 300, tokenNumUses: 0, secretIdTtl: 2592000, secretIdNumUses: 0 }), [{
      method: "PUT", path: "auth/approle/role/kes",
      body: { token_policies: ["kes-kes"], token_period: 300, token_type: "default", bind_secret_id: true, secret_id_ttl: 2592000, local_secret_ids: false },
    }]);
    const withRoleId = role.create({ roleName: "kes", roleId: "fixed", tokenNoDefaultPolicy: false, secretIdBoundCidrs: ["10.0.0.0/8"], tokenBoundCidrs: ["10.0.0.0/8"] });
    assert.deepEqual(withRoleId[0].body, { token_bound_cidrs: ["10.0.0.0/8"], token_no_default_policy: false, token_type: "default", bind_secret_id: true, secret_id_bound_cidrs: ["10.0.0.0/8"], local_secret_ids: false });
    assert.deepEqual(withRoleId[1], { method: "PUT", path: "auth/approle/role/kes/role-id", body: { role_id: "fixed" } });
    assert.deepEqual(role.read({ roleName: "kes" }, {}), [{ method: "GET", path: "auth/approle/role/kes" }, { method: "GET", path: "auth/approle/role/kes/role-id" }]);
    assert.deepEqual(role.record!({ tokenPolicies: ["kes-kes"] }, [withData({ token_policies: ["kes-kes"] }), withData({ role_id: "r" })]), { values: { roleId: "r" } });
    assert.equal(role.record!({ tokenPolicies: ["kes-kes"] }, [withData({ token_policies: ["admin"] }), withData({ role_id: "r" })]), 'token_policies read back as ["admin"]');
    assert.equal(role.record!({ tokenPolicies: ["kes-kes"] }, [withData({ token_policies: ["kes-kes"] }), withData({ role_id: "" })]), "no role_id in the read-back");
    assert.deepEqual(role.observe!({ tokenPolicies: ["a"], tokenPeriod: 300, secretIdTtl: 60 }, [withData({ token_policies: ["b"], token_period: 300, secret_id_ttl: 60, token_ttl: 5 })]), { tokenPolicies: ["b"], tokenPeriod: 300, secretIdTtl: 60 });
    assert.deepEqual([role.id({ roleName: "kes" }, {}), role.update], ["auth/approle/role/kes", "changed"]);
    assert.deepEqual(role.remove({ backend: "approle", roleName: "kes" }, {}), [{ method: "DELETE", path: "auth/approle/role/kes" }]);
  });

  it("AppRole SecretID: PUT .../secret-id (metadata \"\" when unset), lookup and destroy by accessor", () => {
    const secretId = calls(VAULT_TYPES.approleSecretId);
    assert.deepEqual(secretId.create({ roleName: "kes" }), [{ method: "PUT", path: "auth/approle/role/kes/secret-id", body: { metadata: "" } }]);
    assert.deepEqual(secretId.create({ roleName: "kes", cidrLists: ["10.0.0.0/8", "10.1.0.0/16"], metadata: "{}", ttl: 60, numUses: 2 })[0].body, { cidr_list: "10.0.0.0/8,10.1.0.0/16", metadata: "{}", ttl: 60, num_uses: 2 });
    assert.deepEqual(secretId.created!({}, [withData({ secret_id: "s", secret_id_accessor: "a" })]), { values: { secretId: "s", accessor: "a" }, secret: ["secretId"] });
    assert.equal(secretId.created!({}, [withData({ secret_id_accessor: "a" })]), "no secret_id in the response");
    assert.deepEqual(secretId.read({ roleName: "kes" }, { accessor: "a" }), [{ method: "PUT", path: "auth/approle/role/kes/secret-id-accessor/lookup", body: { secret_id_accessor: "a" } }]);
    assert.equal(secretId.record!({}, [withData({})]), "the SecretID lookup answered no accessor");
    assert.ok(secretId.gone!([answer(400, { errors: ["failed to find accessor entry for secret_id_accessor"] })], {}));
    assert.ok(!secretId.gone!([answer(403, { errors: ["permission denied"] })], {}));
    assert.deepEqual(secretId.remove({ roleName: "kes" }, { accessor: "a" }), [{ method: "PUT", path: "auth/approle/role/kes/secret-id-accessor/destroy", body: { secret_id_accessor: "a" } }]);
    assert.equal(secretId.id({ roleName: "kes" }, { accessor: "a" }), "backend=approle::role=kes::accessor=a");
    assert.equal(secretId.replaceOn, "all");
  });

  it("token role: every field written (period or TTL, not both), defaults as the provider's", () => {
    const tokenRole = calls(VAULT_TYPES.tokenRole);
    const [create] = tokenRole.create({ roleName: "apisix", allowedPolicies: ["apisix"], orphan: true, renewable: true, tokenPeriod: 300 });
    assert.deepEqual(create, {
      method: "PUT", path: "auth/token/roles/apisix",
      body: {
        token_no_default_policy: false, token_explicit_max_ttl: 0, token_max_ttl: 0, token_period: 300, token_policies: [], token_num_uses: 0, token_bound_cidrs: [],
        allowed_policies: ["apisix"], allowed_policies_glob: [], disallowed_policies: [], disallowed_policies_glob: [], orphan: true, allowed_entity_aliases: [],
        renewable: true, path_suffix: "", token_type: "default-service",
      },
    });
    const ttl = tokenRole.create({ roleName: "r", tokenTtl: 60 })[0].body!;
    assert.deepEqual([ttl.token_ttl, "token_period" in ttl, ttl.orphan, ttl.renewable], [60, false, false, true]);
    assert.equal(tokenRole.record!({ allowedPolicies: ["apisix"], orphan: true }, [withData({ allowed_policies: ["apisix"], orphan: false })]), "orphan read back as false");
    assert.equal(tokenRole.record!({ allowedPolicies: ["apisix"] }, [withData({ allowed_policies: ["x"] })]), 'allowed_policies read back as ["x"]');
    assert.deepEqual(tokenRole.remove({ roleName: "apisix" }, {}), [{ method: "DELETE", path: "auth/token/roles/apisix" }]);
  });

  it("token: created through its role, read by accessor, revoked by accessor; every field ForceNew", () => {
    const token = calls(VAULT_TYPES.token);
    assert.deepEqual(token.create({ roleName: "apisix", policies: ["apisix"], ttl: "768h", renewable: true, displayName: "apisix" }), [{
      method: "POST", path: "auth/token/create/apisix",
      body: { policies: ["apisix"], ttl: "768h", display_name: "apisix", num_uses: 0, renewable: true, type: "", entity_alias: "" },
    }]);
    assert.deepEqual(token.create({})[0], { method: "POST", path: "auth/token/create", body: { display_name: "token", num_uses: 0, type: "", entity_alias: "" } });
    assert.deepEqual(token.created!({}, [answer(200, { auth: { client_token: "t", accessor: "a" } })]), { values: { clientToken: "t", accessor: "a" }, secret: ["clientToken"] });
    assert.equal(token.created!({}, [answer(200, { auth: {} })]), "no client_token in the response");
    assert.deepEqual(token.read({}, { accessor: "a" }), [{ method: "POST", path: "auth/token/lookup-accessor", body: { accessor: "a" } }]);
    const looked = (data: Record<string, unknown>) => token.record!({ policies: ["apisix"] }, [withData({ issue_time: "t", expire_time: "t", policies: ["apisix", "default"], ...data })]);
    assert.equal(looked({}), undefined);
    assert.equal(looked({ expire_time: null }), "expire_time is null, the provider needs a string");
    assert.equal(looked({ issue_time: 1 }), "issue_time is number, the provider needs a string");
    assert.equal(looked({ policies: ["default"] }), "the token lacks policy apisix");
    assert.ok(token.gone!([answer(400, { errors: ["invalid accessor"] })], {}));
    assert.deepEqual(token.remove({}, { accessor: "a" }), [{ method: "POST", path: "auth/token/revoke-accessor", body: { accessor: "a" } }]);
    assert.deepEqual([token.id({}, { accessor: "a" }), token.replaceOn], ["a", "all"]);
  });

  it("Kubernetes config and role: the fields sent, what a read compares, no delete call for the config", () => {
    const config = calls(VAULT_TYPES.kubernetesConfig);
    assert.deepEqual(config.create({ backend: "kubernetes", kubernetesHost: "https://k", kubernetesCaCert: "ca", tokenReviewerJwt: "jwt" }), [{
      method: "PUT", path: "auth/kubernetes/config",
      body: { kubernetes_ca_cert: "ca", token_reviewer_jwt: "jwt", kubernetes_host: "https://k", disable_iss_validation: false, use_annotations_as_alias_metadata: false },
    }]);
    assert.equal(config.create({ kubernetesHost: "h", pemKeys: ["a", "b"] })[0].body!.pem_keys, "a,b");
    assert.equal(config.record!({ kubernetesHost: "h" }, [withData({ kubernetes_host: "x" })]), "kubernetes_host read back as x");
    assert.deepEqual(config.observe!({ kubernetesHost: "h", tokenReviewerJwt: "jwt" }, [withData({ kubernetes_host: "h2" })]), { kubernetesHost: "h2" });
    assert.deepEqual(config.remove({}, {}), []);
    const role = calls(VAULT_TYPES.kubernetesRole);
    assert.deepEqual(role.create({ backend: "kubernetes", roleName: "my-app", boundServiceAccountNames: ["sa"], boundServiceAccountNamespaces: ["default"], audience: "vault", tokenPolicies: ["my-app"], tokenPeriod: 3600 }), [{
      method: "PUT", path: "auth/kubernetes/role/my-app",
      body: { token_policies: ["my-app"], token_period: 3600, token_type: "default", bound_service_account_names: ["sa"], bound_service_account_namespaces: ["default"], audience: "vault" },
    }]);
    assert.equal(role.record!({ boundServiceAccountNames: ["sa"] }, [withData({ bound_service_account_names: ["other"] })]), "bound_service_account_names differ when read back");
    assert.deepEqual(role.alwaysSent, ["bound_service_account_names", "bound_service_account_namespaces"]);
    assert.deepEqual(role.remove({ roleName: "my-app" }, {}), [{ method: "DELETE", path: "auth/kubernetes/role/my-app" }]);
  });

  it("audit device: PUT sys/audit/<path>; found (or gone) in the GET sys/audit listing", () => {
    const audit = calls(VAULT_TYPES.audit);
    assert.deepEqual(audit.create({ type: "file", path: "file", options: { file_path: "stdout" } }), [{
      method: "PUT", path: "sys/audit/file", body: { type: "file", description: "", options: { file_path: "stdout" }, local: false },
    }]);
    const listing = answer(200, { data: { "file/": { type: "file" } } });
    assert.equal(audit.record!({ type: "file", path: "file" }, [listing]), undefined);
    assert.equal(audit.record!({ type: "socket", path: "socket" }, [listing]), "no socket audit device at socket/ in sys/audit");
    assert.ok(!audit.gone!([listing], { type: "file", path: "file" }));
    assert.ok(audit.gone!([listing], { type: "socket" }));
    assert.deepEqual(audit.remove({ type: "file", path: "file" }, {}), [{ method: "DELETE", path: "sys/audit/file" }]);
  });

  it("gives each type the provider's ID, read and delete calls, for a backend at a path of its own", () => {
    const table: Array<[string, Record<string, unknown>, Record<string, unknown>, string, string[], string[]]> = [
      [VAULT_TYPES.mount, { path: "team/kv", type: "kv" }, {}, "team/kv", ["GET sys/mounts/team/kv"], ["DELETE sys/mounts/team/kv"]],
      [VAULT_TYPES.kvV2Config, { mount: "team/kv" }, {}, "team/kv/config", ["GET team/kv/config"], []],
      [VAULT_TYPES.policy, { name: "kes" }, {}, "kes", ["GET sys/policies/acl/kes"], ["DELETE sys/policies/acl/kes"]],
      [VAULT_TYPES.authBackend, { type: "approle", path: "team/approle" }, {}, "team/approle", ["GET sys/mounts/auth/team/approle"], ["DELETE sys/auth/team/approle"]],
      [VAULT_TYPES.approleRole, { backend: "team/approle", roleName: "kes" }, {}, "auth/team/approle/role/kes",
        ["GET auth/team/approle/role/kes", "GET auth/team/approle/role/kes/role-id"], ["DELETE auth/team/approle/role/kes"]],
      [VAULT_TYPES.approleSecretId, { backend: "team/approle", roleName: "kes" }, { accessor: "a" }, "backend=team/approle::role=kes::accessor=a",
        ["PUT auth/team/approle/role/kes/secret-id-accessor/lookup"], ["PUT auth/team/approle/role/kes/secret-id-accessor/destroy"]],
      [VAULT_TYPES.tokenRole, { roleName: "apisix" }, {}, "auth/token/roles/apisix", ["GET auth/token/roles/apisix"], ["DELETE auth/token/roles/apisix"]],
      [VAULT_TYPES.token, { roleName: "apisix" }, { accessor: "a" }, "a", ["POST auth/token/lookup-accessor"], ["POST auth/token/revoke-accessor"]],
      [VAULT_TYPES.kubernetesConfig, { backend: "team/k8s" }, {}, "auth/team/k8s/config", ["GET auth/team/k8s/config"], []],
      [VAULT_TYPES.kubernetesRole, { backend: "team/k8s", roleName: "my-app" }, {}, "auth/team/k8s/role/my-app", ["GET auth/team/k8s/role/my-app"], ["DELETE auth/team/k8s/role/my-app"]],
      [VAULT_TYPES.audit, { type: "socket", path: "team/socket" }, {}, "team/socket", ["GET sys/audit"], ["DELETE sys/audit/team/socket"]],
    ];
    const described = (list: Array<{ method: string; path: string }>) => list.map((call) => `${call.method} ${call.path}`);
    for (const [type, i, computed, id, read, remove] of table) {
      const entry = calls(type);
      assert.deepEqual([entry.id(i, computed), described(entry.read(i, computed)), described(entry.remove(i, computed))], [id, read, remove], type);
    }
    // Defaults: the backend's type is its path, AppRole's and Kubernetes' default backends.
    assert.equal(calls(VAULT_TYPES.authBackend).id({ type: "approle" }, {}), "approle");
    assert.equal(calls(VAULT_TYPES.approleRole).id({ roleName: "kes" }, {}), "auth/approle/role/kes");
    assert.equal(calls(VAULT_TYPES.kubernetesRole).id({ roleName: "my-app" }, {}), "auth/kubernetes/role/my-app");
    assert.equal(calls(VAULT_TYPES.kubernetesConfig).id({}, {}), "auth/kubernetes/config");
    assert.equal(calls(VAULT_TYPES.audit).id({ type: "file" }, {}), "file");
  });

  it("reports, on a refresh, the value Vault has for each input the program set", () => {
    const observe = (type: string, i: Record<string, unknown>, data: Record<string, unknown>) => calls(type).observe!(i, [withData(data)]);
    assert.deepEqual(observe(VAULT_TYPES.policy, { name: "p", policy: "a" }, { policy: "b" }), { policy: "b" });
    assert.deepEqual(observe(VAULT_TYPES.authBackend, { type: "approle", description: "d" }, { type: "approle", description: "e" }), { type: "approle", description: "e" });
    assert.deepEqual(observe(VAULT_TYPES.tokenRole, { allowedPolicies: ["a"], orphan: true, renewable: true, tokenPeriod: 300, tokenNumUses: 0 },
      { allowed_policies: ["b"], orphan: false, renewable: false, token_period: 60 }), { allowedPolicies: ["b"], orphan: false, renewable: false, tokenPeriod: 60 });
    assert.deepEqual(observe(VAULT_TYPES.kubernetesRole, { boundServiceAccountNames: ["sa"], boundServiceAccountNamespaces: ["ns"], audience: "vault", tokenPolicies: ["p"], tokenTtl: 60, tokenMaxTtl: 120 },
      { bound_service_account_names: ["x"], bound_service_account_namespaces: ["y"], audience: "z", token_policies: ["q"], token_ttl: 1, token_max_ttl: 2 }),
    { boundServiceAccountNames: ["x"], boundServiceAccountNamespaces: ["y"], audience: "z", tokenPolicies: ["q"], tokenTtl: 1, tokenMaxTtl: 2 });
    assert.deepEqual(observe(VAULT_TYPES.approleRole, { tokenNumUses: 0, secretIdNumUses: 0, bindSecretId: true }, { token_num_uses: 3, secret_id_num_uses: 4, bind_secret_id: false }),
      { tokenNumUses: 3, secretIdNumUses: 4, bindSecretId: false });
    assert.deepEqual(observe(VAULT_TYPES.kubernetesConfig, { kubernetesCaCert: "a", disableIssValidation: false }, { kubernetes_ca_cert: "b", disable_iss_validation: true }), { kubernetesCaCert: "b", disableIssValidation: true });
    assert.deepEqual(calls(VAULT_TYPES.audit).observe!({ type: "file", path: "file" }, [answer(200, { "file/": { type: "file" } })]), { type: "file" });
    assert.deepEqual(observe(VAULT_TYPES.kvV2Config, { casRequired: false }, { cas_required: true }), { casRequired: true });
  });

  it("decides what the provider sends as terraform-plugin-sdk's getters do", () => {
    assert.deepEqual([undefined, null, false, 0, "", [], {}].map(ok), [false, false, false, false, false, false, false]);
    assert.deepEqual([true, 1, "x", ["a"], { a: 1 }].map(ok), [true, true, true, true, true]);
    assert.deepEqual([[1], 5, true, { a: 1 }, "x"].map(zeroOf), [[], 0, false, {}, ""]);
    assert.equal(snakeCase("tokenBoundCidrs"), "token_bound_cidrs");
  });
});
