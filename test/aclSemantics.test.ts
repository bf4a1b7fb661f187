/**
 * Finer points of Vault's ACL decision and policy parsing (vault/acl.go, vault/policy.go,
 * vault/logical_system.go and vault/token_store.go PathsSpecial.Root, strutil.GlobbedStringsMatch,
 * parseutil.ParseCommaStringSlice, HCL v1 decoding), each checked against Vault's source.
 */
import { strict as assert } from "assert";
import { block, caps } from "./policyCorpus";
import { Acl, AclRequest, Capability, globMatch, HclSyntaxError, parseHcl, parsePolicy, PolicyError, ROOT_PROTECTED_PATHS } from "../acl";
import { thrown } from "./assertions";

const aclOf = (...policies: string[]) => new Acl(policies.map((text, index) => parsePolicy(text, `p${index}.hcl`)));
const allows = (policies: string[], capability: Capability, path: string, request?: AclRequest) => aclOf(...policies).allows(capability, path, request);

/** The PolicyError parsePolicy throws for this text (source "f.hcl", or none when null). */
const policyError = (text: string, source: string | null = "f.hcl") => thrown(PolicyError, () => (source === null ? parsePolicy(text) : parsePolicy(text, source)));
/** The HclSyntaxError parseHcl throws for this text. */
const hclError = (text: string, source?: string) => thrown(HclSyntaxError, () => (source === undefined ? parseHcl(text) : parseHcl(text, source)));

describe("acl semantics: root-protected paths", () => {
  // vault/logical_system.go PathsSpecial.Root (with the sys/ mount) and vault/token_store.go (auth/token/).
  const sysRoot = ["auth/*", "remount", "audit", "audit/*", "raw", "raw/*", "rotate", "config/cors", "config/auditing/*", "config/ui/headers/*",
    "plugins/catalog/*", "plugins/runtimes/catalog/*", "revoke-prefix/*", "revoke-force/*", "leases/revoke-prefix/*", "leases/revoke-force/*",
    "leases/lookup/*", "storage/raft/snapshot-auto/config/*", "leases", "internal/inspect/*", "seal", "step-down",
    "replication/primary/secondary-token", "replication/performance/primary/secondary-token", "replication/dr/primary/secondary-token",
    "replication/reindex", "replication/dr/reindex", "replication/performance/reindex"];
  const concrete = (pattern: string) => (pattern.endsWith("*") ? `${pattern.slice(0, -1)}${pattern.endsWith("/*") ? "x" : "-x"}` : pattern);
  const without = aclOf(block("sys/*", caps("create", "read", "update", "delete", "list")), block("auth/token/*", caps("create", "read", "update", "delete", "list")));
  const withSudo = aclOf(block("sys/*", caps("create", "read", "update", "delete", "list", "sudo")), block("auth/token/*", caps("create", "read", "update", "delete", "list", "sudo")));

  it("lists exactly Vault's system and token-store root paths", () => {
    assert.deepEqual([...ROOT_PROTECTED_PATHS], [...sysRoot.map((path) => `sys/${path}`), "auth/token/revoke-orphan", "auth/token/revoke-orphan/*", "auth/token/accessors*"]);
  });

  for (const pattern of ROOT_PROTECTED_PATHS) {
    const path = concrete(pattern);
    it(`update ${path} needs sudo`, () => {
      assert.equal(without.allows("update", path), false);
      assert.equal(withSudo.allows("update", path), true);
    });
  }

  it("needs sudo whatever the operation: read and list as well as update", () => {
    for (const [capability, path] of [["read", "sys/audit"], ["read", "sys/leases/lookup/x"], ["list", "sys/leases/lookup/"], ["read", "sys/auth/approle"]] as const) {
      assert.equal(without.allows(capability, path), false, `${capability} ${path}`);
      assert.equal(withSudo.allows(capability, path), true, `${capability} ${path}`);
    }
  });

  it("needs sudo under the token store's accessors prefix too", () => {
    assert.equal(without.allows("list", "auth/token/accessors/"), false);
    assert.equal(withSudo.allows("list", "auth/token/accessors/"), true);
  });

  it("treats an exact root path as exact (its longer siblings need no sudo), and leaves other paths alone", () => {
    // sys/seal-status is unauthenticated in Vault, sys/leases/renew is in the default policy.
    for (const path of ["sys/seal-status", "sys/leases/renew", "sys/auditx", "sys/rawdata", "sys/mounts/kv", "sys/policies/acl/app", "sys/auth", "auth/token/create"]) {
      assert.equal(without.allows("update", path), true, path);
    }
  });

  it("strips every leading slash of the request before deciding that sudo is needed", () => {
    assert.equal(without.allows("update", "//sys/seal"), false);
    assert.equal(withSudo.allows("update", "//sys/seal"), true);
  });
});

