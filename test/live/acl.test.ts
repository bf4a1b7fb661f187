/**
 * The offline ACL evaluator (acl/) against a real Vault of the release the cluster deploys: the same
 * policies written to Vault, a token made with them, and `Acl.capabilities` compared with Vault's
 * `sys/capabilities` path by path; parameter rules compared with real writes. Agreement must be total.
 */
import { strict as assert } from "assert";
import { Acl, Capability, parsePolicy, Policy } from "../../acl";
import { DEFAULT_POLICY } from "../../acl/defaultPolicy";
import { availablePolicies, readPolicyFile, renderPolicyText } from "../../config/policyFiles";
import { runProgram } from "../../offline/runtime";
import { stackConfig } from "../../config";
import { ofType } from "../programRun";
import { devWithVault, encodeConfig } from "../fixtures";
import { BROKEN_POLICIES } from "../policyCorpus";
import { parameterCases, policySets } from "./aclCorpus";
import { DevVault, startDevVault } from "./devVault";
import { stopProcess } from "./processes";
import { vaultCall, vaultRequest } from "../../local/vaultHttp";
import { VAULT_TYPES } from "../../components/resourceTypes";

const SEED = 20261123;
const POLICY_SETS = 520;
const PROBES_PER_SET = 40;
const PARAMETER_CASES = 2_100;
const CONCURRENCY = 8;

interface Mismatch { policies: string[]; path: string; ours: string[]; vault: string[] }

/** Runs `work` over `items` with at most CONCURRENCY in flight. */
async function inParallel<T>(items: T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  }));
}

