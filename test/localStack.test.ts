import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as util from "util";
import { strict as assert } from "assert";
import * as hcl from "js-hcl-parser";
import { KUBERNETES_TYPES, VAULT_TYPES } from "../components/resourceTypes";
import { ConfigError, parseConfig, PlatformConfig, PROJECT_ROOT, stackConfig, withPasswordPlaceholder } from "../config";
import { Secret } from "../lib/secret";
import { checkedAgainstLayout } from "../local/localStack";
import { localDirectory, localLayout, localVaultConfig } from "../local/localServers";
import { isSecretInput, ProgramRun, runProgram, unwrapSecret } from "../offline/runtime";
import { decodeConfig, devWithVault, encodeConfig } from "./fixtures";
import { Config } from "./invalidConfigs";
import { ofType, onlyOfType } from "./programRun";
import { thrown } from "./assertions";

const FAKE_JWT = "aaa.bbb.ccc";
const FAKE_CA = "-----BEGIN CERTIFICATE-----\nMIIBfakecertificatebody\n-----END CERTIFICATE-----\n";
const LOCAL_ADDRESS = "https://127.0.0.1:18200";

/** A fresh folder for one suite's files; removed by `cleanUp`. */
function temporaryFolder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-test-"));
}

function cleanUp(folder: string | undefined): void {
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
}

/** Writes the reviewer's two files into `folder`; returns their absolute paths as `kubernetes.reviewer` takes them. */
function reviewerFiles(folder: string, jwt = FAKE_JWT, ca = FAKE_CA): { jwtFile: string; caCertFile: string } {
  const jwtFile = path.join(folder, "reviewer.jwt");
  const caCertFile = path.join(folder, "ca.crt");
  fs.writeFileSync(jwtFile, `${jwt}\n`);
  fs.writeFileSync(caCertFile, ca);
  return { jwtFile, caCertFile };
}

/** The dev stack with the Vault layer on, without a cluster (an existing Vault on loopback), with or without an external reviewer. */
function withoutCluster(reviewer?: { jwtFile: string; caCertFile: string }): Config {
  const config = devWithVault();
  config["vault-platform:cluster"] = { enabled: false };
  config["vault-platform:vault"] = { ...config["vault-platform:vault"], address: LOCAL_ADDRESS };
  config["vault-platform:kubernetes"] = { ...config["vault-platform:kubernetes"], injector: false, ...(reviewer ? { reviewer } : {}) };
  return config;
}

function parse(config: Config): PlatformConfig {
  return parseConfig(encodeConfig(config), { env: {} });
}

/** The ConfigError parsing this config fails with. */
const configError = (config: Config): ConfigError => thrown(ConfigError, () => parse(config));

