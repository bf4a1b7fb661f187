import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, parseConfig } from "../config";
import { availablePolicies, POLICY_DIR, readPolicyFile } from "../components/vault/policies";
import { parsePolicy } from "../acl";
import { devWithVault, encodeConfig } from "./fixtures";

/** A policies/ copy with kes.hcl replaced by `text`. */
function policyDirWithKes(text: string): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-policies-")), "policies");
  fs.mkdirSync(dir);
  for (const file of fs.readdirSync(POLICY_DIR)) fs.copyFileSync(path.join(POLICY_DIR, file), path.join(dir, file));
  fs.writeFileSync(path.join(dir, "kes.hcl"), text);
  return dir;
}

function failureFor(kesPolicy: string): string {
  try {
    parseConfig(encodeConfig(devWithVault()), { env: {}, policyDir: policyDirWithKes(kesPolicy) });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail("the broken policy was accepted");
}

const BROKEN: Array<[string, string, RegExp]> = [
  ["an unknown capability", '# tenant\npath "kv/${name}/*" {\n  capabilities = ["read", "write"]\n}\n', /^vault-platform:consumers\[1\]\.policy policies\/kes\.hcl:2: path "kv\/kes\/\*": invalid capability "write"/],
  ["'+*'", 'path "kv/+*" {\n  capabilities = ["read"]\n}\n', /policies\/kes\.hcl:1: path "kv\/\+\*": invalid use of wildcards \('\+\*' is forbidden\)/],
  ["a '*' before the end", '\n\npath "kv/*/keys" {\n  capabilities = ["read"]\n}\n', /policies\/kes\.hcl:3: path "kv\/\*\/keys": '\*' is only allowed as the last character/],
  ["an unknown key in a path", 'path "kv/a" {\n  capabilities = ["read"]\n  capability = ["list"]\n}\n', /policies\/kes\.hcl:1: path "kv\/a": unknown key "capability"/],
  ["an unknown top-level key", 'paths "kv/a" {\n  capabilities = ["read"]\n}\n', /policies\/kes\.hcl:1: unknown top-level key "paths"/],
  ["a syntax error", 'path "kv/a" {\n  capabilities = ["read"\n}\n', /policies\/kes\.hcl:4: object expected closing RBRACE got: EOF/],
  ["a bad legacy policy", 'path "kv/a" {\n  policy = "admin"\n}\n', /policies\/kes\.hcl:1: path "kv\/a": invalid policy "admin"/],
  ["a bad wrapping TTL", 'path "kv/a" {\n  capabilities = ["read"]\n  min_wrapping_ttl = "soon"\n}\n', /min_wrapping_ttl must be a duration/],
  ["max below min wrapping TTL", 'path "kv/a" {\n  capabilities = ["read"]\n  min_wrapping_ttl = "10m"\n  max_wrapping_ttl = "1m"\n}\n', /max_wrapping_ttl cannot be less than min_wrapping_ttl/],
  ["an unknown placeholder", 'path "kv/${tenant}/*" {\n  capabilities = ["read"]\n}\n', /policies\/kes\.hcl:1: unknown placeholder \$\{tenant\}/],
  ["a wildcard inside a parameter name", 'path "kv/a" {\n  capabilities = ["update"]\n  allowed_parameters = { "a*b" = [] }\n}\n', /parameter key "a\*b" cannot contain non-tail wildcards/],
];

describe("policy files", () => {
  for (const [title, text, message] of BROKEN) {
    it(`rejects ${title}, naming the file and line`, () => {
      const failure = failureFor(text);
      assert.match(failure, message);
      assert.match(failure, /^vault-platform:consumers\[1\]\.policy policies\/kes\.hcl:\d+/);
    });
  }

  it("every committed policy parses", () => {
    assert.deepEqual(availablePolicies(), ["apisix", "kes", "my-app", "provisioner", "tenant"]);
    for (const name of availablePolicies()) {
      const { file, text } = readPolicyFile(name);
      assert.ok(parsePolicy(text.split("${name}").join("tenant"), file).rules.length > 0, file);
    }
  });
});
