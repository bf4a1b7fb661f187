import { strict as assert } from "assert";
import { Acl, parsePolicy } from "../acl";
import { DEFAULT_POLICY } from "../acl/defaultPolicy";
import { provisionerDenied, provisionerPolicyText } from "../access";
import { loginBootstrap } from "../access/loginBootstrap";
import { PROVIDER_TYPES } from "../components/resourceTypes";
import { ConfigError, encodeConfig, parseConfig, stackConfig, withPasswordPlaceholder } from "../config";
import { isSecretInput, runProgram, unwrapSecret } from "../offline/runtime";
import { bootstrapCommands } from "../scripts/bootstrapLogin";
import { devWithVault, layerWith } from "./fixtures";
import { Config } from "./invalidConfigs";
import { onlyOfType } from "./programRun";

const PASSWORD = "correct-horse-battery-staple";

/** The dev stack logging in as its provisioner user, the password a named secret; no token. */
function withLogin(config: Config, login: object = { method: "userpass" }): void {
  config["vault-platform:vault"] = { ...config["vault-platform:vault"], login };
  config["vault-platform:secrets"] = { provisionerPassword: PASSWORD };
  delete config["vault-platform:vaultToken"];
}

describe("the provisioner's login (vault.login): the provider", () => {
  it("logs in with authLoginUserpass (the password a secret) and gets no token; without a login it keeps the token", async () => {
    const config = devWithVault();
    withLogin(config, { method: "userpass", path: "provisioning", username: "ci-provisioner" });
    const provider = onlyOfType(await runProgram(encodeConfig(config)), PROVIDER_TYPES.vault).inputs;
    assert.equal(provider.token, undefined);
    // @pulumi/vault hands the block over as JSON; with a secret password, the whole block is secret.
    assert.ok(isSecretInput(provider.authLoginUserpass), "the login block must be secret");
    assert.deepEqual(JSON.parse(unwrapSecret(provider.authLoginUserpass)), { mount: "provisioning", username: "ci-provisioner", password: PASSWORD });
    const withToken = onlyOfType(await runProgram(encodeConfig(devWithVault())), PROVIDER_TYPES.vault).inputs;
    assert.equal(withToken.authLoginUserpass, undefined);
    assert.equal(unwrapSecret(withToken.token), "hvs.provisioner-test-token");
  });

  it("needs the password among the secrets, and no token", () => {
    const config = devWithVault();
    withLogin(config);
    config["vault-platform:secrets"] = {};
    assert.throws(() => parseConfig(encodeConfig(config), { env: {} }), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, "vault-platform:vault.login.passwordSecret names \"provisionerPassword\", which vault-platform:secrets does not hold; " +
        "set it with `pulumi config set --secret --path 'vault-platform:secrets.provisionerPassword' <value>`");
      return true;
    });
    const raw = encodeConfig(config);
    assert.equal(parseConfig(raw, { env: {}, overrides: withPasswordPlaceholder(raw) }).vaultToken, undefined, "a placeholder for the tools that only check declarations");
  });
});

describe("the provisioner's login: what the provisioner may not change", () => {
  const layer = layerWith((config) => withLogin(config));
  const acl = new Acl([parsePolicy(provisionerPolicyText(layer, "dev"), "provisioner"), parsePolicy(DEFAULT_POLICY, "default")]);

  it("denies its own user (entry, password, policies) and the userpass method (disable, tune), explicitly", () => {
    assert.deepEqual(provisionerDenied(layer).slice(2), [
      "auth/userpass/users/pulumi-provisioner", "auth/userpass/users/pulumi-provisioner/password", "auth/userpass/users/pulumi-provisioner/policies",
      "sys/auth/userpass", "sys/auth/userpass/tune", "sys/mounts/auth/userpass/tune",
    ]);
    for (const path of provisionerDenied(layer)) {
      assert.deepEqual(acl.winningRule(path)?.capabilities, new Set(["deny"]), path);
      for (const capability of ["create", "update", "delete", "sudo"] as const) assert.ok(!acl.allows(capability, path), `${capability} ${path}`);
    }
    assert.deepEqual(provisionerDenied(layerWith(() => undefined)), ["sys/policies/acl/provisioner", "sys/policies/acl/default"], "no login, no login denies");
  });
});