describe("local stack: kubernetes.reviewer and audit.path in the config", () => {
  let folder: string;
  before(() => {
    folder = temporaryFolder();
  });
  after(() => cleanUp(folder));

  it("reads the reviewer's JWT and CA from their files and holds the JWT only inside a Secret", () => {
    const files = reviewerFiles(folder);
    const config = parse(withoutCluster(files));
    const reviewer = config.vaultLayer.externalReviewer;
    assert.ok(reviewer, "the model has the external reviewer");
    assert.ok(reviewer.jwt instanceof Secret);
    assert.equal(reviewer.jwt.reveal(), FAKE_JWT);
    assert.equal(reviewer.caCertificate, FAKE_CA);
    assert.deepEqual(config.kubernetes.reviewer, files, "the config keeps the paths, not the contents");
    const printed = util.inspect(config.vaultLayer, { depth: null });
    const json = JSON.stringify(config.vaultLayer);
    assert.ok(!printed.includes(FAKE_JWT), "util.inspect of the model shows no JWT");
    assert.ok(!json.includes(FAKE_JWT), "JSON of the model holds no JWT");
    assert.match(printed, /\[secret\]/);
    assert.match(json, /"jwt":"\[secret\]"/);
  });

  it("resolves reviewer files given relative to the project folder", () => {
    const files = reviewerFiles(folder);
    const relative = { jwtFile: path.relative(PROJECT_ROOT, files.jwtFile), caCertFile: path.relative(PROJECT_ROOT, files.caCertFile) };
    assert.ok(!path.isAbsolute(relative.jwtFile));
    assert.equal(parse(withoutCluster(relative)).vaultLayer.externalReviewer?.jwt.reveal(), FAKE_JWT);
  });

  it("has no external reviewer without kubernetes.reviewer", () => {
    assert.equal(parse(withoutCluster()).vaultLayer.externalReviewer, undefined);
  });

  it("refuses a missing JWT file, naming vault-platform:kubernetes.reviewer.jwtFile and the path", () => {
    const files = reviewerFiles(folder);
    const missing = path.join(folder, "no-such-reviewer.jwt");
    const error = configError(withoutCluster({ ...files, jwtFile: missing }));
    assert.ok(error.message.includes("vault-platform:kubernetes.reviewer.jwtFile"), error.message);
    assert.ok(error.message.includes(missing), error.message);
    assert.match(error.message, /ENOENT/);
    assert.ok(!error.message.includes("reviewer.caCertFile"), "the CA file is fine and not named");
  });

  it("refuses a JWT file that holds no JWT, naming its key", () => {
    const files = reviewerFiles(folder, "not a jwt at all");
    const error = configError(withoutCluster(files));
    assert.match(error.message, /^vault-platform:kubernetes\.reviewer\.jwtFile: .* does not hold a JWT/);
    assert.ok(!error.message.includes("not a jwt at all"), "the file's content is not echoed");
    assert.equal(error.message.split("\n").length, 1, error.message);
  });

  it("refuses a CA file that holds no PEM certificate (or only its first line), naming its key", () => {
    for (const text of ["just some text\n", "-----BEGIN CERTIFICATE-----\n"]) {
      const files = reviewerFiles(folder, FAKE_JWT, text);
      const error = configError(withoutCluster(files));
      assert.match(error.message, /^vault-platform:kubernetes\.reviewer\.caCertFile: .* does not hold a PEM certificate/);
      assert.equal(error.message.split("\n").length, 1, error.message);
    }
  });

  it("refuses injector true with an external reviewer, naming vault-platform:kubernetes.injector", () => {
    const config = withoutCluster(reviewerFiles(folder));
    config["vault-platform:kubernetes"].injector = true;
    assert.match(configError(config).message, /^vault-platform:kubernetes\.injector must be false with kubernetes\.reviewer/);
  });

  it('accepts audit.path "stdout" for a stack without a cluster', () => {
    const config = withoutCluster();
    config["vault-platform:audit"] = { path: "stdout" };
    assert.equal(parse(config).audit.path, "stdout");
  });

  it('refuses audit.path "stdout" with the dev cluster, naming vault-platform:audit.path, also with audit off (the nodes still rotate the path)', () => {
    for (const enabled of [true, false]) {
      const config = devWithVault();
      config["vault-platform:audit"] = { enabled, path: "stdout" };
      assert.match(configError(config).message, /^vault-platform:audit\.path "stdout" is for a Vault whose output you keep yourself/);
    }
  });

  it("still refuses a relative audit path without a cluster (the dev stack's cases cover it with one)", () => {
    const config = withoutCluster();
    config["vault-platform:audit"] = { path: "logs/audit.log" };
    assert.match(configError(config).message, /^vault-platform:audit\.path must be a file in \/var\/log\/vault\/ .*\(got "logs\/audit\.log"\)$/);
  });
});

