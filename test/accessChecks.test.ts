import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  accessMatrix, ANY_SEGMENT, consumerAccess, expectationMismatches, isolationFindings, pathsGranted, plannerPolicyText, policyLints, provisionerCoverage,
  provisionerFileProblems, provisionerPolicyText, provisionerRequirements, undeclaredSharing, verifyAccess,
} from "../access";
import { parsePolicy } from "../acl";
import { PROJECT_ROOT, VaultLayerModel } from "../config";
import { keepCommittedConsumers, layerWith, withProbe } from "./fixtures";

const lint = (policy: string) => policyLints(withProbe(policy));
/** The lint messages for the probe's first rule, written `written`. */
const at = (written: string) => `policies/probe.hcl:1: path "${written}" (policy probe)`;
const typo = (written: string) => `${at(written)} is under no declared mount (declared: kv, secret, aws, pki, pki_int, transit); a typo?`;
/** The lints other than "under no declared mount", which a rule outside the KV mounts also gets. */
const lintBesidesMounts = (policy: string) => lint(policy).filter((problem) => !problem.includes("is under no declared mount"));

describe("access checks: expectations that only the token's identity decides", () => {
  it("reports an expectation on the caller's own entity as not checkable offline, naming default's templated rule", () => {
    const layer = withProbe('path "kv/probe/*" { capabilities = ["read"] }', { expect: { allow: ["read identity/entity/id/e-1"], deny: [] } });
    assert.deepEqual(expectationMismatches(consumerAccess(layer)), [
      `probe: "read identity/entity/id/e-1" depends on identity (default:6 fill in the token's entity), so it cannot be checked offline`,
    ]);
  });

  it("names every templated rule of the consumer's policy that could decide the path, allowed or denied alike", () => {
    const policy = 'path "kv/probe/{{identity.entity.name}}/*" { capabilities = ["read"] }\npath "kv/probe/{{identity.entity.id}}/*" { capabilities = ["read"] }';
    const layer = withProbe(policy, { expect: { allow: ["read kv/probe/alice/key"], deny: ["update kv/probe/alice/key"] } });
    assert.deepEqual(expectationMismatches(consumerAccess(layer)), [
      `probe: "read kv/probe/alice/key" depends on identity (policies/probe.hcl:1, policies/probe.hcl:2 fill in the token's entity), so it cannot be checked offline`,
      `probe: "update kv/probe/alice/key" depends on identity (policies/probe.hcl:1, policies/probe.hcl:2 fill in the token's entity), so it cannot be checked offline`,
    ]);
  });
});

describe("access checks: why an expectation fails", () => {
  const exactDir = 'path "kv/probe/dir" { capabilities = ["read"] }';

  it("for a list on a trailing-slash path, names the rule Vault falls back to without the slash", () => {
    const layer = withProbe(exactDir, { expect: { allow: ["list kv/probe/dir/"], deny: [] } });
    assert.deepEqual(expectationMismatches(consumerAccess(layer)), [
      'probe: expected "list kv/probe/dir/" to be allowed, but the winning rule (policies/probe.hcl:1) grants [read]',
    ]);
  });

  it("for a read on a trailing-slash path, finds no rule: only list falls back", () => {
    const layer = withProbe(exactDir, { expect: { allow: ["read kv/probe/dir/"], deny: [] } });
    assert.deepEqual(expectationMismatches(consumerAccess(layer)), [
      'probe: expected "read kv/probe/dir/" to be allowed, but no rule matches that path',
    ]);
  });

  it("names every rule merged into the winning one, the default policy's included", () => {
    const layer = withProbe('path "auth/token/lookup-self" { capabilities = ["update"] }', { expect: { allow: [], deny: ["read auth/token/lookup-self"] } });
    assert.deepEqual(expectationMismatches(consumerAccess(layer)), [
      'probe: expected "read auth/token/lookup-self" to be denied, but the winning rule (policies/probe.hcl:1, default:2) grants [update, read]',
    ]);
  });
});

