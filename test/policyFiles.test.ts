import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, parseConfig } from "../config";
import { availablePolicies, POLICY_DIR, readPolicyFile } from "../components/vault/policies";
import { parsePolicy } from "../acl";
import { devWithVault, encodeConfig } from "./fixtures";
import { BROKEN_POLICIES } from "./policyCorpus";

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


describe("policy files", () => {
  for (const [title, text, message] of BROKEN_POLICIES) {
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