describe("acl semantics: which operations check the request body", () => {
  // vault/acl.go: parameters are checked for Read, Update, Create, Patch and Recover.
  for (const capability of ["read", "update", "create", "patch", "recover"] as Capability[]) {
    it(`${capability} checks denied_parameters`, () => {
      const policy = block("secret/x", caps(capability), 'denied_parameters = { "secret" = [] }');
      assert.equal(allows([policy], capability, "secret/x", { data: { secret: "s" } }), false);
      assert.equal(allows([policy], capability, "secret/x", { data: { other: "s" } }), true);
    });
  }
  for (const capability of ["delete", "list", "subscribe"] as Capability[]) {
    it(`${capability} ignores the parameter rules`, () => {
      const policy = block("secret/x", caps(capability), 'denied_parameters = { "secret" = [] }', 'required_parameters = ["owner"]');
      assert.equal(allows([policy], capability, "secret/x", { data: { secret: "s" } }), true);
    });
  }
});

describe("acl semantics: capabilities() as sys/capabilities reports them", () => {
  it("reports every capability in Vault's order", () => {
    const acl = aclOf(block("secret/x", caps("recover", "subscribe", "patch", "create", "delete", "update", "list", "read", "sudo")));
    assert.deepEqual(acl.capabilities("secret/x"), ["sudo", "read", "list", "update", "delete", "create", "patch", "subscribe", "recover"]);
  });
  it("uses LIST's trailing-slash fallback to the exact rule", () => {
    const acl = aclOf(block("secret/dir", caps("list", "read")));
    assert.deepEqual(acl.capabilities("secret/dir/"), ["read", "list"]);
  });
  it("strips every leading slash of the path", () => {
    assert.equal(aclOf(block("secret/foo", caps("read"))).allows("read", "//secret/foo"), true);
  });
});

describe("acl semantics: the winning rule", () => {
  it("winningRule without forList does not fall back from a/b/ to the exact rule a/b", () => {
    const acl = aclOf(block("secret/dir", caps("list")));
    assert.equal(acl.winningRule("secret/dir/"), undefined);
    assert.deepEqual([...acl.winningRule("secret/dir/", true)!.capabilities], ["list"]);
  });
  it("LIST without a trailing slash uses the path as given, not one character less", () => {
    const policies = [block("secret/ab*", caps("deny")), block("secret/abc*", caps("list"))];
    assert.equal(allows(policies, "list", "secret/abc"), true);
    assert.equal(allows(policies, "list", "secret/abd"), false);
  });
  it("names every rule merged into a path, in policy order", () => {
    const acl = aclOf(block("secret/x", caps("read")), "\n" + block("secret/x", caps("update")));
    assert.deepEqual(acl.winningRule("secret/x")!.origins, ["p0.hcl:1", "p1.hcl:2"]);
  });
  it("a rule for the single segment + matches any one-segment path", () => {
    const [rule] = parsePolicy(block("+", caps("read"))).rules;
    assert.equal(rule.hasSegmentWildcards, true);
    const acl = aclOf(block("+", caps("read")));
    assert.equal(acl.allows("read", "anything"), true);
    assert.equal(acl.allows("read", "any/thing"), false);
  });
});