describe("access checks: lints on reaching Vault's own areas", () => {
  it("reports a rule starting with + once, as a leading wildcard, not also as a typo or a reach into sys/", () => {
    assert.deepEqual(lint('path "+/probe/*" { capabilities = ["read"] }'), [
      `${at("+/probe/*")} starts with a wildcard, so it reaches sys/, auth/ and identity/ as well as every mount; start with a mount path`,
    ]);
  });

  it("accepts a + segment inside a mount path", () => {
    assert.deepEqual(lint('path "kv/+/shared/*" { capabilities = ["read"] }\npath "secret/data/+/shared" { capabilities = ["read"] }'), []);
  });

  it("treats an exact path that merely begins like sys/ or auth/ as a typo, not as reaching them", () => {
    assert.deepEqual(lint('path "sys" { capabilities = ["read"] }'), [typo("sys")]);
    assert.deepEqual(lint('path "auth" { capabilities = ["update"] }'), [typo("auth")]);
  });

  it("names the sys/ paths a consumer may use when it refuses one", () => {
    assert.deepEqual(lint('path "sys/mounts/*" { capabilities = ["read"] }'), [
      `${at("sys/mounts/*")} reaches sys/, the system backend (mounts, policies, audit, seal); consumers may name only sys/leases/renew, sys/leases/lookup, sys/renew`,
    ]);
  });

  for (const allowed of ["sys/leases/renew", "sys/leases/lookup", "sys/renew"]) {
    it(`lets a consumer renew or look up its leases through ${allowed}`, () => assert.deepEqual(lint(`path "${allowed}" { capabilities = ["update"] }`), []));
  }

  for (const own of ["auth/token/renew-self", "auth/token/revoke-self", "auth/token/lookup-self"]) {
    it(`lets a token write ${own}, its own token`, () => assert.deepEqual(lint(`path "${own}" { capabilities = ["update"] }`), []));
  }

  const authWrite = (written: string) => `${at(written)} writes under auth/, where auth methods and their roles are configured; consumers log in without a policy and write nothing there`;
  for (const capabilities of [["create"], ["patch"], ["delete"], ["update"], ["read", "update"]]) {
    it(`refuses ${capabilities.join(" and ")} on auth method roles`, () => {
      assert.deepEqual(lintBesidesMounts(`path "auth/approle/role/*" { capabilities = ${JSON.stringify(capabilities)} }`), [authWrite("auth/approle/role/*")]);
    });
  }

  it("does not call reading an auth path a write", () => {
    assert.deepEqual(lintBesidesMounts('path "auth/approle/role/+/role-id" { capabilities = ["read"] }'), []);
  });

  const tokenCreation = (written: string) => `${at(written)} reaches auth/token/create*, the token creation (a consumer could mint itself new tokens)`;
  for (const written of ["auth/token/create-orphan", "auth/token/create/+", "auth/token/create/*"]) {
    it(`refuses ${written}: it mints tokens`, () => assert.deepEqual(lintBesidesMounts(`path "${written}" { capabilities = ["update"] }`), [authWrite(written), tokenCreation(written)]));
  }

  for (const written of ["identity/entity/*", "identity/group/*", "identity/oidc/*"]) {
    it(`refuses ${written}, naming the identity store`, () => {
      assert.deepEqual(lintBesidesMounts(`path "${written}" { capabilities = ["read"] }`), [`${at(written)} reaches identity/, the identity store (entities, groups, OIDC keys)`]);
    });
  }

  it("ignores a rule that grants nothing", () => assert.deepEqual(lint('path "sys/mounts/*" { capabilities = [] }\npath "identity/*" { capabilities = [] }'), []));
});

