import { strict as assert } from "assert";
import { Acl, parsePolicy, ruleText } from "../acl";
import { provisionerRules } from "../access/provisioner";
import { VAULT_TYPES } from "../components/resourceTypes";
import { pkiRoleSettings } from "../config/engines";
import { ProgramRun, isSecretInput, runProgram, unwrapSecret } from "../offline/runtime";
import { RESOURCE_CALLS } from "../local/provider/vaultCalls";
import type { VaultResponse } from "../local/vaultHttp";
import { checkInvalidCases } from "./config.test";
import { devWithVault, encodeConfig, layerWith } from "./fixtures";
import { Config, InvalidCase } from "./invalidConfigs";
import { ofType, onlyOfType } from "./programRun";

const PKI = {
  rootPath: "pki",
  intermediatePath: "pki_int",
  root: { commonName: "Example Root CA", ttl: "87600h", keyType: "ec" },
  intermediate: { commonName: "Example Intermediate CA", ttl: "43800h", keyType: "ec" },
  roles: [
    { name: "mesh", allowedDomains: ["svc.cluster.local"], ttl: "1h", maxTtl: "24h" },
    { name: "web-only", allowedDomains: ["svc.cluster.local"], clientFlag: false, keyType: "rsa" },
  ],
};
const withPki = (pki: Record<string, unknown> = PKI) => (config: Config) => { config["vault-platform:engines"] = { pki }; };
const pkiOf = (config: Config) => config["vault-platform:engines"].pki;
const withPkiConfig = () => { const config = devWithVault(); withPki(structuredClone(PKI))(config); return config; };