describe("acl semantics: wildcard priority", () => {
  /** In either policy order, the rule on `winner` (update) decides `path` over the rule on `loser` (read). */
  function decides(winner: string, loser: string, path: string): void {
    for (const policies of [[block(winner, caps("update")), block(loser, caps("read"))], [block(loser, caps("read")), block(winner, caps("update"))]]) {
      assert.equal(allows(policies, "update", path), true, `${winner} should decide ${path}`);
      assert.equal(allows(policies, "read", path), false, `${loser} should not decide ${path}`);
    }
  }

  it("a rule without a trailing * beats one with it at the same first +", () => decides("a/+/c", "a/+/*", "a/x/c"));
  it("fewer + segments win even when the other rule is longer", () => decides("a/+/b*", "a/+/+/c*", "a/x/b/c"));
  it("with equal + counts the longer rule wins even when it sorts first alphabetically", () => decides("a/+/+/cc", "a/+/b/+", "a/x/b/cc"));
  // a/+/b/+ and a/+/+/c: same first +, neither a prefix, two + each, same length.
  it("with everything else equal the lexicographically greater rule wins", () => decides("a/+/b/+", "a/+/+/c", "a/x/b/c"));
});

describe("acl semantics: merging one path across policies", () => {
  it("a deny stays a deny whatever later policies grant", () => {
    const policies = [block("secret/x", caps("read")), block("secret/x", caps("deny")), block("secret/x", caps("read", "update"))];
    assert.equal(allows(policies, "read", "secret/x"), false);
    assert.equal(allows(policies, "update", "secret/x"), false);
    assert.deepEqual(aclOf(...policies).capabilities("secret/x"), []);
  });
  it("a max_wrapping_ttl survives a later rule without one", () => {
    const policies = [block("secret/x", caps("read"), 'max_wrapping_ttl = "5m"'), block("secret/x", caps("read"))];
    assert.equal(allows(policies, "read", "secret/x", { wrapTtlSeconds: 400 }), false);
    assert.equal(allows(policies, "read", "secret/x"), false);
    assert.equal(allows(policies, "read", "secret/x", { wrapTtlSeconds: 200 }), true);
  });
  it("a later rule's max_wrapping_ttl applies where the first had none", () => {
    const policies = [block("secret/x", caps("read")), block("secret/x", caps("read"), 'max_wrapping_ttl = "5m"')];
    assert.equal(allows(policies, "read", "secret/x", { wrapTtlSeconds: 400 }), false);
    assert.equal(allows(policies, "read", "secret/x", { wrapTtlSeconds: 200 }), true);
  });
  it("a min_wrapping_ttl survives a later rule without one", () => {
    const policies = [block("secret/x", caps("read"), 'min_wrapping_ttl = "5m"'), block("secret/x", caps("read"))];
    assert.equal(allows(policies, "read", "secret/x", { wrapTtlSeconds: 60 }), false);
    assert.equal(allows(policies, "read", "secret/x", { wrapTtlSeconds: 600 }), true);
  });
  it("a later rule's min_wrapping_ttl applies where the first had none", () => {
    const policies = [block("secret/x", caps("read")), block("secret/x", caps("read"), 'min_wrapping_ttl = "5m"')];
    assert.equal(allows(policies, "read", "secret/x", { wrapTtlSeconds: 60 }), false);
    assert.equal(allows(policies, "read", "secret/x"), false);
    assert.equal(allows(policies, "read", "secret/x", { wrapTtlSeconds: 600 }), true);
  });
  it("required_parameters from a later policy apply where the first had none", () => {
    const policies = [block("secret/x", caps("create")), block("secret/x", caps("create"), 'required_parameters = ["owner"]')];
    assert.equal(allows(policies, "create", "secret/x", { data: { other: "1" } }), false);
    assert.equal(allows(policies, "create", "secret/x", { data: { owner: "me" } }), true);
    assert.deepEqual(aclOf(...policies).winningRule("secret/x")!.requiredParameters, ["owner"]);
  });
  it("required_parameters of two policies are both required", () => {
    const policies = [block("secret/x", caps("create"), 'required_parameters = ["owner"]'), block("secret/x", caps("create"), 'required_parameters = ["team", "owner"]')];
    assert.equal(allows(policies, "create", "secret/x", { data: { team: "a" } }), false);
    assert.equal(allows(policies, "create", "secret/x", { data: { owner: "me" } }), false);
    assert.equal(allows(policies, "create", "secret/x", { data: { owner: "me", team: "a" } }), true);
    assert.deepEqual(aclOf(...policies).winningRule("secret/x")!.requiredParameters, ["owner", "team"]);
  });
  it("allowed parameters of two policies with different names are both allowed", () => {
    const policies = [block("secret/x", caps("update"), 'allowed_parameters = { "a" = ["x"] }'), block("secret/x", caps("update"), 'allowed_parameters = { "b" = ["y"] }')];
    assert.deepEqual(aclOf(...policies).winningRule("secret/x")!.allowedParameters, { a: ["x"], b: ["y"] });
    assert.equal(allows(policies, "update", "secret/x", { data: { a: "x", b: "y" } }), true);
    assert.equal(allows(policies, "update", "secret/x", { data: { b: "z" } }), false);
  });
  it("an empty parameter map adds nothing to the merged rule", () => {
    // vault/acl.go merges allowed/denied parameters only when the new rule's map is not empty.
    const acl = aclOf(block("secret/x", caps("update")), block("secret/x", caps("update"), "allowed_parameters = {}", "denied_parameters = {}"));
    assert.equal(acl.winningRule("secret/x")!.allowedParameters, undefined);
    assert.equal(acl.winningRule("secret/x")!.deniedParameters, undefined);
    assert.equal(acl.allows("update", "secret/x", { data: { any: "x" } }), true);
  });
  it("denied values of the same name are appended across policies", () => {
    const policies = [block("secret/x", caps("update"), 'denied_parameters = { "c" = ["red"] }'), block("secret/x", caps("update"), 'denied_parameters = { "c" = ["blue"] }')];
    assert.deepEqual(aclOf(...policies).winningRule("secret/x")!.deniedParameters, { c: ["blue", "red"] });
    assert.equal(allows(policies, "update", "secret/x", { data: { c: "red" } }), false);
    assert.equal(allows(policies, "update", "secret/x", { data: { c: "blue" } }), false);
    assert.equal(allows(policies, "update", "secret/x", { data: { c: "green" } }), true);
  });
});