describe("local stack: the program with an external reviewer", () => {
  let folder: string;
  let files: { jwtFile: string; caCertFile: string };
  let external: ProgramRun;
  let managed: ProgramRun;
  before(async () => {
    folder = temporaryFolder();
    files = reviewerFiles(folder);
    external = await runProgram(encodeConfig(withoutCluster(files)), "local", { env: {} });
    managed = await runProgram(encodeConfig(withoutCluster()), "local", { env: {} });
  });
  after(() => cleanUp(folder));

  const kubernetesRegistrations = (run: ProgramRun) =>
    run.registrations.filter((registration) => registration.type.startsWith("kubernetes:") || registration.type === "pulumi:providers:kubernetes");

  it("registers nothing in Kubernetes, not even a Kubernetes provider", () => {
    assert.deepEqual(kubernetesRegistrations(external).map((registration) => `${registration.type} ${registration.name}`), []);
  });

  it("configures Kubernetes auth with the file's JWT as a secret input and the CA file's text", () => {
    const config = onlyOfType(external, VAULT_TYPES.kubernetesConfig).inputs;
    assert.ok(isSecretInput(config.tokenReviewerJwt), "tokenReviewerJwt must reach the engine as a secret");
    assert.equal(unwrapSecret(config.tokenReviewerJwt), FAKE_JWT);
    assert.equal(config.kubernetesCaCert, fs.readFileSync(files.caCertFile, "utf8"));
    assert.equal(config.kubernetesHost, "https://kubernetes.dev.example.internal:6443");
  });

  it("still binds my-app to its service account through a Kubernetes auth role", () => {
    const roles = ofType(external, VAULT_TYPES.kubernetesRole).filter((registration) => registration.inputs.roleName === "my-app");
    assert.equal(roles.length, 1);
    assert.deepEqual(roles[0].inputs.boundServiceAccountNames, ["my-app-account"]);
    assert.deepEqual(roles[0].inputs.boundServiceAccountNamespaces, ["default"]);
    assert.equal(ofType(external, VAULT_TYPES.authBackend).filter((registration) => registration.inputs.type === "kubernetes").length, 1);
  });

  it("differs from the same stack without kubernetes.reviewer, which creates the reviewer in Kubernetes", () => {
    const types = new Set(kubernetesRegistrations(managed).map((registration) => registration.type));
    for (const type of ["pulumi:providers:kubernetes", KUBERNETES_TYPES.namespace, KUBERNETES_TYPES.serviceAccount, KUBERNETES_TYPES.clusterRoleBinding, KUBERNETES_TYPES.secret]) {
      assert.ok(types.has(type), `${type} is registered without an external reviewer`);
    }
    const jwt = onlyOfType(managed, VAULT_TYPES.kubernetesConfig).inputs.tokenReviewerJwt;
    assert.ok(isSecretInput(jwt));
    assert.notEqual(unwrapSecret(jwt), FAKE_JWT, "the JWT comes from the reviewer's token Secret");
  });
});