describe("live: the ACL evaluator agrees with a real Vault", function () {
  let vault: DevVault;
  let written = 0;

  before(async function () {
    this.timeout(10 * 60_000);
    vault = await startDevVault();
  });
  after(async () => {
    if (vault) await stopProcess(vault.process);
  });

  const root = () => ({ token: vault.rootToken });

  /** Writes the policies under fresh names and returns a token carrying exactly them (plus default when asked). */
  async function tokenFor(texts: string[], withDefault: boolean): Promise<string> {
    const names: string[] = [];
    for (const text of texts) {
      const name = `live-${written++}`;
      await vaultCall(vault.endpoint, "PUT", `sys/policies/acl/${name}`, { ...root(), body: { policy: text } });
      names.push(name);
    }
    const created = await vaultCall(vault.endpoint, "POST", "auth/token/create", { ...root(), body: { policies: names, no_default_policy: !withDefault, ttl: "1h" } });
    return created.auth.client_token;
  }

  /** Compares the evaluator with sys/capabilities on every path; returns the disagreements. */
  async function compare(texts: string[], paths: string[], withDefault: boolean): Promise<Mismatch[]> {
    const token = await tokenFor(texts, withDefault);
    const policies: Policy[] = texts.map((text, index) => parsePolicy(text, `policy-${index}`));
    if (withDefault) policies.push(parsePolicy(DEFAULT_POLICY, "default"));
    const acl = new Acl(policies);
    const answer = await vaultCall(vault.endpoint, "POST", "sys/capabilities", { ...root(), body: { token, paths } });
    const mismatches: Mismatch[] = [];
    for (const path of paths) {
      const theirs = (answer.data[path] as string[]).filter((capability) => capability !== "deny").sort();
      const ours = [...acl.capabilities(path)].sort();
      if (theirs.join() !== ours.join()) mismatches.push({ policies: texts, path, ours, vault: theirs });
    }
    return mismatches;
  }

  function report(mismatches: Mismatch[], compared: number): string {
    const shown = mismatches.slice(0, 5).map((mismatch) =>
      `${mismatch.path}: ours [${mismatch.ours}] vault [${mismatch.vault}]\n${mismatch.policies.join("---\n")}`);
    return `${mismatches.length} of ${compared} (policy set, path) pairs disagree; first ones:\n${shown.join("\n====\n")}`;
  }

  it("runs the Vault release the cluster deploys", () => {
    const cluster = JSON.parse(stackConfig("dev")["vault-platform:cluster"]);
    assert.equal(vault.version, cluster.vaultVersion);
  });

  it("models Vault's built-in default policy exactly", async () => {
    const served = await vaultCall(vault.endpoint, "GET", "sys/policies/acl/default", root());
    const rules = (policy: Policy) => policy.rules.map((rule) => `${rule.written} ${[...rule.capabilities].sort()}`).sort();
    assert.deepEqual(rules(parsePolicy(DEFAULT_POLICY, "ours")), rules(parsePolicy(served.data.policy, "vault")));
  });

  it(`agrees on ${POLICY_SETS} random policy sets x ${PROBES_PER_SET} boundary paths`, async function () {
    this.timeout(10 * 60_000);
    const sets = policySets(SEED, POLICY_SETS, PROBES_PER_SET);
    const mismatches: Mismatch[] = [];
    let compared = 0;
    await inParallel(sets, async (set) => {
      mismatches.push(...await compare(set.policies, set.probes, false));
      compared += set.probes.length;
    });
    console.log(`      ACL differential: ${sets.length} policy sets, ${compared} (set, path) pairs, ${mismatches.length} mismatches`);
    assert.ok(compared >= 20_000, `only ${compared} pairs compared`);
    assert.equal(mismatches.length, 0, report(mismatches, compared));
  });

  it("agrees on every policy the program uploads, with Vault's default policy attached", async function () {
    this.timeout(5 * 60_000);
    const uploaded = ofType(await runProgram(encodeConfig(devWithVault()), "dev"), VAULT_TYPES.policy)
      .map((registration) => registration.inputs.policy as string);
    const everyFile = availablePolicies().map((name) => {
      const { file, text } = readPolicyFile(name);
      return renderPolicyText(text, "tenant-acme", file);
    });
    const texts = [...new Set([...uploaded, ...everyFile])];
    assert.ok(uploaded.length >= 3, "the dev stack uploads a policy per consumer");
    const probesFrom = (text: string) => parsePolicy(text).rules.flatMap((rule) => {
      const concrete = rule.path.replace(/\+/g, "x").replace(/\*$/, "");
      return [concrete, `${concrete}key`, `${concrete}/`, `${concrete}/key`, concrete.slice(0, -1)];
    });
    const defaultProbes = probesFrom(DEFAULT_POLICY).concat(["identity/entity/id/{{identity.entity.id}}", "sys/tools/random", "identity/oidc/provider/p/authorize"]);
    const mismatches: Mismatch[] = [];
    let compared = 0;
    for (const text of texts) {
      const paths = [...new Set([...probesFrom(text), ...defaultProbes])].filter((path) => path !== "");
      mismatches.push(...await compare([text], paths, true));
      compared += paths.length;
    }
    console.log(`      program policies: ${texts.length} texts, ${compared} pairs, ${mismatches.length} mismatches`);
    assert.equal(mismatches.length, 0, report(mismatches, compared));
  });

  it(`agrees on ${PARAMETER_CASES} parameter-constraint cases decided by real writes`, async function () {
    this.timeout(10 * 60_000);
    await vaultCall(vault.endpoint, "POST", "sys/mounts/params", { ...root(), body: { type: "kv", options: { version: "1" } } });
    const cases = parameterCases(SEED, PARAMETER_CASES);
    const perPolicy = 25;
    const disagreements: string[] = [];
    const batches = Array.from({ length: Math.ceil(cases.length / perPolicy) }, (_, batch) => cases.slice(batch * perPolicy, (batch + 1) * perPolicy));
    await inParallel(batches, async (batch, batchIndex) => {
      const text = batch.map((parameterCase, index) =>
        `path "params/b${batchIndex}/c${index}" {\n  capabilities = ["create", "update"]\n  ${parameterCase.constraints}\n}\n`).join("\n");
      const token = await tokenFor([text], false);
      const acl = new Acl([parsePolicy(text)]);
      for (const [index, parameterCase] of batch.entries()) {
        const path = `params/b${batchIndex}/c${index}`;
        const response = await vaultRequest(vault.endpoint, "PUT", path, { token, body: parameterCase.data });
        const vaultAllowed = response.status !== 403;
        const oursAllowed = acl.allows("create", path, { data: parameterCase.data });
        if (vaultAllowed !== oursAllowed) {
          disagreements.push(`${JSON.stringify(parameterCase.data)} against\n  ${parameterCase.constraints}\n  vault ${response.status}, ours ${oursAllowed ? "allowed" : "denied"}`);
        }
      }
    });
    console.log(`      parameter differential: ${cases.length} cases, ${disagreements.length} mismatches`);
    assert.equal(disagreements.length, 0, `${disagreements.length} of ${cases.length} cases disagree:\n${disagreements.slice(0, 8).join("\n")}`);
  });

  it("agrees on which paths need sudo: real requests with and without it", async function () {
    this.timeout(60_000);
    const grants = (sudo: boolean) => ["sys/*", "auth/token/*"].map((path) =>
      `path "${path}" { capabilities = ["create", "read", "update", "delete", "list"${sudo ? ', "sudo"' : ""}] }`).join("\n");
    // Each probe: the request, and the capability Vault checks for it. Side effects are harmless on this dev server.
    const probes: Array<[string, string, Capability, Record<string, unknown>?]> = [
      ["GET", "sys/audit", "read"], ["PUT", "sys/audit/probe", "update", { type: "file", options: { file_path: "discard" } }],
      ["GET", "sys/auth", "read"], ["POST", "sys/auth/probe-approle", "update", { type: "approle" }], ["GET", "sys/config/cors", "read"],
      ["GET", "sys/leases/lookup/probe", "read"], ["PUT", "sys/leases/lookup", "update", { lease_id: "x" }], ["GET", "sys/config/auditing/request-headers", "read"],
      ["POST", "sys/mounts/probe-kv", "update", { type: "kv" }], ["GET", "sys/policies/acl", "list"], ["PUT", "sys/rotate", "update"],
      ["PUT", "auth/token/revoke-orphan", "update", { token: "x" }], ["LIST", "auth/token/accessors", "list"], ["PUT", "auth/token/create", "update", { ttl: "1m" }],
      ["PUT", "auth/token/create-orphan", "update", { ttl: "1m" }],
      ["GET", "sys/plugins/catalog/secret/kv", "read"], ["GET", "sys/internal/counters/activity", "read"],
    ];
    const disagreements: string[] = [];
    for (const sudo of [false, true]) {
      const token = await tokenFor([grants(sudo)], false);
      const acl = new Acl([parsePolicy(grants(sudo))]);
      for (const [method, path, capability, body] of probes) {
        const status = (await vaultRequest(vault.endpoint, method, path, { token, body })).status;
        if ((status !== 403) !== acl.allows(capability, path)) disagreements.push(`${sudo ? "with" : "without"} sudo: ${method} ${path} -> ${status}, ours ${acl.allows(capability, path) ? "allowed" : "denied"}`);
      }
    }
    assert.deepEqual(disagreements, []);
  });

  it("accepts exactly the policy files the project's parser accepts", async () => {
    const committed = availablePolicies().map((name) => {
      const { file, text } = readPolicyFile(name);
      return [file, renderPolicyText(text, "tenant-acme", file)] as const;
    });
    const broken = BROKEN_POLICIES.map(([title, text]) => [title, text.split("${name}").join("tenant-acme")] as const);
    const disagreements: string[] = [];
    for (const [label, text] of [...committed, ...broken]) {
      let oursAccepts = true;
      try {
        parsePolicy(text, label);
      } catch {
        oursAccepts = false;
      }
      const response = await vaultRequest(vault.endpoint, "PUT", `sys/policies/acl/file-check-${written++}`, { ...root(), body: { policy: text } });
      const vaultAccepts = response.status === 204 || response.status === 200;
      if (oursAccepts !== vaultAccepts) disagreements.push(`${label}: ours ${oursAccepts ? "accepts" : "refuses"}, Vault ${response.status} ${JSON.stringify(response.body?.errors ?? "")}`);
    }
    assert.deepEqual(disagreements, []);
  });
});