const PKI_CASES: InvalidCase[] = [
  { title: "a PKI role whose key size does not go with its type", mutate: (c) => { pkiOf(c).roles[0].keyBits = 2048; }, message: /^vault-platform:engines\.pki\.roles\[0\]\.keyBits 2048 does not go with keyType ec; use one of 256, 384, 521$/ },
  { title: "an imported root naming no secret", mutate: (c) => { pkiOf(c).root = { importedBundleSecret: "root-bundle" }; }, message: /^vault-platform:engines\.pki\.root\.importedBundleSecret names "root-bundle", which vault-platform:secrets does not hold/ },
  { title: "a role outliving the intermediate", mutate: (c) => { pkiOf(c).roles[0].maxTtl = "50000h"; }, message: /^vault-platform:engines\.pki\.roles\[0\]\.maxTtl 50000h outlives intermediate\.ttl 43800h; Vault refuses leaves past their issuer's expiry: lower maxTtl$/ },
  { title: "an intermediate outliving the root", mutate: (c) => { pkiOf(c).root.ttl = "8760h"; }, message: /^vault-platform:engines\.pki\.intermediate\.ttl 43800h outlives root\.ttl 8760h; the root cannot sign past its own expiry/ },
  { title: "a role ttl beyond its maxTtl", mutate: (c) => { pkiOf(c).roles[0].ttl = "48h"; }, message: /^vault-platform:engines\.pki\.roles\[0\]\.ttl 48h is longer than its maxTtl 24h/ },
  { title: "two PKI roles of one name", mutate: (c) => { pkiOf(c).roles[1].name = "mesh"; }, message: /^vault-platform:engines\.pki\.roles declares name "mesh" twice; role names must be unique$/ },
  { title: "the intermediate on the root's mount", mutate: (c) => { pkiOf(c).intermediatePath = "pki"; }, message: /declare path "pki" twice; each mount path must be unique/ },
  { title: "a PKI role domain that is a URL", mutate: (c) => { pkiOf(c).roles[0].allowedDomains = ["https://svc"]; }, message: /^vault-platform:engines\.pki\.roles\[0\]\.allowedDomains\[0\] must be a DNS domain such as svc\.cluster\.local/ },
  { title: "a grant of an undeclared PKI role", mutate: (c) => { c["vault-platform:consumers"][0].grants = { pki: ["ingress"] }; }, message: /grants\.pki\[0\] "ingress" is not declared in vault-platform:engines\.pki \(declared: mesh, web-only\)/ },
];

describe("config: PKI engine declarations", () => checkInvalidCases(PKI_CASES, withPkiConfig));

describe("vault layer: the PKI engine's registrations", () => {
  let run: ProgramRun;
  before(async () => {
    const config = withPkiConfig();
    config["vault-platform:consumers"][0].grants = { pki: ["mesh"] };
    run = await runProgram(encodeConfig(config));
  });

  it("mounts the root and the intermediate as protected pki mounts, each with its URLs under Vault's address", () => {
    const mounts = ofType(run, VAULT_TYPES.mount).filter((mount) => mount.inputs.type === "pki");
    assert.deepEqual(mounts.map((mount) => [mount.inputs.path, mount.inputs.maxLeaseTtlSeconds, mount.protect]), [["pki", 315360000, true], ["pki_int", 157680000, true]]);
    const urls = ofType(run, VAULT_TYPES.pkiConfigUrls).map((registration) => registration.inputs);
    assert.deepEqual(urls.map((url) => url.backend), ["pki", "pki_int"]);
    for (const url of urls) {
      assert.match(url.issuingCertificates[0], new RegExp(`^https://.+:8200/v1/${url.backend}/ca$`));
      assert.match(url.crlDistributionPoints[0], new RegExp(`^https://.+:8200/v1/${url.backend}/crl$`));
    }
  });

  it("generates the root inside Vault (type internal), protected, and signs an internally generated intermediate with it", () => {
    const root = onlyOfType(run, VAULT_TYPES.pkiRootCert);
    assert.deepEqual(root.inputs, { backend: "pki", type: "internal", commonName: "Example Root CA", ttl: "87600h", keyType: "ec", keyBits: 256 });
    assert.equal(root.protect, true);
    assert.deepEqual(onlyOfType(run, VAULT_TYPES.pkiIntermediateCertRequest).inputs, { backend: "pki_int", type: "internal", commonName: "Example Intermediate CA", keyType: "ec", keyBits: 256 });
    const signed = onlyOfType(run, VAULT_TYPES.pkiRootSignIntermediate);
    assert.equal(signed.inputs.backend, "pki");
    assert.equal(signed.inputs.ttl, "43800h");
    assert.equal(onlyOfType(run, VAULT_TYPES.pkiIntermediateSetSigned).inputs.backend, "pki_int");
    assert.deepEqual(ofType(run, VAULT_TYPES.pkiConfigCa), []);
  });

  it("writes each role with every flag set: declared domains, no localhost, IPs, wildcards or any name; the flags and key as declared", () => {
    const [mesh, webOnly] = ofType(run, VAULT_TYPES.pkiRole).map((role) => role.inputs);
    assert.deepEqual([mesh.name, mesh.allowedDomains, mesh.allowSubdomains, mesh.allowBareDomains, mesh.ttl, mesh.maxTtl, mesh.keyType, mesh.keyBits], ["mesh", ["svc.cluster.local"], true, false, "1h", "24h", "ec", 256]);
    assert.deepEqual([mesh.allowAnyName, mesh.allowLocalhost, mesh.allowIpSans, mesh.allowWildcardCertificates, mesh.allowGlobDomains, mesh.serverFlag, mesh.clientFlag], [false, false, false, false, false, true, true]);
    assert.deepEqual([webOnly.serverFlag, webOnly.clientFlag, webOnly.keyType, webOnly.keyBits, webOnly.ttl, webOnly.maxTtl], [true, false, "rsa", 2048, "72h", "720h"]);
  });

  it("imports a root from the named secret as a secret input, protected, instead of generating one", async () => {
    const config = withPkiConfig();
    pkiOf(config).root = { importedBundleSecret: "root-bundle" };
    config["vault-platform:secrets"] = { "root-bundle": "-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n" };
    const imported = await runProgram(encodeConfig(config));
    const ca = onlyOfType(imported, VAULT_TYPES.pkiConfigCa);
    assert.ok(isSecretInput(ca.inputs.pemBundle), "the bundle holds the root's private key");
    assert.match(unwrapSecret(ca.inputs.pemBundle), /root/);
    assert.equal(ca.protect, true);
    assert.deepEqual(ofType(imported, VAULT_TYPES.pkiRootCert), []);
    // The root mount lets the intermediate live its declared lifetime.
    assert.equal(ofType(imported, VAULT_TYPES.mount).find((mount) => mount.inputs.path === "pki")!.inputs.maxLeaseTtlSeconds, 157680000);
  });
});

const answer = (status: number, body?: unknown): VaultResponse => ({ status, body } as VaultResponse);
const calls = (type: string) => RESOURCE_CALLS[type];

describe("the stand-in's PKI calls, as terraform-provider-vault sends them", () => {
  it("root certificate: PUT <backend>/issuers/generate/root/<type> with what the program set, the ID and delete by issuer", () => {
    const root = calls(VAULT_TYPES.pkiRootCert);
    const i = { backend: "/pki/", type: "internal", commonName: "Root", ttl: "87600h", keyType: "ec", keyBits: 256 };
    assert.deepEqual(root.create(i), [{
      method: "PUT", path: "pki/issuers/generate/root/internal",
      body: { common_name: "Root", ttl: "87600h", key_type: "ec", key_bits: 256, exclude_cn_from_sans: false, use_pss: false },
    }]);
    assert.deepEqual(root.create({ ...i, type: "existing", altNames: ["a", "b"] })[0].body, { common_name: "Root", ttl: "87600h", exclude_cn_from_sans: false, use_pss: false, alt_names: "a,b" });
    const computed = root.created!(i, [answer(200, { data: { certificate: "C", issuing_ca: "C", serial_number: "01", issuer_id: "abc", key_id: "k" } })]);
    assert.deepEqual(computed, { values: { certificate: "C", issuingCa: "C", serialNumber: "01", issuerId: "abc", keyId: "k" } });
    assert.equal(root.id(i, { issuerId: "abc" }), "pki/issuer/abc");
    assert.deepEqual(root.remove(i, { issuerId: "abc" }), [{ method: "DELETE", path: "pki/issuer/abc" }]);
    assert.deepEqual(root.read(i, {}), [{ method: "GET", path: "sys/mounts/pki" }]);
    assert.ok(root.gone!([answer(400, { errors: ["No secret engine mount at pki/"] })], i));
    assert.ok(!(root.replaceOn as string[]).includes("ttl"), "ttl is the one field that is not ForceNew");
    assert.deepEqual((root.update as (i: object) => unknown)(i), []);
  });

  it("intermediate CSR: PUT <backend>/issuers/generate/intermediate/<type> with d.GetOk's schema defaults; no read, no delete, no update", () => {
    const request = calls(VAULT_TYPES.pkiIntermediateCertRequest);
    assert.deepEqual(request.create({ backend: "pki_int", type: "internal", commonName: "Int" }), [{
      method: "PUT", path: "pki_int/issuers/generate/intermediate/internal",
      body: { common_name: "Int", format: "pem", private_key_format: "der", key_type: "rsa", key_bits: 2048, exclude_cn_from_sans: false, add_basic_constraints: false },
    }]);
    assert.equal(request.created!({}, [answer(200, { data: {} })]), "no csr in the answer");
    assert.deepEqual([request.read({}, {}), request.remove({}, {}), request.replaceOn, request.update], [[], [], "all", undefined]);
  });

  it("root signs the intermediate: PUT <backend>/root/sign-intermediate (or issuer/<ref>/...), the chain and bundle it computes", () => {
    const sign = calls(VAULT_TYPES.pkiRootSignIntermediate);
    const i = { backend: "pki", csr: "CSR", commonName: "Int", ttl: "43800h" };
    assert.deepEqual(sign.create(i), [{ method: "PUT", path: "pki/root/sign-intermediate", body: { csr: "CSR", common_name: "Int", ttl: "43800h", exclude_cn_from_sans: false, use_csr_values: false, use_pss: false } }]);
    assert.equal(sign.create({ ...i, issuerRef: "r1" })[0].path, "pki/issuer/r1/sign-intermediate");
    const pem = (name: string) => `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----`;
    const computed = sign.created!(i, [answer(200, { data: { certificate: `${pem("int")}\n`, issuing_ca: pem("root"), serial_number: "02" } })]) as { values: Record<string, unknown> };
    assert.deepEqual(computed.values.caChains, [pem("root"), pem("int")]);
    assert.equal(computed.values.certificateBundle, `${pem("int")}\n${pem("root")}`);
    assert.deepEqual((sign.created!(i, [answer(200, { data: { certificate: pem("int"), issuing_ca: pem("root"), ca_chain: ["x"] } })]) as { values: Record<string, unknown> }).values.caChains, ["x"]);
    assert.equal(sign.id(i, {}), "pki/Int");
    assert.deepEqual(sign.remove(i, {}), []);
  });

  it("set-signed, config/ca, config/urls and roles: their bodies, reads, updates and deletes", () => {
    assert.deepEqual(calls(VAULT_TYPES.pkiIntermediateSetSigned).create({ backend: "pki_int", certificate: "B" }), [{ method: "PUT", path: "pki_int/intermediate/set-signed", body: { certificate: "B" } }]);
    assert.deepEqual(calls(VAULT_TYPES.pkiConfigCa).create({ backend: "pki", pemBundle: "P" }), [{ method: "PUT", path: "pki/config/ca", body: { pem_bundle: "P" } }]);
    assert.deepEqual(calls(VAULT_TYPES.pkiConfigCa).created!({}, [answer(200, { data: { imported_issuers: ["i"], imported_keys: ["k"] } })]), { values: { importedIssuers: ["i"], importedKeys: ["k"] }, secret: ["importedIssuers", "importedKeys"] });
    const urls = calls(VAULT_TYPES.pkiConfigUrls);
    assert.deepEqual(urls.create({ backend: "pki", issuingCertificates: ["u"] }), [{ method: "PUT", path: "pki/config/urls", body: { issuing_certificates: ["u"], crl_distribution_points: [], ocsp_servers: [] } }]);
    assert.deepEqual([urls.update, urls.replaceOn, urls.remove({}, {})], ["create", [], []]);
    const role = calls(VAULT_TYPES.pkiRole);
    const body = role.create({ backend: "pki_int", name: "mesh", allowedDomains: ["svc.cluster.local"], allowLocalhost: false, ttl: "1h" })[0];
    assert.equal(body.path, "pki_int/roles/mesh");
    assert.deepEqual(body.body, {
      allowed_domains: ["svc.cluster.local"], allow_any_name: false, allow_bare_domains: false, allow_glob_domains: false, allow_ip_sans: true, allow_localhost: false,
      allow_subdomains: false, allow_wildcard_certificates: true, allowed_uri_sans_template: false, basic_constraints_valid_for_non_ca: false, client_flag: true,
      code_signing_flag: false, email_protection_flag: false, enforce_hostnames: true, generate_lease: false, no_store: false, require_cn: true, server_flag: true,
      use_csr_common_name: true, use_csr_sans: true, key_bits: 2048, key_type: "rsa", ttl: "1h",
    });
    assert.deepEqual(role.remove({ backend: "pki_int", name: "mesh" }, {}), [{ method: "DELETE", path: "pki_int/roles/mesh" }]);
    assert.deepEqual(role.replaceOn, ["backend", "name"]);
  });
});

describe("provisioner: the PKI engine's rules", () => {
  const layer = layerWith((config) => withPki(structuredClone(PKI))(config));
  const rules = provisionerRules(layer).filter((rule) => /^(sys\/mounts\/)?pki/.test(rule.path));
  const acl = new Acl([parsePolicy(rules.map(ruleText).join("\n"), "provisioner")]);

  it("names every path up needs, without sudo, and deletes nothing but roles", () => {
    assert.deepEqual(rules.map((rule) => `${rule.path} ${rule.capabilities.join(",")}`), [
      "sys/mounts/pki create,read,update", "sys/mounts/pki/tune read,update", "pki/config/urls read,update",
      "pki/issuers/generate/root/internal update", "pki/root/sign-intermediate update",
      "sys/mounts/pki_int create,read,update", "sys/mounts/pki_int/tune read,update", "pki_int/config/urls read,update",
      "pki_int/issuers/generate/intermediate/internal update", "pki_int/intermediate/set-signed update",
      "pki_int/roles/mesh create,read,update,delete", "pki_int/roles/web-only create,read,update,delete",
    ]);
  });

  it("lets the declared role through and refuses a widened one (any name, another domain, localhost, an unknown parameter)", () => {
    const declared = RESOURCE_CALLS[VAULT_TYPES.pkiRole].create({ backend: "pki_int", name: "mesh", allowedDomains: ["svc.cluster.local"], ...meshInputs() })[0].body!;
    assert.ok(acl.allows("update", "pki_int/roles/mesh", { data: declared }));
    assert.ok(acl.allows("update", "pki_int/roles/mesh", { data: { ...declared, issuer_ref: "default", key_usage: ["DigitalSignature"], cn_validations: ["email", "hostname"] } }), "what an update sends back");
    for (const widened of [{ allow_any_name: true }, { allow_any_name: "true" }, { allowed_domains: ["svc.cluster.local", "example.com"] }, { allowed_domains: "example.com" }, { allow_localhost: true }, { ttl: "87600h" }, { code_signing_flag: true }, { allowed_other_sans: ["*"] }]) {
      assert.ok(!acl.allows("update", "pki_int/roles/mesh", { data: { ...declared, ...widened } }), JSON.stringify(widened));
    }
    assert.ok(!acl.allows("update", "pki/root/sign-intermediate", { data: { csr: "x", common_name: "Evil CA", ttl: "43800h" } }));
    assert.ok(!acl.allows("update", "pki/issuers/generate/root/internal", { data: { common_name: "Example Root CA", ttl: "87600h", permitted_dns_domains: "example.com" } }));
    assert.ok(!acl.allows("update", "pki/config/urls", { data: { issuing_certificates: ["https://evil.example/ca"], crl_distribution_points: [], ocsp_servers: [] } }));
    assert.ok(acl.allows("update", "pki/config/urls", { data: { issuing_certificates: ["https://vault:8200/v1/pki/ca"], crl_distribution_points: ["https://vault:8200/v1/pki/crl"], ocsp_servers: [] } }));
  });

  it("writes boolean pins as HCL bools, which Vault compares by type", () => {
    const text = ruleText(rules.find((rule) => rule.path === "pki_int/roles/mesh")!);
    assert.match(text, /"allow_any_name" = \[false\]/);
    assert.match(text, /"allowed_domains" = \["svc\.cluster\.local"\]/);
    assert.doesNotMatch(text, /"\*"/);
  });

  it("imports a root at config/ca instead of generating one", () => {
    const imported = layerWith((config) => {
      withPki({ ...structuredClone(PKI), root: { importedBundleSecret: "root-bundle" } })(config);
      config["vault-platform:secrets"] = { "root-bundle": "bundle" };
    });
    const paths = provisionerRules(imported).map((rule) => rule.path);
    assert.ok(paths.includes("pki/config/ca"));
    assert.ok(!paths.includes("pki/issuers/generate/root/internal"));
  });
});

/** The mesh role's inputs as the component sets them, but its domains. */
function meshInputs() {
  const { allowedDomains: _domains, ...rest } = pkiRoleSettings(layerWith((config) => withPki(structuredClone(PKI))(config)).engines.pki!.roles[0]);
  return rest;
}