describe("acl semantics: parameter values", () => {
  const update = (params: string, data: Record<string, unknown>) => allows([block("secret/x", caps("update"), params)], "update", "secret/x", { data });

  it("a lone '*' in allowed_parameters admits any body, whatever values it lists", () => {
    assert.equal(update('allowed_parameters = { "*" = [] }', { a: "1", b: ["x"] }), true);
    assert.equal(update('allowed_parameters = { "*" = ["x"] }', { "*": "y" }), true);
  });
  it("a parameter not named in denied_parameters passes", () => {
    assert.equal(update('denied_parameters = { "a" = ["x"] }', { b: "x" }), true);
  });
  it("a denied value inside a comma-separated string is caught", () => {
    assert.equal(update('denied_parameters = { "policies" = ["root"] }', { policies: "default, root" }), false);
    assert.equal(update('denied_parameters = { "policies" = ["root"] }', { policies: "default,dev" }), true);
  });
  it("comma-separated items are trimmed before they are compared", () => {
    assert.equal(update('allowed_parameters = { "policies" = ["a", "b"] }', { policies: "a, b" }), true);
  });
  it("a string glob never matches a non-string value", () => {
    assert.equal(update('denied_parameters = { "enabled" = ["**"] }', { enabled: true }), true);
    assert.equal(update('denied_parameters = { "enabled" = ["**"] }', { enabled: "yes" }), false);
    assert.equal(update('allowed_parameters = { "enabled" = ["t*"] }', { enabled: true }), false);
  });
  it("a policy's boolean matches the same boolean in the request", () => {
    assert.equal(update('allowed_parameters = { "enabled" = [true] }', { enabled: true }), true);
    assert.equal(update('allowed_parameters = { "enabled" = [true] }', { enabled: false }), false);
  });
  it("a null value matches no listed value", () => {
    assert.equal(update('allowed_parameters = { "x" = ["a"] }', { x: null }), false);
    assert.equal(update('denied_parameters = { "x" = ["a"] }', { x: null }), true);
  });
  it("a whole list value may equal a list in the policy", () => {
    assert.equal(update('allowed_parameters = { "pair" = [["a", "b"]] }', { pair: ["a", "b"] }), true);
    assert.equal(update('allowed_parameters = { "pair" = [["a", "b"]] }', { pair: ["a", "c"] }), false);
  });
  it("a list value holding null equals no list in the policy", () => {
    assert.equal(update('allowed_parameters = { "pair" = [["a", "b"]] }', { pair: ["a", null] }), false);
  });
  it("a list holding a JSON number never equals a policy's list", () => {
    assert.equal(update('allowed_parameters = { "pair" = [[1, "a"]] }', { pair: [1, "a"] }), false);
  });
  it("a map value may equal a map in the policy, unless it holds a JSON number", () => {
    assert.equal(update('allowed_parameters = { "meta" = [{ team = "a" }] }', { meta: { team: "a" } }), true);
    assert.equal(update('allowed_parameters = { "meta" = [{ team = "a" }] }', { meta: { team: "b" } }), false);
    // Keys in the order the HCL parser gives them (sorted), so only the number decides.
    assert.equal(update('allowed_parameters = { "meta" = [{ size = 1, team = "a" }] }', { meta: { size: 1, team: "a" } }), false);
    assert.equal(update('allowed_parameters = { "meta" = [{ size = "1", team = "a" }] }', { meta: { size: "1", team: "a" } }), true);
  });
});