describe("the provisioner's login: an administrator's bootstrap", () => {
  const login = { method: "userpass" as const, path: "userpass", username: "pulumi-provisioner", passwordSecret: "provisionerPassword" };

  it("enables userpass unless present, writes the policy, then the user with only that policy and short tokens; the password is never in a command", () => {
    const steps = loginBootstrap({ login: { ...login, path: "provisioning" }, tokenTtlSeconds: 900, policy: "the policy", policyFile: "policies/provisioner/dev.hcl" });
    assert.deepEqual(steps.map(({ method, path, body, unlessPresent, takesPassword }) => ({ method, path, body, unlessPresent, takesPassword })), [
      { method: "POST", path: "sys/auth/provisioning", body: { type: "userpass", description: "the provisioner's login, managed by an administrator" }, unlessPresent: "sys/mounts/auth/provisioning", takesPassword: undefined },
      { method: "PUT", path: "sys/policies/acl/provisioner", body: { policy: "the policy" }, unlessPresent: undefined, takesPassword: undefined },
      { method: "POST", path: "auth/provisioning/users/pulumi-provisioner", body: { token_policies: ["provisioner"], token_ttl: 900, token_max_ttl: 900 }, unlessPresent: undefined, takesPassword: true },
    ]);
    assert.deepEqual(steps.map((step) => step.command), [
      "vault read sys/mounts/auth/provisioning >/dev/null 2>&1 || vault auth enable -path=provisioning -description=\"the provisioner's login, managed by an administrator\" userpass",
      "vault policy write provisioner policies/provisioner/dev.hcl",
      "vault write auth/provisioning/users/pulumi-provisioner token_policies=provisioner token_ttl=900 token_max_ttl=900 password=-",
    ]);
  });

  it("npm run bootstrap-login prints them for the local stack with its committed policy, the password piped from PROVISIONER_PASSWORD", () => {
    const raw = stackConfig("local");
    const config = parseConfig(raw, { env: {}, overrides: withPasswordPlaceholder(raw, { kubernetes: { reviewer: undefined } }) });
    const script = bootstrapCommands(config, "local");
    assert.ok(script.includes("vault policy write provisioner policies/provisioner/local.hcl\n"), script);
    assert.ok(script.includes(`printf '%s' "$PROVISIONER_PASSWORD" | vault write auth/userpass/users/pulumi-provisioner token_policies=provisioner token_ttl=1200 token_max_ttl=1200 password=-\n`), script);
    assert.ok(script.includes(`printf '%s' "$PROVISIONER_PASSWORD" | pulumi config set --secret --path 'vault-platform:secrets.provisionerPassword' --stack local\n`), script);
    assert.ok(!script.includes("checked-only"), "the placeholder password is printed");
    const dev = parseConfig(encodeConfig(devWithVault()), { env: {}, overrides: { kubernetes: { reviewer: undefined } } });
    assert.throws(() => bootstrapCommands(dev, "dev"), /^ConfigError: bootstrap-login: Pulumi\.dev\.yaml sets no vault-platform:vault\.login; add `login: \{ method: userpass \}` under vault-platform:vault first$/);
    const stale = parseConfig(raw, { env: {}, overrides: withPasswordPlaceholder(raw, { kubernetes: { reviewer: undefined }, engines: { transit: { keys: [{ name: "orders" }] } } }) });
    assert.throws(() => bootstrapCommands(stale, "local"), /policies\/provisioner\/local\.hcl is stale; run `npm run provisioner-policy -- --stack local --write`/);
  });
});