describe("access checks: lints on KV v2 layout and typos", () => {
  it("keeps the written path, leading slash dropped, in the v1-style fix", () => {
    assert.deepEqual(lint('path "/secret/app/*" { capabilities = ["read"] }'), [
      `${at("/secret/app/*")} is written v1-style on KV v2 mount "secret" and grants nothing there; use secret/data/app/* (and secret/metadata/app/* to list)`,
    ]);
  });

  it("flags a v1-style rule ending in a + segment", () => {
    assert.deepEqual(lint('path "secret/app/+" { capabilities = ["read"] }'), [
      `${at("secret/app/+")} is written v1-style on KV v2 mount "secret" and grants nothing there; use secret/data/app/+ (and secret/metadata/app/+ to list)`,
    ]);
  });

  it("accepts rules over a whole KV v2 mount", () => {
    assert.deepEqual(lint('path "secret/*" { capabilities = ["read"] }\npath "secret/+/shared" { capabilities = ["read"] }\npath "secret*" { capabilities = ["read"] }'), []);
  });

  for (const segment of ["metadata", "delete", "undelete", "destroy", "subkeys", "config"]) {
    it(`accepts the KV v2 endpoint ${segment}/`, () => assert.deepEqual(lint(`path "secret/${segment}/probe/*" { capabilities = ["update"] }`), []));
  }

  it("accepts a prefix that stops partway into a mount's name", () => assert.deepEqual(lint('path "sec*" { capabilities = ["read"] }'), []));

  it("says so when no mount is declared at all", () => {
    const layer = layerWith((config) => {
      config["vault-platform:mounts"] = [];
      delete config["vault-platform:engines"];
      config["vault-platform:consumers"] = [{ name: "probe", policy: "probe", token: { ttl: "1h" } }];
    }, { probe: 'path "kv/probe/*" { capabilities = ["read"] }' });
    assert.deepEqual(policyLints(layer), [`${at("kv/probe/*")} is under no declared mount (declared: none); a typo?`]);
  });

  it("does not call a rule with no literal start a typo, even with no mount declared (the wildcard lint says what is wrong)", () => {
    const layer = layerWith((config) => {
      config["vault-platform:mounts"] = [];
      delete config["vault-platform:engines"];
      config["vault-platform:consumers"] = [{ name: "probe", policy: "probe", token: { ttl: "1h" } }];
    }, { probe: 'path "+/probe" { capabilities = ["read"] }' });
    assert.deepEqual(policyLints(layer).filter((problem) => problem.includes("a typo?")), []);
    assert.ok(policyLints(layer).some((problem) => problem.includes("starts with a wildcard")));
  });
});

describe("access checks: the who-can-do-what matrix", () => {
  it("has a column for every path named in a policy or an expectation, sorted, wildcards shown as <any>", () => {
    const matrix = accessMatrix(consumerAccess(withProbe('path "kv/+/shared/*" { capabilities = ["read"] }')));
    assert.deepEqual(matrix.paths, [
      `kv/${ANY_SEGMENT}/shared/${ANY_SEGMENT}`, "kv/apisix/consumer/", "kv/apisix/consumer/<any>", "kv/apisix/consumer/jack/jwt-auth", "kv/kes/", "kv/kes/<any>", "kv/kes/key-1",
      "kv/other/key-1", "secret/data/my-app/<any>", "secret/data/my-app/config", "secret/data/other/config", "secret/metadata/my-app/", "secret/metadata/my-app/<any>",
    ]);
    assert.deepEqual(matrix.rows.map((row) => row.consumer), ["apisix", "kes", "my-app", "probe"]);
    const cell = (consumer: string, column: string) => matrix.rows.find((row) => row.consumer === consumer)!.cells[matrix.paths.indexOf(column)];
    assert.deepEqual(cell("probe", "kv/<any>/shared/<any>"), ["read"]);
    assert.deepEqual(cell("probe", "kv/kes/key-1"), []);
    assert.deepEqual(cell("kes", "kv/kes/key-1"), ["read", "delete", "create"]);
    assert.deepEqual(cell("my-app", "secret/metadata/my-app/"), ["list"]);
  });
});

describe("access checks: what a consumer owns", () => {
  it("is the paths its policy grants on, not those it denies itself", () => {
    const policy = parsePolicy('path "kv/team/*" { capabilities = ["read"] }\npath "kv/team/sealed" { capabilities = ["deny"] }\npath "kv/team/empty" { capabilities = [] }\npath "kv/+/x" { capabilities = ["list"] }', "team.hcl");
    assert.deepEqual(pathsGranted(policy), ["kv/team/<any>", "kv/<any>/x"]);
  });
});