describe("acl semantics: strutil.GlobbedStringsMatch", () => {
  it("a trailing * is a prefix match only", () => {
    assert.equal(globMatch("ab*", "abc"), true);
    assert.equal(globMatch("ab*", "xab"), false);
    assert.equal(globMatch("a*", "ba"), false);
    assert.equal(globMatch("abc*", "abd"), false);
  });
  it("a leading * is a suffix match only", () => {
    assert.equal(globMatch("*bc", "abc"), true);
    assert.equal(globMatch("*c", "abd"), false);
    assert.equal(globMatch("*c", "cab"), false);
  });
  it("without a * the value must be equal", () => {
    assert.equal(globMatch("abc", "abcd"), false);
    assert.equal(globMatch("abc", "abc"), true);
  });
});

describe("acl semantics: identity-templated rules", () => {
  const dependsOn = (path: string, request: string) => aclOf(block(path, caps("read"))).identityDependence(request);

  it("a + next to a template stands for one segment", () => {
    assert.deepEqual(dependsOn("secret/+/{{identity.entity.id}}", "secret/team/1234"), ["p0.hcl:1"]);
    assert.deepEqual(dependsOn("secret/+/{{identity.entity.id}}", "secret/a/b/1234"), []);
  });
  it("a segment rule with a template and a trailing * is a prefix", () => {
    assert.deepEqual(dependsOn("secret/+/{{identity.entity.id}}/*", "secret/team/1234/x/y"), ["p0.hcl:1"]);
  });
  it("an exact templated rule does not reach deeper paths", () => {
    assert.deepEqual(dependsOn("secret/data/{{identity.entity.id}}", "secret/data/1234"), ["p0.hcl:1"]);
    assert.deepEqual(dependsOn("secret/data/{{identity.entity.id}}", "secret/data/1234/x"), []);
  });
  it("characters special to regular expressions are literal", () => {
    assert.deepEqual(dependsOn("secret/a.b/{{identity.entity.id}}", "secret/a.b/1234"), ["p0.hcl:1"]);
    assert.deepEqual(dependsOn("secret/a.b/{{identity.entity.id}}", "secret/axb/1234"), []);
    assert.deepEqual(dependsOn("secret/a*b/{{identity.entity.id}}", "secret/a*b/1234"), ["p0.hcl:1"]);
  });
  it("strips every leading slash of the path", () => {
    assert.deepEqual(dependsOn("secret/data/{{identity.entity.id}}", "//secret/data/1234"), ["p0.hcl:1"]);
    assert.deepEqual(dependsOn("secret/data/{{identity.entity.id}}", "/secret/data/1234"), ["p0.hcl:1"]);
  });
});

