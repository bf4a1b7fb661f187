import { strict as assert } from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import {
  consumerAccess, expectationMismatches, isolationFindings, pathsGranted, policyLints, PROVISIONER_DENIED, provisionerCoverage, provisionerFileProblems,
  plannerPolicyText, plannerRules, provisionerPolicyText, provisionerRequirements, verifyAccess,
} from "../access";
import { Acl, parsePolicy } from "../acl";
import { readProvisionerFile } from "../config";
import { stackPolicies } from "../scripts/provisionerPolicy";
import { runProgram } from "../offline/runtime";
import { PROJECT_ROOT } from "../config";
import { runPlan } from "../scripts/plan";
import { devWithVault, encodeConfig, layerWith, withProbe } from "./fixtures";

describe("access: the dev stack", () => {
  it("meets every declared expectation, fires no lint, and its committed provisioner policy is the generated one", () => {
    const report = verifyAccess(layerWith(() => undefined), "dev");
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.isolation, []);
  });
});

describe("access: expectations", () => {
  it("fails when a policy grants more than declared, naming the consumer, statement and winning rule", () => {
    const config = layerWith((c) => {
      c["vault-platform:consumers"][0].expect.deny.push("read kv/apisix/consumer/jack/jwt-auth");
    });
    assert.deepEqual(expectationMismatches(consumerAccess(config)), [
      'apisix: expected "read kv/apisix/consumer/jack/jwt-auth" to be denied, but the winning rule (policies/apisix.hcl:3) grants [read]',
    ]);
  });

  it("fails when a policy grants less than declared", () => {
    const config = layerWith((c) => {
      c["vault-platform:consumers"][1].expect.allow.push("update kv/kes/key-1", "read kv/elsewhere");
    });
    assert.deepEqual(expectationMismatches(consumerAccess(config)), [
      'kes: expected "update kv/kes/key-1" to be allowed, but the winning rule (policies/kes.hcl:4) grants [create, read, delete]',
      'kes: expected "read kv/elsewhere" to be allowed, but no rule matches that path',
    ]);
  });

  it("counts the default policy the bindings keep", () => {
    const config = layerWith((c) => { c["vault-platform:consumers"][0].expect.allow.push("read auth/token/lookup-self"); });
    assert.deepEqual(expectationMismatches(consumerAccess(config)), []);
  });

  it("stops the program with one message listing every mismatch", async () => {
    const config = devWithVault();
    config["vault-platform:consumers"][0].expect.deny.push("read kv/apisix/consumer/jack/jwt-auth");
    config["vault-platform:consumers"][2].expect.allow.push("list secret/metadata/other/");
    const failure = await runProgram(encodeConfig(config)).then(() => undefined, (error: Error) => error);
    assert.ok(failure);
    assert.match(failure.message, /^Access check failed \(2\)/);
    assert.match(failure.message, /^- apisix: expected "read kv\/apisix\/consumer\/jack\/jwt-auth" to be denied/m);
    assert.match(failure.message, /^- my-app: expected "list secret\/metadata\/other\/" to be allowed/m);
  });
});

