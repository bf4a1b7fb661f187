import { strict as assert } from "assert";
import * as fs from "fs";
import { parseConfig } from "../config";
import { isAwsBackupCron } from "../config/cluster";
import { lastRegistrations, runProgram } from "../offline/runtime";
import { encodeConfig, stackConfig } from "../config";
import { devConfig, devWithPeople, devWithVault } from "./fixtures";
import { AUTH_CASES, CLUSTER_CASES, Config, InvalidCase, VAULT_CASES } from "./invalidConfigs";

/** Runs each case through the whole program and checks its one message and that nothing was registered. */
export function checkInvalidCases(cases: InvalidCase[], base: () => Config): void {
  for (const invalid of cases) {
    it(`rejects ${invalid.title}, registering nothing`, async () => {
      const config = base();
      invalid.mutate(config);
      const raw = encodeConfig(config);
      let failure: unknown;
      const run = runProgram(raw, "dev", invalid.env ?? {}).catch((error) => { failure = error; return undefined; });
      const result = await run;
      assert.equal(result, undefined, "the program must fail");
      assert.ok(failure instanceof Error);
      assert.equal(failure.name, "ConfigError");
      assert.match(failure.message, invalid.message);
      assert.equal(failure.message.split("\n").length, 1, `one message, got:\n${failure.message}`);
      const registered = lastRegistrations().filter((registration) => registration.type !== "pulumi:pulumi:Stack");
      assert.deepEqual(registered.map((registration) => registration.name), []);
    });
  }
}

describe("config: invalid cluster settings", () => checkInvalidCases(CLUSTER_CASES, devConfig));
describe("config: invalid Vault declarations", () => checkInvalidCases(VAULT_CASES, devWithVault));
describe("config: invalid people's login (LDAP, OIDC)", () => checkInvalidCases(AUTH_CASES, devWithPeople));

it("config: the README counts the invalid configurations test/invalidConfigs.ts derives", () => {
  const stated = /`test\/invalidConfigs\.ts` derives (\d+) invalid configurations/.exec(fs.readFileSync("README.md", "utf8"));
  assert.ok(stated, "the README no longer states the count");
  assert.equal(Number(stated[1]), CLUSTER_CASES.length + VAULT_CASES.length + AUTH_CASES.length);
});

describe("config: valid settings", () => {
  it("parses the dev stack with defaults filled in", () => {
    const config = parseConfig(stackConfig("dev"), { env: {} });
    assert.equal(config.region, "eu-west-1");
    assert.ok(config.cluster.enabled);
    if (!config.cluster.enabled) return;
    assert.equal(config.cluster.nodeCount, 2);
    assert.equal(config.cluster.rootVolumeSizeGb, 20);
    assert.deepEqual(config.cluster.backup, { schedule: "cron(0 3 * * ? *)", retentionDays: 35 });
    assert.equal(config.cluster.storageTableName, undefined);
    assert.equal(config.audit.path, "/var/log/vault/audit.log");
    assert.equal(config.vault.configure, false);
  });

  it("accepts AWS Backup cron schedules: daily, weekly, twice a day, monthly, weekdays", () => {
    for (const schedule of ["cron(0 3 * * ? *)", "cron(30 1 ? * SUN *)", "cron(0 5,17 * * ? *)", "cron(0 3 1 * ? *)", "cron(15 2 ? * MON-FRI *)", "cron(0 3 L * ? *)"]) {
      assert.ok(isAwsBackupCron(schedule), schedule);
    }
    for (const schedule of ["cron(0 3 * * * *)", "cron(0 3 ? * ? *)", "cron(60 3 * * ? *)", "cron(* 3 * * ? *)", "0 3 * * ? *", "cron(0 3 * * ? * *)"]) {
      assert.ok(!isAwsBackupCron(schedule), schedule);
    }
  });

  it("allows 0.0.0.0/0 only when explicitly asked", () => {
    const config = devConfig();
    config["vault-platform:cluster"].allowedCidrs = ["0.0.0.0/0"];
    config["vault-platform:cluster"].allowAnyCidr = true;
    const parsed = parseConfig(encodeConfig(config), { env: {} });
    assert.ok(parsed.cluster.enabled && parsed.cluster.allowedCidrs[0] === "0.0.0.0/0");
  });

  it("lists every problem of a config in one message", () => {
    const config = devConfig();
    config["vault-platform:cluster"].nodeCount = 1;
    config["vault-platform:cluster"].healthCheck = "x";
    assert.throws(() => parseConfig(encodeConfig(config), { env: {} }), (error: Error) =>
      /nodeCount must be at least 2/.test(error.message) && /healthCheck must be/.test(error.message));
  });

  it("needs only enabled: false to turn the cluster off", () => {
    const config = devConfig();
    config["vault-platform:cluster"] = { enabled: false };
    assert.equal(parseConfig(encodeConfig(config), { env: {} }).cluster.enabled, false);
  });
});