describe("acl semantics: parsing path blocks", () => {
  it("accepts every capability Vault knows", () => {
    const [rule] = parsePolicy(block("secret/x", caps("patch", "subscribe", "recover"))).rules;
    assert.deepEqual(rule.capabilities, ["patch", "subscribe", "recover"]);
  });
  it("names the valid capabilities, the allowed keys and the legacy values in its errors", () => {
    assert.match(policyError(block("a", caps("reed"))).message, /\(valid: create, read, update, patch, delete, list, sudo, deny, subscribe, recover\)/);
    assert.match(policyError(block("a", caps("read"), 'capability = ["read"]')).message,
      /unknown key "capability" \(allowed: comment, policy, capabilities, allowed_parameters, denied_parameters, required_parameters, min_wrapping_ttl, max_wrapping_ttl, mfa_methods, control_group, subscribe_event_types\)/);
    assert.match(policyError('paths "a" {\n}\n').message, /\(allowed: name, path\)/);
    assert.match(policyError(block("a", 'policy = "admin"')).message, /\(legacy values: deny, read, write, sudo\)/);
  });
  it("accepts the comment, mfa_methods and subscribe_event_types keys", () => {
    const [rule] = parsePolicy(block("a", caps("read"), 'comment = "c"', 'mfa_methods = ["m"]', 'subscribe_event_types = ["kv*"]')).rules;
    assert.deepEqual(rule.capabilities, ["read"]);
  });
  it("legacy deny replaces the capabilities, even invalid ones", () => {
    assert.deepEqual(parsePolicy(block("a", caps("reed"), 'policy = "deny"')).rules[0].capabilities, ["deny"]);
  });
  it("capabilities must be a list", () => {
    assert.match(policyError(block("a", 'capabilities = "read"')).message, /^f\.hcl:1: path "a": "capabilities" must be a list$/);
  });
  it("a parameter map must be a map", () => {
    assert.match(policyError(block("a", caps("update"), 'allowed_parameters = "x"')).message, /allowed_parameters must be a map of parameter name to list of values/);
  });
  it("a rule without required_parameters has none", () => {
    assert.equal(parsePolicy(block("a", caps("create"))).rules[0].requiredParameters, undefined);
  });
  it("a top-level name must be a string", () => {
    assert.match(policyError('name = ["x"]\n' + block("a", caps("read"))).message, /^f\.hcl:1: "name" must be a string$/);
    assert.equal(parsePolicy('name = "x"\n' + block("a", caps("read"))).name, "x");
  });
  it("path must be a block", () => {
    assert.match(policyError('path = "secret/x"\n').message, /^f\.hcl:1: "path" must be a block: path "<path>" \{ \.\.\. \}$/);
  });
  it("names <policy> when no source is given", () => {
    assert.match(policyError(block("a", caps("reed")), null).message, /^<policy>:2: path "a": invalid capability "reed"/);
    assert.equal(parsePolicy(block("a", caps("read"))).source, "<policy>");
  });
});

