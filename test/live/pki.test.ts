/**
 * PKI for mTLS through the real engine: `localUp` declares a root and an intermediate on a real Vault
 * 1.21.1, two roles (`mesh`: server and client leaves under svc.cluster.local; `web-only`: server leaves
 * only), and consumers granted `mesh` (one with a scoped token, one with Kubernetes auth on the fake API
 * server), with the provisioner holding only the generated policy. Then what the chain is for, with
 * the consumers' own credentials and openssl: leaves issued, an mTLS handshake between two of them
 * (`openssl s_server -Verify` on loopback, stopped by PID), the handshakes that must fail, a revoked
 * serial on the intermediate's CRL, the grant's edges (403), and cert-manager's Vault issuer request
 * made exactly as cert-manager makes it (Kubernetes login, then `<intermediate>/sign/<role>` with a CSR).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { provisionerRules } from "../../access/provisioner";
import { DEFAULT_AUDIENCE } from "../../components/vault/kubernetes";
import { ConfigKey } from "../../config";
import { jsonRequest } from "../../local/jsonHttp";
import { localDown, LocalUp, localUp } from "../../local/localStack";
import { LocalLayout } from "../../local/localServers";
import { vaultCall, vaultRequest } from "../../local/vaultHttp";
import { freeLoopbackPort } from "./devVault";
import { localStackRun } from "./localStackRun";
import { logTail, ManagedProcess, runDirectory, startProcess, stopProcess, waitFor } from "./processes";

const PASSPHRASE = "live-test-passphrase";
const DOMAIN = "svc.cluster.local";
const PKI = {
  rootPath: "pki",
  intermediatePath: "pki_int",
  root: { commonName: "vault-platform live root CA", ttl: "87600h", keyType: "ec" },
  intermediate: { commonName: "vault-platform live intermediate CA", ttl: "43800h", keyType: "ec" },
  roles: [
    { name: "mesh", allowedDomains: [DOMAIN], allowSubdomains: true, ttl: "1h", maxTtl: "24h", keyType: "ec", serverFlag: true, clientFlag: true },
    { name: "web-only", allowedDomains: [DOMAIN], allowSubdomains: true, ttl: "1h", maxTtl: "24h", keyType: "ec", serverFlag: true, clientFlag: false },
  ],
};
const MOUNTS = [{ path: "kv", version: 1, description: "Gateway and KMS secrets" }, { path: "secret", version: 2, description: "Application secrets" }];
const MY_APP = { namespace: "default", serviceAccount: "my-app-account" };
const CONSUMERS = [
  { name: "edge", policy: "apisix", token: { ttl: "1h" }, grants: { pki: ["mesh"] } },
  { name: "my-app", policy: "my-app", kubernetes: { ...MY_APP, tokenPeriod: "1h" }, grants: { pki: ["mesh"] } },
  { name: "kes", policy: "kes", token: { ttl: "1h" } },
];
/** cert-manager's default Certificate duration (v1.DefaultCertificateDuration, 90 days) as Go's Duration.String() writes it. */
const CERT_MANAGER_DEFAULT_TTL = "2160h0m0s";

interface Leaf { certificate: string; privateKey: string; serial: string; caChain: string[] }

