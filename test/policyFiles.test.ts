import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, parseConfig } from "../config";
import { availablePolicies, PROVISIONER_DIR, readPolicyFile } from "../config/policyFiles";
import { parsePolicy } from "../acl";
import { devWithVault, encodeConfig, policyDirWith } from "./fixtures";
import { Config } from "./invalidConfigs";
import { BROKEN_POLICIES } from "./policyCorpus";
import { thrown } from "./assertions";

/** The one ConfigError message for the dev declarations, changed by `mutate`, with these policy files. */
function configFailure(files: Record<string, string>, mutate: (config: Config) => void = () => undefined): string {
  const config = devWithVault();
  mutate(config);
  return thrown(ConfigError, () => parseConfig(encodeConfig(config), { env: {}, policyDir: policyDirWith(files) })).message;
}

const failureFor = (kesPolicy: string) => configFailure({ "kes.hcl": kesPolicy });


describe("policy files", () => {
  for (const [title, text, message] of BROKEN_POLICIES) {
    it(`rejects ${title}, naming the file and line`, () => {
      const failure = failureFor(text);
      assert.match(failure, message);
      assert.match(failure, /^vault-platform:consumers\[1\] \(kes\)\.policy policies\/kes\.hcl:\d+/);
    });
  }

  describe("policy names", () => {
    const kesPolicy = (policy: string) => (config: Config) => {
      config["vault-platform:consumers"].find((consumer: { name: string }) => consumer.name === "kes").policy = policy;
    };
    const tenant = (name: string, policy: string) => (config: Config) => {
      const kes = config["vault-platform:consumers"].find((consumer: { name: string }) => consumer.name === "kes");
      config["vault-platform:consumers"].push({ ...kes, name, policy, client: undefined, expect: undefined });
    };

    it("refuses a consumer that takes the provisioner's policy", () => {
      assert.match(configFailure({ "provisioner.hcl": 'path "kv/*" { capabilities = ["read"] }\n' }, kesPolicy("provisioner")), /^vault-platform:consumers\[1\] \(kes\)\.policy "provisioner" is reserved .* cannot be a consumer's policy/);
    });

    it("refuses a policies/default.hcl, which would rewrite the policy every token carries", () => {
      assert.match(configFailure({ "default.hcl": 'path "kv/*" { capabilities = ["read"] }\n' }, kesPolicy("default")), /^vault-platform:consumers\[1\] \(kes\)\.policy "default" is reserved/);
    });

    it("refuses a second, different source for one policy name, naming both files", () => {
      let acme = 0;
      const failure = configFailure({ "tenant-acme.hcl": 'path "kv/*" { capabilities = ["read"] }\n' }, (config) => {
        acme = config["vault-platform:consumers"].length;
        tenant("acme", "tenant")(config);
        tenant("acme-admin", "tenant-acme")(config);
      });
      assert.equal(failure.split("\n")[0], `vault-platform:consumers[${acme + 1}] (acme-admin).policy would upload Vault policy "tenant-acme" from policies/tenant-acme.hcl, but vault-platform:consumers[${acme}] (acme).policy uploads a different "tenant-acme" from policies/tenant.hcl; rename one of the files`);
    });

    it("lets consumers share one policy file that is not a template", () => {
      const config = devWithVault();
      tenant("apisix-2", "apisix")(config);
      const parsed = parseConfig(encodeConfig(config), { env: {} });
      const policyOf = (name: string) => parsed.vaultLayer.consumers.find(({ consumer }) => consumer.name === name)!.policy;
      assert.equal(policyOf("apisix-2").name, "apisix");
      assert.equal(policyOf("apisix").name, "apisix");
      assert.equal(parsed.vaultLayer.policies.filter((policy) => policy.name === "apisix").length, 1, "uploaded once");
    });

    it("does not take ${name} or ${...} in a comment for a placeholder", () => {
      const config = devWithVault();
      tenant("kes-2", "kes")(config);
      const kes = '# not a template: ${name} and ${tenant} only in this comment\npath "kv/kes/*" { # ${name}\n  capabilities = ["read"] // ${name}\n}\n';
      const parsed = parseConfig(encodeConfig(config), { env: {}, policyDir: policyDirWith({ "kes.hcl": kes }) });
      assert.deepEqual(parsed.vaultLayer.consumers.filter(({ consumer }) => consumer.name.startsWith("kes")).map(({ policy }) => policy.name), ["kes", "kes"]);
      assert.equal(parsed.vaultLayer.policies.filter((policy) => policy.name === "kes").length, 1, "one shared policy");
    });
  });

  it("every committed policy parses", () => {
    const named = devWithVault()["vault-platform:consumers"].map((consumer: { policy: string }) => consumer.policy);
    for (const name of named) assert.ok(availablePolicies().includes(name), `policies/${name}.hcl`);
    for (const name of availablePolicies()) {
      const { file, text } = readPolicyFile(name);
      assert.ok(parsePolicy(text.split("${name}").join("tenant"), file).rules.length > 0, file);
    }
    const provisionerFiles = fs.readdirSync(PROVISIONER_DIR);
    assert.ok(provisionerFiles.length >= 2, provisionerFiles.join(", "));
    for (const file of provisionerFiles) assert.ok(parsePolicy(fs.readFileSync(path.join(PROVISIONER_DIR, file), "utf8"), file).rules.length > 0, file);
  });
});