describe("acl semantics: where parse errors point", () => {
  it("skips a commented-out path block when counting blocks", () => {
    const text = '# path "old" { capabilities = ["read"] }\npath "a" {\n  capabilities = ["reed"]\n}\n';
    assert.equal(policyError(text).line, 3);
    assert.match(policyError('// path "old" {}\n' + block("a", caps("reed"))).message, /^f\.hcl:3: path "a"/);
  });
  it("counts indented path blocks and blocks with more than one space before the name", () => {
    const indented = block("a", caps("read")) + '  path "b" {\n    capabilities = ["read"]\n  }\n  path "c" {\n    capability = ["read"]\n  }\n';
    assert.match(policyError(indented).message, /^f\.hcl:7: path "c": unknown key "capability"/);
    const spaced = block("a", caps("read")) + 'path   "b" {\n  capability = ["read"]\n}\n';
    assert.match(policyError(spaced).message, /^f\.hcl:4: path "b": unknown key "capability"/);
  });
  it("finds a bad value on the last line of a file without a final newline", () => {
    assert.equal(policyError('path "a" {\n  capabilities = ["read", "reed"] }').line, 2);
  });
  it("points at the block when its bad value is not written as a quoted string, not at a later block", () => {
    const error = policyError('path "a" {\n  policy = 5\n}\npath "5" {\n  capabilities = ["read"]\n}\n');
    assert.equal(error.line, 1);
    assert.match(error.message, /^f\.hcl:1: path "a": invalid policy "5"/);
  });
});

describe("acl semantics: HCL syntax errors", () => {
  it("names <input>, the line and the column, and is an HclSyntaxError", () => {
    const error = hclError("\n\n\n\n\n\n\n\n\n\n\n   a = = 1\n");
    assert.equal(error.name, "HclSyntaxError");
    assert.equal(error.line, 12);
    assert.equal(error.column, 8);
    assert.match(error.message, /^<input>:12:8: Unknown token/);
  });
  it("reports a column of two digits", () => {
    const error = hclError("a = 1\nbbbbbbbbbbbbbbbbbbbb = = 2\n", "x.hcl");
    assert.equal(error.line, 2);
    assert.equal(error.column, 24);
  });
  it("reports an error without a position as line 0", () => {
    const error = hclError('{"a": [null]}', "x.json");
    assert.equal(error.line, 0);
    assert.equal(error.column, 0);
    assert.match(error.message, /^x\.json:0:0: unexpected token while parsing list: NULL$/);
  });
  it("does not mistake a value that mentions a parse failure for one", () => {
    assert.deepEqual(parseHcl('x = "unable to parse JSON: At 1:2: y"'), { x: "unable to parse JSON: At 1:2: y" });
  });
  it("turns the parser's message into a PolicyError at the same line", () => {
    const error = policyError('path "a" {\n  capabilities = = ["read"]\n}\n');
    assert.equal(error.line, 2);
    assert.match(error.message, /^f\.hcl:2: /);
  });
});

describe("acl semantics: where an unclosed block is reported", () => {
  const unclosedAt = (text: string) => {
    const error = policyError(text);
    assert.match(error.message, /opened here is never closed/);
    return error.line;
  };
  const cases: Array<[string, string, number]> = [
    ["a comment right after the brace does not hide it", 'path "a" {// note\n  capabilities = ["read"]\n', 1],
    ["a closing brace inside a string with an escaped quote does not close it", 'path "a" {\n  comment = "x \\" }"\n  capabilities = ["read"]\n', 1],
    ["a block comment before a brace is not a line comment", 'path "a" {\n}\npath "b" /* c */ {\n  capabilities = ["read"]\n', 3],
    ["closed lists and blocks before it are skipped", block("a", caps("read")) + 'path "b" {\n  capabilities = ["read"]\n', 4],
    ["a quote inside a heredoc ends at the line's end", 'path "a" {\n  comment = <<EOT\nsay "hi\nEOT\n  capabilities = ["read"]\n}\npath "b" {\n  capabilities = ["read"]\n', 7],
    ["a comment on the last line without a newline", 'path "a" {\n  capabilities = ["read"] # end', 1],
    ["a quote inside a block comment on the last line runs to the end of the file", 'path "a" {\n  capabilities = ["read"] /* " */', 1],
    ["a closing brace before anything was opened is ignored", '/* } */\npath "a" {\n  capabilities = ["read"]\n', 2],
  ];
  for (const [title, text, line] of cases) it(`${title} (line ${line})`, () => assert.equal(unclosedAt(text), line));
  it("falls back to the parser's position when the braces look balanced", () => {
    const error = policyError('path "a" {\n  capabilities = ["read"] /* } */\n');
    assert.doesNotMatch(error.message, /never closed/);
    assert.match(error.message, /got: EOF/);
  });
});