describe("live: PKI for mTLS through the Pulumi engine, used with the consumers' own credentials", function () {
  let root: string;
  let layout: LocalLayout;
  let up: LocalUp;
  let files: string;
  const observed: Record<string, string> = {};
  const endpoint = () => up.servers.vault.endpoint;
  const asRoot = () => ({ token: up.servers.vault.rootToken });
  const tokens = () => up.outputs.tokens.value as Record<string, string>;
  const file = (name: string, text: string) => {
    const written = path.join(files, name);
    fs.writeFileSync(written, text, { mode: 0o600 });
    return written;
  };
  /** An openssl command, bounded; its status and output. */
  const openssl = (args: string[], input = "") => spawnSync("openssl", args, { input, encoding: "utf8", timeout: 20_000 });
  const issue = async (token: string, role: string, body: Record<string, unknown>) => vaultRequest(endpoint(), "POST", `${PKI.intermediatePath}/issue/${role}`, { token, body });
  const issued = async (token: string, role: string, commonName: string, ttl = "10m"): Promise<Leaf> => {
    const answer = await issue(token, role, { common_name: commonName, ttl });
    assert.equal(answer.status, 200, JSON.stringify(answer.body?.errors));
    const { certificate, private_key: privateKey, serial_number: serial, ca_chain: caChain } = answer.body.data;
    return { certificate, privateKey, serial, caChain };
  };

  before(async function () {
    this.timeout(300_000);
    const run = await localStackRun("pki");
    root = run.root;
    layout = run.layout;
    files = fs.mkdtempSync(path.join(runDirectory(), "pki-files-"));
    const overrides: Partial<Record<ConfigKey, unknown>> = {
      ...run.overrides,
      mounts: MOUNTS,
      consumers: CONSUMERS,
      engines: { pki: PKI },
    };
    up = await localUp({ root, passphrase: PASSPHRASE, overrides });
    observed.up = `${up.seconds.toFixed(1)} s, ${up.steps.filter((step) => step.type.startsWith("vault:pkiSecret/")).length} PKI resources`;
  });

  after(async function () {
    this.timeout(60_000);
    if (root) await localDown(root);
    console.log(`pki: ${Object.entries(observed).map(([key, value]) => `${key}: ${value}`).join("; ") || "nothing measured"}`);
  });

  it("created the chain through the engine with the provisioner's generated policy: two protected mounts, a root whose key stayed in Vault, a signed intermediate, two roles", async () => {
    const created = up.steps.filter((step) => step.op === "create" && /vault:(pkiSecret\/|index\/mount:)/.test(step.type)).map((step) => step.name).sort();
    assert.deepEqual(created, [
      "vault-config-mounts-kv", "vault-config-mounts-secret",
      "vault-config-pki-intermediate", "vault-config-pki-intermediate-ca", "vault-config-pki-intermediate-csr", "vault-config-pki-intermediate-signed", "vault-config-pki-intermediate-urls",
      "vault-config-pki-role-mesh", "vault-config-pki-role-web-only",
      "vault-config-pki-root", "vault-config-pki-root-ca", "vault-config-pki-root-urls",
    ]);
    const state = (await up.stack.exportStack()).deployment.resources as Array<{ urn: string; protect?: boolean; outputs?: Record<string, unknown> }>;
    const protectedNames = state.filter((resource) => resource.protect).map((resource) => resource.urn.split("::").pop()).filter((name) => name!.startsWith("vault-config-pki")).sort();
    assert.deepEqual(protectedNames, ["vault-config-pki-intermediate", "vault-config-pki-root", "vault-config-pki-root-ca"]);
    // type internal: Vault answers no private key, and the state holds none.
    const rootCa = state.find((resource) => resource.urn.endsWith("::vault-config-pki-root-ca"))!;
    assert.equal(JSON.stringify(rootCa.outputs).includes("PRIVATE KEY"), false);
    const keys = await vaultCall(endpoint(), "LIST", `${PKI.rootPath}/keys`, asRoot());
    assert.equal(keys.data.keys.length, 1);
    assert.equal((await vaultCall(endpoint(), "GET", `${PKI.rootPath}/key/${keys.data.keys[0]}`, asRoot())).data.key_type, "ec");
  });

  it("made each PKI call terraform-provider-vault makes, with a policy that has no sudo on them (no PKI path the engine uses is root-protected) and no delete but the roles'", () => {
    const pkiCalls = up.calls.filter((call) => call.type.startsWith("vault:pkiSecret/")).map((call) => `${call.resource} ${call.phase} ${call.method} ${call.path} ${call.status}`);
    assert.deepEqual(pkiCalls.sort(), [
      `vault-config-pki-intermediate-ca create PUT ${PKI.intermediatePath}/intermediate/set-signed 200`,
      `vault-config-pki-intermediate-ca read GET sys/mounts/${PKI.intermediatePath} 200`,
      `vault-config-pki-intermediate-csr create PUT ${PKI.intermediatePath}/issuers/generate/intermediate/internal 200`,
      `vault-config-pki-intermediate-signed create PUT ${PKI.rootPath}/root/sign-intermediate 200`,
      `vault-config-pki-intermediate-urls create PUT ${PKI.intermediatePath}/config/urls 200`,
      `vault-config-pki-intermediate-urls read GET ${PKI.intermediatePath}/config/urls 200`,
      `vault-config-pki-role-mesh create PUT ${PKI.intermediatePath}/roles/mesh 200`,
      `vault-config-pki-role-mesh read GET ${PKI.intermediatePath}/roles/mesh 200`,
      `vault-config-pki-role-web-only create PUT ${PKI.intermediatePath}/roles/web-only 200`,
      `vault-config-pki-role-web-only read GET ${PKI.intermediatePath}/roles/web-only 200`,
      `vault-config-pki-root-ca create PUT ${PKI.rootPath}/issuers/generate/root/internal 200`,
      `vault-config-pki-root-ca read GET sys/mounts/${PKI.rootPath} 200`,
      `vault-config-pki-root-urls create PUT ${PKI.rootPath}/config/urls 200`,
      `vault-config-pki-root-urls read GET ${PKI.rootPath}/config/urls 200`,
    ].sort());
    const pkiPaths = [PKI.rootPath, PKI.intermediatePath].flatMap((mount) => [`${mount}/`, `sys/mounts/${mount}`]);
    const pkiRules = provisionerRules(up.config.vaultLayer).filter((rule) => pkiPaths.some((prefix) => rule.path.startsWith(prefix)));
    assert.equal(pkiRules.length, 12);
    assert.deepEqual(pkiRules.filter((rule) => rule.capabilities.includes("sudo") || rule.capabilities.includes("delete")).map((rule) => rule.path), [
      `${PKI.intermediatePath}/roles/mesh`, `${PKI.intermediatePath}/roles/web-only`,
    ]);
  });

  it("reads each role back with the values its update would send again, which the provisioner's pins allow", async () => {
    const role = (await vaultCall(endpoint(), "GET", `${PKI.intermediatePath}/roles/mesh`, asRoot())).data;
    assert.deepEqual(
      { issuer_ref: role.issuer_ref, key_usage: role.key_usage, cn_validations: role.cn_validations, serial_number_source: role.serial_number_source },
      { issuer_ref: "default", key_usage: ["DigitalSignature", "KeyAgreement", "KeyEncipherment"], cn_validations: ["email", "hostname"], serial_number_source: "json-csr" },
    );
    assert.deepEqual([role.allow_any_name, role.allow_localhost, role.allow_ip_sans, role.allow_wildcard_certificates, role.allow_glob_domains], [false, false, false, false, false]);
  });

  describe("leaves issued with the consumers' own tokens, and an mTLS handshake between them", () => {
    let server: Leaf;
    let client: Leaf;
    let chainFile: string;
    let port: number;
    let sServer: ManagedProcess | undefined;

    /** `openssl s_server -Verify 1` with a leaf on 127.0.0.1 (optionally checking the intermediate's CRL); started and stopped by PID. */
    const startServer = async (extra: string[] = []) => {
      port = await freeLoopbackPort();
      sServer = startProcess("openssl-s_server", "openssl", [
        "s_server", "-accept", `127.0.0.1:${port}`, "-cert", file("server.crt", server.certificate), "-key", file("server.key", server.privateKey),
        "-CAfile", chainFile, "-Verify", "1", "-verify_return_error", "-www", ...extra,
      ]);
      await waitFor("s_server to accept", async () => {
        if (sServer!.hasExited()) throw new Error(`s_server exited: ${logTail(sServer!)}`);
        return fs.readFileSync(sServer!.logFile, "utf8").includes("ACCEPT") ? true : undefined;
      }, 10_000);
    };
    /** One HTTPS request through `openssl s_client` with a client leaf; true when the server answered (the handshake held). */
    const handshake = (leaf: Leaf, name: string) => {
      const result = openssl([
        "s_client", "-connect", `127.0.0.1:${port}`, "-CAfile", chainFile, "-verify_return_error", "-quiet",
        "-cert", file(`${name}.crt`, leaf.certificate), "-key", file(`${name}.key`, leaf.privateKey),
      ], "GET / HTTP/1.0\r\n\r\n");
      return result.stdout.includes("HTTP/1.0 200 ok");
    };
    const stopServer = async () => {
      if (sServer) await stopProcess(sServer);
      sServer = undefined;
    };

    before(async () => {
      chainFile = file("chain.pem", `${up.outputs.pkiCaChain.value}\n`);
      server = await issued(tokens().edge, "mesh", `frontend.default.${DOMAIN}`);
      client = await issued(tokens().edge, "mesh", `backend.default.${DOMAIN}`);
    });
    afterEach(stopServer);

    it("issues leaves through edge's token at pki_int/issue/mesh whose chain is the stack's pkiCaChain output (intermediate, then the root)", () => {
      const chain = (up.outputs.pkiCaChain.value as string).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
      assert.deepEqual(server.caChain.map((pem) => pem.trim()), chain.map((pem) => pem.trim()));
      const subject = openssl(["x509", "-noout", "-subject", "-issuer", "-ext", "extendedKeyUsage,crlDistributionPoints"], server.certificate).stdout;
      assert.match(subject, /subject=CN = frontend\.default\.svc\.cluster\.local/);
      assert.match(subject, /issuer=CN = vault-platform live intermediate CA/);
      assert.match(subject, /TLS Web Server Authentication, TLS Web Client Authentication/);
      assert.match(subject, new RegExp(`URI:https://127\\.0\\.0\\.1:\\d+/v1/${PKI.intermediatePath}/crl`));
    });

    it("completes an mTLS handshake between two mesh leaves (s_server -Verify 1, CA = the chain)", async () => {
      await startServer();
      assert.equal(handshake(client, "client"), true, fs.readFileSync(sServer!.logFile, "utf8"));
    });

    it("refuses a web-only leaf as a client (no client flag) and an expired mesh leaf", async function () {
      this.timeout(30_000);
      // web-only is not edge's grant: the root token issues it, as an operator would.
      const webOnly = await issued(up.servers.vault.rootToken, "web-only", `web.default.${DOMAIN}`);
      assert.match(openssl(["x509", "-noout", "-ext", "extendedKeyUsage"], webOnly.certificate).stdout, /TLS Web Server Authentication\s*$/);
      const expiring = await issued(tokens().edge, "mesh", `expiring.default.${DOMAIN}`, "2s");
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await startServer();
      assert.equal(handshake(webOnly, "web-only"), false);
      assert.equal(handshake(expiring, "expired"), false);
      const log = fs.readFileSync(sServer!.logFile, "utf8");
      assert.match(log, /unsuitable certificate purpose/);
      assert.match(log, /certificate has expired/);
      // The same server still takes a valid mesh leaf: the refusals were the leaves'.
      assert.equal(handshake(client, "client"), true);
    });

    it("puts a revoked serial on the CRL the leaves name, and a server checking that CRL refuses the revoked leaf", async () => {
      const revoked = await issued(tokens().edge, "mesh", `revoked.default.${DOMAIN}`);
      await vaultCall(endpoint(), "POST", `${PKI.intermediatePath}/revoke`, { ...asRoot(), body: { serial_number: revoked.serial } });
      const distributionPoint = /URI:(\S+)/.exec(openssl(["x509", "-noout", "-ext", "crlDistributionPoints"], revoked.certificate).stdout)![1];
      const der = await rawGet(distributionPoint, endpoint().caCertificate!);
      const crlFile = path.join(files, "intermediate.crl");
      fs.writeFileSync(crlFile, der);
      const text = openssl(["crl", "-inform", "DER", "-in", crlFile, "-noout", "-text"]).stdout;
      assert.match(text, /Issuer: CN = vault-platform live intermediate CA/);
      const hex = revoked.serial.replace(/:/g, "").toUpperCase();
      assert.ok(text.includes(`Serial Number: ${hex}`), `serial ${hex} not on the CRL:\n${text}`);
      assert.ok(!text.includes(`Serial Number: ${client.serial.replace(/:/g, "").toUpperCase()}`));
      await startServer(["-CRL", crlFile, "-CRLform", "DER", "-crl_check"]);
      assert.equal(handshake(revoked, "revoked"), false);
      assert.match(fs.readFileSync(sServer!.logFile, "utf8"), /certificate revoked/);
      assert.equal(handshake(client, "client"), true);
    });

    it("gives a consumer without the grant 403, and the granted one nothing beyond its role and domains", async () => {
      assert.equal((await issue(tokens().kes, "mesh", { common_name: `kes.default.${DOMAIN}` })).status, 403);
      assert.equal((await issue(tokens().edge, "web-only", { common_name: `web.default.${DOMAIN}` })).status, 403);
      assert.equal((await vaultRequest(endpoint(), "POST", `${PKI.intermediatePath}/revoke`, { token: tokens().edge, body: { serial_number: server.serial } })).status, 403);
      for (const name of ["api.example.com", "localhost", `*.${DOMAIN}`]) {
        const answer = await issue(tokens().edge, "mesh", { common_name: name });
        assert.equal(answer.status, 400, `${name}: ${answer.status}`);
      }
      assert.equal((await issue(tokens().edge, "mesh", { common_name: `frontend.default.${DOMAIN}`, ip_sans: "127.0.0.1" })).status, 400);
    });
  });

  describe("cert-manager's Vault issuer request, as pkg/internal/vault/vault.go makes it", () => {
    it("logs in at auth/kubernetes/login with role and the service account's JWT, signs a CSR at pki_int/sign/mesh, and the result chains to the root", async () => {
      const kubernetesRole = (up.outputs.kubernetesRoles.value as Record<string, { role: string; audience: string }>)["my-app"];
      assert.equal(kubernetesRole.audience, DEFAULT_AUDIENCE);
      // The service account's token, from the (fake) API server's TokenRequest API, as the Issuer's serviceAccountRef gets one.
      const tokenRequest = await jsonRequest(new URL(`/api/v1/namespaces/${MY_APP.namespace}/serviceaccounts/${MY_APP.serviceAccount}/token`, up.servers.kubernetes.url), {
        method: "POST", body: { spec: { audiences: [kubernetesRole.audience], expirationSeconds: 600 } }, timeoutMs: 10_000,
        ca: fs.readFileSync(layout.kubernetes.reviewer.caCertFile, "utf8"),
        headers: { Authorization: `Bearer ${fs.readFileSync(layout.kubernetes.reviewer.jwtFile, "utf8").trim()}` },
      });
      assert.equal(tokenRequest.status, 201);
      // requestTokenWithKubernetesAuth: POST /v1/auth/<mount>/login {"role", "jwt"}.
      const login = await vaultRequest(endpoint(), "POST", "/v1/auth/kubernetes/login", { body: { role: kubernetesRole.role, jwt: tokenRequest.body.status.token } });
      assert.equal(login.status, 200, JSON.stringify(login.body?.errors));
      assert.deepEqual([...login.body.auth.policies].sort(), ["default", "grants-my-app", "my-app"]);

      const name = `my-app.${MY_APP.namespace}.${DOMAIN}`;
      const keyFile = path.join(files, "cert-manager.key");
      const request = openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", keyFile, "-subj", `/CN=${name}`, "-addext", `subjectAltName=DNS:${name}`]);
      assert.equal(request.status, 0, request.stderr);
      // Sign: every parameter a string, ttl as Go's Duration.String(), POST /v1/<spec.vault.path>.
      const signed = await vaultRequest(endpoint(), "POST", `/v1/${PKI.intermediatePath}/sign/mesh`, {
        token: login.body.auth.client_token,
        body: { common_name: name, alt_names: name, ip_sans: "", uri_sans: "", ttl: CERT_MANAGER_DEFAULT_TTL, csr: request.stdout, exclude_cn_from_sans: "true" },
      });
      assert.equal(signed.status, 200, JSON.stringify(signed.body?.errors));
      // extractCertificatesFromVaultCertificateSecret: ca.crt is the chain's last (the root), tls.crt the leaf and the rest.
      const { certificate, ca_chain: caChain } = signed.body.data;
      const caPem = caChain[caChain.length - 1];
      const tlsCrt = [certificate, ...caChain.slice(0, -1)].join("\n");
      const verified = openssl(["verify", "-CAfile", file("ca.crt", caPem), "-untrusted", file("tls-chain.crt", tlsCrt), file("tls.crt", certificate)]);
      assert.equal(verified.status, 0, verified.stderr);
      assert.match(openssl(["x509", "-noout", "-subject"], caPem).stdout, /CN = vault-platform live root CA/);
      // The 90 days cert-manager asks for are capped at the role's max_ttl (24h).
      const hours = (Date.parse(openssl(["x509", "-noout", "-enddate"], certificate).stdout.split("=")[1]) - Date.now()) / 3_600_000;
      assert.ok(hours > 23 && hours <= 24, `valid for ${hours.toFixed(1)} h`);
      observed.certManager = `signed, valid ${hours.toFixed(1)} h of the 2160 h asked`;
    });
  });
});

/** The raw bytes at an https URL (the CRL is DER), trusting this CA only. */
function rawGet(url: string, ca: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca, timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => (response.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${url}: ${response.statusCode}`))));
    });
    request.on("timeout", () => request.destroy(new Error(`${url}: timed out`)));
    request.on("error", reject);
  });
}