describe("access checks: the isolation report", () => {
  const owners = {
    zed: 'path "kv/aaa/c" { capabilities = ["read"] }\npath "kv/aaa/a" { capabilities = ["read"] }\npath "kv/aaa/b" { capabilities = ["read"] }',
    reader: 'path "kv/aaa/b*" { capabilities = ["read"] }\npath "kv/aaa/c*" { capabilities = ["read"] }\npath "kv/*" { capabilities = ["read"] }',
  };
  const layer = () => layerWith((config) => {
    keepCommittedConsumers(config);
    for (const name of ["zed", "reader"]) config["vault-platform:consumers"].push({ name, policy: name, token: { ttl: "1h" } });
  }, owners);

  it("lists a reader's findings by owner in declaration order, then by path", () => {
    const findings = isolationFindings(consumerAccess(layer())).filter((finding) => finding.reader === "reader");
    assert.deepEqual(findings.map(({ owner, path: found }) => `${owner} ${found}`), [
      "apisix kv/apisix/consumer/<any>", "kes kv/kes/<any>", "zed kv/aaa/a", "zed kv/aaa/b", "zed kv/aaa/c",
    ]);
  });

  it("fails each undeclared read with its own message, in that order", () => {
    const access = consumerAccess(layer());
    const problems = undeclaredSharing(isolationFindings(access), access).filter((problem) => problem.startsWith("isolation: reader "));
    assert.deepEqual(problems.map((problem) => problem.split(" without ")[0]), [
      "isolation: reader can read kv/apisix/consumer/<any> (apisix's)", "isolation: reader can read kv/kes/<any> (kes's)",
      "isolation: reader can read kv/aaa/a (zed's)", "isolation: reader can read kv/aaa/b (zed's)", "isolation: reader can read kv/aaa/c (zed's)",
    ]);
  });

  it("does not take an expect.allow that lists another consumer's path as declaring a read of it", () => {
    const layer = withProbe('path "kv/kes/*" { capabilities = ["read", "list"] }', { expect: { allow: ["list kv/kes/"], deny: [] } });
    assert.deepEqual(verifyAccess(layer).problems, [
      'isolation: probe can read kv/kes/<any> (kes\'s) without declaring it; add shares: [kes] or an expect.allow "read <a kes path>" to probe, or narrow probe\'s policy',
    ]);
  });
});

describe("access checks: what the provisioner needs", () => {
  const needs = (layer: VaultLayerModel) => provisionerRequirements(layer).map(({ capability, path: needed }) => `${capability} ${needed}`);

  it("writes a KV v2 mount's config only when the mount sets maxVersions, and never a v1 mount's", () => {
    const dev = needs(layerWith(() => undefined));
    for (const statement of ["create secret/config", "read secret/config", "update secret/config"]) assert.ok(dev.includes(statement), statement);
    assert.ok(!dev.some((statement) => statement.endsWith(" kv/config")), "kv is KV v1: it has no config endpoint");
    const unset = needs(layerWith((config) => {
      config["vault-platform:mounts"] = config["vault-platform:mounts"].map(({ maxVersions: _unused, ...mount }: Record<string, unknown>) => mount);
    }));
    // A KV config is <mount>/config (auth methods' and transit keys' configs are deeper).
    assert.ok(!unset.some((statement) => /^\S+ [^/]+\/config$/.test(statement)), unset.join("\n"));
  });

  it("manages the socket audit device only when one is declared", () => {
    const socket = ["create sys/audit/socket", "update sys/audit/socket", "sudo sys/audit/socket"];
    const withSocket = needs(layerWith((config) => { config["vault-platform:audit"] = { enabled: true, socket: { address: "logs.internal:5170" } }; }));
    for (const statement of socket) assert.ok(withSocket.includes(statement), statement);
    assert.ok(!needs(layerWith(() => undefined)).some((statement) => statement.endsWith("sys/audit/socket")));
  });
});