describe("access: lints", () => {
  const lint = (text: string) => policyLints(withProbe(text));
  it("flags sudo", () => assert.match(lint('path "kv/probe/*" { capabilities = ["read", "sudo"] }').join("\n"), /policies\/probe\.hcl:1: path "kv\/probe\/\*" \(policy probe\) grants sudo/));
  it("flags sys/", () => assert.match(lint('path "sys/mounts/*" { capabilities = ["read"] }').join("\n"), /reaches sys\/, the system backend/));
  it("flags a segment wildcard that reaches sys/", () => assert.match(lint('path "+/mounts/+" { capabilities = ["read"] }').join("\n"), /reaches sys\//));
  it("flags auth/token/create", () => assert.match(lint('path "auth/token/create" { capabilities = ["update"] }').join("\n"), /reaches auth\/token\/create\*, the token creation/));
  it("flags a prefix that covers auth/token/create", () => assert.match(lint('path "auth/token/*" { capabilities = ["update"] }').join("\n"), /reaches auth\/token\/create\*/));
  it("flags identity/", () => assert.match(lint('path "identity/entity/*" { capabilities = ["read"] }').join("\n"), /reaches identity\//));
  it("flags a bare *", () => assert.match(lint('path "*" { capabilities = ["read"] }').join("\n"), /is a bare "\*": it grants everything/));
  it("flags a v1-style rule on a KV v2 mount", () => {
    assert.match(lint('path "secret/app/*" { capabilities = ["read"] }').join("\n"),
      /path "secret\/app\/\*" \(policy probe\) is written v1-style on KV v2 mount "secret" and grants nothing there; use secret\/data\/app\/\*/);
  });
  it("flags a path under no declared mount", () => assert.match(lint('path "kb/probe/*" { capabilities = ["read"] }').join("\n"), /is under no declared mount \(declared: kv, secret, aws, pki, pki_int, transit\); a typo\?/));
  for (const [title, rule, message] of [
    ["the legacy policy endpoint sys/policy/", 'path "sys/policy/*" { capabilities = ["update"] }', /reaches sys\/, the system backend .* consumers may name only sys\/leases\/renew/],
    ["a rule starting with +", 'path "+/policy/*" { capabilities = ["update"] }', /starts with a wildcard, so it reaches sys\/, auth\/ and identity\//],
    ["a rule starting with two + segments", 'path "+/+/role/*" { capabilities = ["update"] }', /starts with a wildcard/],
    ["a prefix that stops inside sys", 'path "sy*" { capabilities = ["read"] }', /reaches sys\//],
    ["writes to roles of any auth method", 'path "auth/+/role/*" { capabilities = ["update"] }', /writes under auth\/, where auth methods and their roles are configured/],
    ["writes to identity/", 'path "identity/entity/*" { capabilities = ["update"] }', /reaches identity\//],
  ] as const) {
    it(`flags ${title}`, () => assert.match(lint(rule).join("\n"), message));
  }
  it("allows lease renewal and the token's own paths", () => {
    assert.deepEqual(lint('path "sys/leases/renew" { capabilities = ["update"] }\npath "auth/token/renew-self" { capabilities = ["update"] }\npath "kv/probe/*" { capabilities = ["read"] }'), []);
  });
  it("leaves deny rules and cubbyhole alone", () => assert.deepEqual(lint('path "sys/*" { capabilities = ["deny"] }\npath "cubbyhole/x" { capabilities = ["read"] }'), []));
  it("accepts a clean KV v2 policy", () => assert.deepEqual(lint('path "secret/data/probe/*" { capabilities = ["read"] }\npath "secret/metadata/probe/*" { capabilities = ["list"] }'), []));
});

describe("access: cross-tenant reads fail the verdict unless declared", () => {
  const readsKes = (probe: Record<string, unknown> = {}) => layerWith((config) => {
    config["vault-platform:consumers"].push({ name: "probe", policy: "probe", token: { ttl: "1h" }, ...probe });
  }, { probe: 'path "kv/kes/*" { capabilities = ["read"] }' });

  it("fails a consumer that reads another consumer's paths without saying so, naming both and the fix", () => {
    const { problems } = verifyAccess(readsKes());
    assert.deepEqual(problems, [
      'isolation: probe can read kv/kes/<any> (kes\'s) without declaring it; add shares: [kes] or an expect.allow "read <a kes path>" to probe, or narrow probe\'s policy',
    ]);
  });

  it("passes it with shares: [kes]", () => {
    const report = verifyAccess(readsKes({ shares: ["kes"] }));
    assert.deepEqual(report.problems, []);
    assert.ok(report.isolation.some((finding) => finding.reader === "probe" && finding.owner === "kes"), "still reported under Isolation");
  });

  it("passes it with an expect.allow that reads one of kes's paths, not with one elsewhere", () => {
    assert.deepEqual(verifyAccess(readsKes({ expect: { allow: ["read kv/kes/key-1"] } })).problems, []);
    assert.deepEqual(verifyAccess(readsKes({ expect: { allow: ["read kv/probe/key-1"], deny: [] } })).problems.filter((problem) => problem.startsWith("isolation:")), [
      'isolation: probe can read kv/kes/<any> (kes\'s) without declaring it; add shares: [kes] or an expect.allow "read <a kes path>" to probe, or narrow probe\'s policy',
    ]);
  });

  it("refuses shares naming an undeclared consumer or the consumer itself", () => {
    for (const [shares, message] of [[["nobody-declared-this"], /consumers\[\d+\] \(probe\)\.shares\[0\] "nobody-declared-this" is not a declared consumer/], [["probe"], /\.shares\[0\] "probe" is the consumer itself/]] as const) {
      assert.throws(() => readsKes({ shares }), message);
    }
  });
});

describe("access: isolation", () => {
  it("reports a consumer that can read another consumer's paths", () => {
    const config = withProbe('path "kv/*" { capabilities = ["read"] }');
    const findings = isolationFindings(consumerAccess(config));
    assert.ok(findings.every((finding) => finding.reader === "probe" && finding.path.startsWith("kv/")), "only the probe reads others' kv/ paths");
    assert.deepEqual(findings.filter((finding) => ["apisix", "kes"].includes(finding.owner)), [
      { reader: "probe", owner: "apisix", path: "kv/apisix/consumer/<any>" },
      { reader: "probe", owner: "kes", path: "kv/kes/<any>" },
    ]);
  });

  it("finds what asking every reader about every other consumer's path finds", () => {
    const readers: Record<string, string> = {
      everything: 'path "*" { capabilities = ["read"] }',
      segments: 'path "kv/+/consumer/+" { capabilities = ["read"] }\npath "secret/data/+/*" { capabilities = ["read", "list"] }',
      denied: 'path "kv/*" { capabilities = ["read"] }\npath "kv/kes/*" { capabilities = ["deny"] }',
      listing: 'path "kv/*" { capabilities = ["list"] }\npath "cubbyhole/shared" { capabilities = ["read", "update"] }',
      near: 'path "kv/ke*" { capabilities = ["read"] }\npath "secret/data/my-app/config" { capabilities = ["read"] }',
    };
    const config = layerWith((raw) => {
      for (const name of Object.keys(readers)) raw["vault-platform:consumers"].push({ name, policy: name, token: { ttl: "1h" } });
    }, readers);
    const access = consumerAccess(config);
    const allPairs = access.flatMap(({ consumer, acl }) => access
      .filter((owner) => owner.consumer.name !== consumer.name)
      .flatMap((owner) => pathsGranted(owner.policy)
        .filter((path) => acl.allows("read", path))
        .map((path) => ({ reader: consumer.name, owner: owner.consumer.name, path }))));
    const key = (finding: { reader: string; owner: string; path: string }) => `${finding.reader} ${finding.owner} ${finding.path}`;
    const found = isolationFindings(access);
    assert.deepEqual(found.map(key).sort(), allPairs.map(key).sort());
    assert.ok(found.length >= 10, `the readers reach other consumers' paths (${found.length} findings)`);
    assert.ok(found.some((finding) => finding.reader === "near" && finding.owner === "kes"), "a prefix rule that stops mid-segment");
    assert.ok(!found.some((finding) => finding.reader === "denied" && finding.owner === "kes"), "a deny rule wins");
    assert.ok(!found.some((finding) => finding.reader === "listing" && finding.path.startsWith("kv/")), "list is not read");
  });
});

describe("access: the provisioner policy", () => {
  const dev = () => layerWith(() => undefined);
  const generated = () => provisionerPolicyText(dev(), "dev");
  const parsed = (text: string) => parsePolicy(text, "provisioner/dev.hcl");

  it("derives what pulumi up needs from the declarations, on named paths only", () => {
    const statements = provisionerRequirements(dev()).map((statement) => `${statement.capability} ${statement.path}`);
    for (const expected of ["update auth/token/create", "create sys/policies/acl/kes-kes", "sudo sys/auth/approle", "update auth/token/create/apisix",
      "read auth/approle/role/kes/role-id", "update auth/approle/role/kes/secret-id", "create auth/kubernetes/role/my-app", "sudo sys/audit/file", "update sys/mounts/secret/tune"]) {
      assert.ok(statements.includes(expected), expected);
    }
    assert.ok(!statements.some((statement) => statement.includes("auth/token/create-orphan") || statement.startsWith("sudo auth/token")), "no sudo on token paths");
    assert.ok(statements.every((statement) => !/[*+]/.test(statement.split(" ")[1])), "a wildcard path");
    for (const kept of ["delete sys/mounts/kv", "delete sys/auth/approle", "delete sys/audit/file", "delete secret/config", "delete auth/kubernetes/config"]) {
      assert.ok(!statements.includes(kept), `${kept}: pulumi up never deletes it (protected, or the provider's delete makes no call)`);
    }
  });

  it("generates a policy that allows exactly that and nothing wider, and denies its own policy and default", () => {
    const coverage = provisionerCoverage(dev(), parsed(generated()));
    assert.deepEqual(coverage.missing, []);
    assert.deepEqual(coverage.beyond, []);
    const acl = new Acl([parsed(generated())]);
    for (const path of PROVISIONER_DENIED) assert.deepEqual(acl.winningRule(path)?.capabilities, new Set(["deny"]), path);
    for (const undeclared of ["sys/policies/acl/admin", "auth/approle/role/admin", "sys/mounts/undeclared", "auth/token/roles/admin", "auth/token/create/admin", "sys/auth/userpass"]) {
      assert.ok(!acl.allows("update", undeclared) && !acl.allows("create", undeclared), `${undeclared} is writable`);
    }
  });

  it("pins each role's policies and each policy's text: another value is refused", () => {
    const acl = new Acl([parsed(generated())]);
    const write = (path: string, data: Record<string, unknown>) => acl.allows("update", path, { data });
    const kesText = dev().policies.find((policy) => policy.name === "kes-kes")!.text;
    assert.ok(write("sys/policies/acl/kes-kes", { policy: kesText }), "the declared text");
    assert.ok(!write("sys/policies/acl/kes-kes", { policy: 'path "*" { capabilities = ["sudo", "read"] }' }), "another text");
    assert.ok(write("auth/approle/role/kes", { token_policies: ["kes-kes"], token_period: 300 }), "the declared policy");
    for (const [path, data] of [
      ["auth/approle/role/kes", { token_policies: ["kes-kes", "admin"] }],
      ["auth/approle/role/kes", { policies: "admin" }],
      ["auth/kubernetes/role/my-app", { token_policies: ["admin"] }],
      ["auth/token/roles/apisix", { allowed_policies: ["apisix", "admin"] }],
      ["auth/token/roles/apisix", { allowed_policies_glob: ["*"] }],
      ["auth/token/create/apisix", { policies: ["admin"] }],
      ["sys/mounts/kv/tune", { audit_non_hmac_response_keys: ["value"] }],
    ] as const) {
      assert.ok(!write(path, data), `${path} ${JSON.stringify(data)} is allowed`);
    }
  });

  it("reports a rule wider than the named paths pulumi up needs, even one it uses (path \"*\")", () => {
    const wide = 'path "*" {\n  capabilities = ["create", "read", "update", "delete", "sudo"]\n}\n';
    const coverage = provisionerCoverage(dev(), parsed(wide));
    assert.deepEqual(coverage.missing, []);
    assert.ok(coverage.beyond.includes('provisioner/dev.hcl:1 *: wider than the named paths pulumi up needs'), coverage.beyond.join("\n"));
    const segments = provisionerCoverage(dev(), parsed(`${generated()}path "auth/approle/role/+" {\n  capabilities = ["update"]\n}\n`));
    assert.ok(segments.beyond.some((extra) => extra.endsWith("auth/approle/role/+: wider than the named paths pulumi up needs")), segments.beyond.join("\n"));
  });

  it("fails when a needed capability is missing", () => {
    const broken = generated().replace('path "auth/token/create" {\n  capabilities = ["update"]\n}\n', "");
    assert.deepEqual(provisionerCoverage(dev(), parsed(broken)).missing, [{ capability: "update", path: "auth/token/create" }]);
  });

  it("every committed stack's policies/provisioner/<stack>.hcl and policies/planner/<stack>.hcl are exactly what its declarations need", () => {
    const stacks = fs.readdirSync(PROJECT_ROOT).map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1]).filter((stack): stack is string => stack !== undefined);
    assert.ok(stacks.length >= 2, stacks.join(", "));
    for (const stack of stacks) {
      for (const [name, text] of Object.entries(stackPolicies(stack))) {
        assert.equal(readProvisionerFile(stack, undefined, name)?.text, text, `policies/${name}/${stack}.hcl is stale: npm run provisioner-policy -- --stack ${stack} --write`);
      }
    }
  });

  it("gives the planner read only: nothing it can write but the provider's child token, every managed path readable", () => {
    const layer = dev();
    const planner = new Acl([parsePolicy(plannerPolicyText(layer, "dev"), "planner/dev.hcl")]);
    const writable = plannerRules(layer).flatMap((rule) => rule.capabilities.filter((capability) => !["read", "sudo"].includes(capability)).map((capability) => `${capability} ${rule.path}`));
    assert.deepEqual(writable, ["update auth/token/create"]);
    for (const { path: managed, capability } of provisionerRequirements(layer)) {
      if (capability === "read") assert.ok(planner.allows("read", managed), `the planner cannot read ${managed}`);
    }
    assert.ok(!planner.allows("update", "sys/policies/acl/apisix") && !planner.allows("delete", "auth/approle/role/kes"));
  });

  it("reports a stack's committed file as stale or missing, naming the command that fixes it", () => {
    // policies/provisioner/ and policies/planner/ side by side, as provisionerFileProblems looks for them.
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-provisioner-")), "provisioner");
    fs.mkdirSync(dir);
    const layer = dev();
    const missing = provisionerFileProblems(layer, "dev", dir);
    assert.match(missing[0], /^provisioner: policies\/provisioner\/dev\.hcl is missing; write it with `npm run provisioner-policy -- --stack dev --write`$/);
    assert.match(missing[1], /^provisioner: policies\/planner\/dev\.hcl is missing; write it with `npm run provisioner-policy -- --stack dev --write`$/);
    fs.writeFileSync(path.join(dir, "dev.hcl"), generated().replace('"sys/policies/acl/my-app" {\n  capabilities = ["create", "read", "update", "delete"]', '"sys/policies/acl/my-app" {\n  capabilities = ["create", "read"]'));
    const problems = provisionerFileProblems(layer, "dev", dir);
    assert.match(problems[0], /dev\.hcl is not what these declarations need; write it with `npm run provisioner-policy -- --stack dev --write`, review the diff/);
    assert.ok(problems.includes(`provisioner: ${path.relative(PROJECT_ROOT, path.join(dir, "dev.hcl"))} does not allow "update sys/policies/acl/my-app", which pulumi up needs`), problems.join("\n"));
  });
});

describe("access: npm run plan", () => {
  const plan = (args: string[], env: NodeJS.ProcessEnv = {}) => runPlan(args, env);
  const stackDir = (files: Record<string, string>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-plan-"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
  };

  it("prints a clean plan for dev and exits 0", async () => {
    const result = await plan(["--stack", "dev"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Verdict: CLEAN$/m);
    assert.match(result.stdout, /placeholders from the mock runtime/);
    assert.match(result.stdout, /^\d+ resources in \d+ components$/m);
    assert.match(result.stdout, /storage "dynamodb" \{/);
    assert.match(result.stdout, /^apisix: .*kv\/apisix\/consumer\/<any> \[read\]/m);
    assert.match(result.stdout, /path "auth\/token\/create" \{/);
  });

  it("writes Markdown for a pull-request comment", async () => {
    const result = await plan(["--stack", "dev", "--format", "markdown"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^# Offline plan: stack `dev`$/m);
    assert.match(result.stdout, /^\| path \| apisix \| kes \| my-app \|/m);
    assert.match(result.stdout, /^```hcl$/m);
  });

  it("fails on a broken copy, listing each problem", async () => {
    const document = yaml.load(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, any> };
    document.config["vault-platform:consumers"][0].expect.allow.push("update kv/apisix/consumer/jack/jwt-auth");
    const result = await plan(["--stack", "dev", "--dir", stackDir({ "Pulumi.dev.yaml": yaml.dump(document) })]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^Verdict: FAILED \(1 problem\)$/m);
    assert.match(result.stdout, /apisix: expected "update kv\/apisix\/consumer\/jack\/jwt-auth" to be allowed/);
  });

  it("exits 2 with the config error for an invalid stack", async () => {
    const dir = stackDir({ "Pulumi.bad.yaml": "config:\n  aws:region: eu-west-1\n  vault-platform:cluster:\n    nodeCount: 1\n" });
    const result = await plan(["--stack", "bad", "--dir", dir]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /vault-platform:cluster\.nodeCount must be at least 2 for HA \(got 1\)/);
  });

  for (const [title, args, files, message] of [
    ["an unknown option", ["--stak", "dev"], {}, /^plan: Unknown option '--stak'.*; usage: npm run plan -- --stack <name>/],
    ["a missing '--' (npm swallowed --stack, the name arrives alone)", ["dev"], {}, /^plan: Unexpected argument 'dev'.*; options go after "--", e.g\. npm run plan -- --stack dev$/],
    ["an unknown --format", ["--format", "html"], {}, /^plan: unknown --format "html"; use text or markdown$/],
    ["a stack file with bad YAML", ["--stack", "broken", "--dir", "@dir"], { "Pulumi.broken.yaml": "config:\n  aws:region: [eu-west-1\n" }, /Pulumi\.broken\.yaml is not valid YAML: .* at line \d+; fix the file$/],
  ] as const) {
    it(`exits 2 with one line for ${title}`, async () => {
      const dir = stackDir(files);
      const result = await plan(args.map((arg) => (arg === "@dir" ? dir : arg)));
      assert.equal(result.code, 2);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      assert.match(result.stderr.trim(), message);
      assert.equal(result.stdout, "");
    });
  }

  it("fails like the program when the stack turns the Vault layer on without a token", async () => {
    const document = yaml.load(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, any> };
    document.config["vault-platform:vault"] = { configure: true };
    const dir = stackDir({ "Pulumi.dev.yaml": yaml.dump(document) });
    const withoutToken = await plan(["--stack", "dev", "--dir", dir]);
    assert.equal(withoutToken.code, 2);
    assert.match(withoutToken.stderr, /vault-platform:vaultToken/);
    assert.equal((await plan(["--stack", "dev", "--dir", dir], { VAULT_TOKEN: "hvs.a-real-one" })).code, 0);
  });

  it("still writes a Markdown body when it fails, for the pull-request comment", async () => {
    const result = await plan(["--stack", "nope", "--format", "markdown"]);
    assert.equal(result.code, 2);
    assert.match(result.stdout, /^# Offline plan: stack `nope`$/m);
    assert.match(result.stdout, /\*\*Invalid configuration\*\*/);
    assert.match(result.stdout, /no stack file .*Pulumi\.nope\.yaml/);
  });
});