describe("local stack: the committed Pulumi.local.yaml", () => {
  const committed = decodeConfig(stackConfig("local"));
  const layout = localLayout(path.join(PROJECT_ROOT, ".local"));
  const ports = {
    vault: Number(new URL(committed["vault-platform:vault"].address).port),
    kubernetes: Number(new URL(committed["vault-platform:kubernetes"].host).port),
  };
  let folder: string;
  let parsed: PlatformConfig;
  before(() => {
    folder = temporaryFolder();
    // Whether or not `npm start` has made .local/, the stack parses with the reviewer's files given elsewhere.
    // No token and no password: the provisioner logs in with the password npm start makes (a placeholder here).
    const raw = stackConfig("local");
    parsed = parseConfig(raw, { env: {}, overrides: withPasswordPlaceholder(raw, { kubernetes: { reviewer: reviewerFiles(folder) } }) });
  });
  after(() => cleanUp(folder));

  /** The parsed stack with the reviewer paths as committed. */
  const withCommittedReviewer = (): PlatformConfig => ({ ...parsed, kubernetes: { ...parsed.kubernetes, reviewer: committed["vault-platform:kubernetes"].reviewer } });

  it("parses with the reviewer's files overridden, keeping the rest of the committed stack", () => {
    assert.equal(parsed.cluster.enabled, false);
    assert.equal(parsed.vault.configure, true);
    assert.equal(parsed.vault.address, committed["vault-platform:vault"].address);
    assert.equal(parsed.kubernetes.injector, false);
    assert.equal(parsed.kubernetes.host, committed["vault-platform:kubernetes"].host);
    assert.equal(parsed.audit.path, "stdout");
    assert.equal(parsed.vaultLayer.externalReviewer?.jwt.reveal(), FAKE_JWT);
  });

  it("logs the provider in as the provisioner's userpass user instead of taking a token", () => {
    assert.deepEqual(parsed.vault.login, { method: "userpass", path: "userpass", username: "pulumi-provisioner", passwordSecret: "provisionerPassword" });
    assert.equal(parsed.vaultToken, undefined);
  });

  it("names loopback ports that checkedAgainstLayout returns", () => {
    assert.equal(new URL(committed["vault-platform:vault"].address).hostname, "127.0.0.1");
    assert.equal(new URL(committed["vault-platform:kubernetes"].host).hostname, "127.0.0.1");
    assert.ok(ports.vault > 0 && ports.kubernetes > 0 && ports.vault !== ports.kubernetes, JSON.stringify(ports));
    assert.deepEqual(checkedAgainstLayout(parsed, layout, false), ports);
    assert.deepEqual(checkedAgainstLayout(withCommittedReviewer(), layout, true), ports);
  });

  it("puts the CA file and the reviewer's files where npm start writes them", () => {
    assert.equal(localDirectory({}), path.join(PROJECT_ROOT, ".local"));
    assert.equal(path.resolve(PROJECT_ROOT, committed["vault-platform:vault"].caCertFile), layout.vault.caFile);
    const reviewer = committed["vault-platform:kubernetes"].reviewer;
    assert.equal(path.resolve(PROJECT_ROOT, reviewer.jwtFile), layout.kubernetes.reviewer.jwtFile);
    assert.equal(path.resolve(PROJECT_ROOT, reviewer.caCertFile), layout.kubernetes.reviewer.caCertFile);
  });

  it("moves the local folder with VAULT_PLATFORM_LOCAL_DIR", () => {
    assert.equal(localDirectory({ VAULT_PLATFORM_LOCAL_DIR: folder }), folder);
    assert.equal(localLayout(localDirectory({ VAULT_PLATFORM_LOCAL_DIR: folder })).vault.caFile, path.join(folder, "vault", "tls", "ca.crt"));
  });

  it("refuses a caCertFile elsewhere, naming vault-platform:vault.caCertFile", () => {
    const elsewhere: PlatformConfig = { ...parsed, vault: { ...parsed.vault, caCertFile: "certs/ca.crt" } };
    assert.throws(() => checkedAgainstLayout(elsewhere, layout, false), (error: Error) =>
      /- vault-platform:vault\.caCertFile is certs\/ca\.crt, but npm start writes that file to \.local\/vault\/tls\/ca\.crt/.test(error.message));
  });

  it("refuses reviewer files elsewhere when the reviewer is checked, naming their keys", () => {
    assert.throws(() => checkedAgainstLayout(parsed, layout, true), (error: Error) =>
      /vault-platform:kubernetes\.reviewer\.jwtFile is .*reviewer\.jwt, but npm start writes that file to \.local\/kubernetes\/reviewer\.jwt/.test(error.message) &&
      /vault-platform:kubernetes\.reviewer\.caCertFile/.test(error.message) && !/vault\.caCertFile/.test(error.message));
  });

  it("refuses a Vault address that is not on loopback, naming vault-platform:vault.address", () => {
    const remote: PlatformConfig = { ...parsed, vault: { ...parsed.vault, address: "https://vault.example.com:8200" } };
    assert.throws(() => checkedAgainstLayout(remote, layout, false), /vault-platform:vault\.address must be https:\/\/127\.0\.0\.1:<port>/);
  });

  it("renders vault.hcl with file storage inside the layout and a TLS listener on 127.0.0.1:<port>", () => {
    const text = localVaultConfig(layout, ports.vault);
    const rendered = JSON.parse(hcl.parse(text));
    assert.equal(rendered.storage[0].file[0].path, layout.vault.data);
    assert.ok(rendered.storage[0].file[0].path.startsWith(`${layout.root}${path.sep}`));
    const listener = rendered.listener[0].tcp[0];
    assert.equal(listener.address, `127.0.0.1:${ports.vault}`);
    assert.equal(listener.tls_cert_file, path.join(layout.vault.tls, "vault.crt"));
    assert.equal(listener.tls_key_file, path.join(layout.vault.tls, "vault.key"));
    assert.equal(listener.tls_disable, undefined);
    assert.doesNotMatch(text, /tls_disable/);
    assert.equal(rendered.api_addr, `https://127.0.0.1:${ports.vault}`);
  });
});
