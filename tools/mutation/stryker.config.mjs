// StrykerJS over the unit tests that exercise each target (run.sh picks the target):
//   acl: the ACL evaluator; access: the access checks and the provisioner policy; user-data: the node's
//   generated files; provider: the Vault provider stand-in's logic and calls. Mutants are TypeScript run through ts-node (transpile only), so no type checker.
const targets = {
  acl: { mutate: ["acl/**/*.ts", "!acl/defaultPolicy.ts"], spec: ["test/acl.test.ts", "test/aclSemantics.test.ts", "test/policyFiles.test.ts"] },
  access: { mutate: ["access/**/*.ts"], spec: ["test/access.test.ts", "test/accessChecks.test.ts", "test/model.test.ts"] },
  "user-data": { mutate: ["components/cluster/userData.ts"], spec: ["test/generated.test.ts", "test/cluster.test.ts"] },
  provider: { mutate: ["local/provider/standIn.ts", "local/provider/vaultCalls.ts"], spec: ["test/standIn.test.ts", "test/vaultCalls.test.ts"] },
};
const target = targets[process.env.MUTATION_TARGET];
if (!target) throw new Error(`MUTATION_TARGET must be one of ${Object.keys(targets).join(", ")}`);

export default {
  mutate: target.mutate,
  testRunner: "mocha",
  testRunnerNodeArgs: ["--require", "ts-node/register/transpile-only"],
  mochaOptions: { spec: target.spec, require: ["ts-node/register/transpile-only"], extension: ["ts"], "no-config": true },
  coverageAnalysis: "perTest",
  concurrency: 2,
  timeoutMS: 60000,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: `reports/mutation/${process.env.MUTATION_TARGET}.json` },
  tempDirName: ".stryker-tmp",
  ignorePatterns: ["node_modules", "bin", ".local", "tools/mutation/node_modules", "reports"],
  thresholds: { high: 85, low: 85, break: null },
};