describe("access checks: the committed provisioner and planner files", () => {
  const dev = () => layerWith(() => undefined);
  /** policies/provisioner/dev.hcl and policies/planner/dev.hcl laid out in a temporary copy of policies/. */
  const committed = (provisioner: string, planner?: string) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-committed-"));
    fs.mkdirSync(path.join(root, "provisioner"));
    fs.writeFileSync(path.join(root, "provisioner", "dev.hcl"), provisioner);
    if (planner !== undefined) {
      fs.mkdirSync(path.join(root, "planner"));
      fs.writeFileSync(path.join(root, "planner", "dev.hcl"), planner);
    }
    return { dir: path.join(root, "provisioner"), file: path.relative(PROJECT_ROOT, path.join(root, "provisioner", "dev.hcl")) };
  };
  const fix = "write it with `npm run provisioner-policy -- --stack dev --write`";

  it("finds the planner's file next to the provisioner's and passes both when they are the generated ones", () => {
    const layer = dev();
    const { dir } = committed(provisionerPolicyText(layer, "dev"), plannerPolicyText(layer, "dev"));
    assert.deepEqual(provisionerFileProblems(layer, "dev", dir), []);
  });

  it("calls a planner file that differs from the generated one stale", () => {
    const layer = dev();
    const { dir } = committed(provisionerPolicyText(layer, "dev"), plannerPolicyText(layer, "dev").replace('"read", "sudo"', '"read"'));
    assert.deepEqual(provisionerFileProblems(layer, "dev", dir), [`provisioner: policies/planner/dev.hcl is stale; ${fix}`]);
  });

  it("names a stale planner file also when the provisioner file is stale", () => {
    const layer = dev();
    const { dir, file } = committed(`${provisionerPolicyText(layer, "dev")}# edited\n`, plannerPolicyText(layer, "dev").replace('"read", "sudo"', '"read"'));
    const problems = provisionerFileProblems(layer, "dev", dir);
    assert.equal(problems[0], `provisioner: ${file} is not what these declarations need; ${fix}, review the diff, and have an administrator write it to Vault`);
    assert.equal(problems.at(-1), `provisioner: policies/planner/dev.hcl is stale; ${fix}`);
  });

  it("names a capability the committed policy grants that pulumi up never uses", () => {
    const layer = dev();
    const generated = provisionerPolicyText(layer, "dev");
    const extraLine = generated.split("\n").length;
    const extra = `${generated}path "sys/mounts/kv" {\n  capabilities = ["delete"]\n}\n`;
    const { dir, file } = committed(extra, plannerPolicyText(layer, "dev"));
    assert.deepEqual(provisionerFileProblems(layer, "dev", dir), [
      `provisioner: ${file} is not what these declarations need; ${fix}, review the diff, and have an administrator write it to Vault`,
      `provisioner: ${file} allows beyond what pulumi up needs: ${file}:${extraLine} delete sys/mounts/kv`,
    ]);
    assert.deepEqual(provisionerCoverage(layer, parsePolicy(extra, "provisioner/dev.hcl")).beyond, [`provisioner/dev.hcl:${extraLine} delete sys/mounts/kv`]);
  });

  it("names a rule whose literal start reaches needed paths but that matches none of them", () => {
    const layer = dev();
    const generated = provisionerPolicyText(layer, "dev");
    const extraLine = generated.split("\n").length;
    const coverage = provisionerCoverage(layer, parsePolicy(`${generated}path "sys/mounts/k" {\n  capabilities = ["create"]\n}\n`, "provisioner/dev.hcl"));
    assert.deepEqual(coverage.missing, []);
    assert.deepEqual(coverage.beyond, [`provisioner/dev.hcl:${extraLine} create sys/mounts/k`]);
  });
});

describe("access checks: verifyAccess for a stack", () => {
  it("adds a stale committed provisioner file to the problems only when a stack is named", () => {
    const layer = withProbe('path "kv/probe/*" { capabilities = ["read"] }');
    assert.deepEqual(verifyAccess(layer).problems, []);
    const problems = verifyAccess(layer, "dev").problems;
    assert.match(problems[0], /^provisioner: policies\/provisioner\/dev\.hcl is not what these declarations need; write it with `npm run provisioner-policy -- --stack dev --write`/);
    assert.ok(problems.includes('provisioner: policies/provisioner/dev.hcl does not allow "create sys/policies/acl/probe", which pulumi up needs'), problems.join("\n"));
    assert.ok(problems.includes('provisioner: policies/provisioner/dev.hcl does not allow "update auth/token/create/probe", which pulumi up needs'), problems.join("\n"));
  });
});
