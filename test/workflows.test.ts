/**
 * The GitHub workflows: pull-request code never holds a credential that can write (Vault provisioner
 * token, deploying AWS role); `pulumi up` runs only from main through a protected environment.
 * `.ci/run` validates both files against GitHub's schema with action-validator.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { PROJECT_ROOT } from "../config";

interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { "runs-on"?: string | string[]; environment?: string; env?: Record<string, string>; steps: Array<{ uses?: string; run?: string; with?: Record<string, unknown> }> }>;
}

const workflow = (name: string) => {
  const file = path.join(PROJECT_ROOT, ".github", "workflows", name);
  return { text: fs.readFileSync(file, "utf8"), parsed: yaml.load(fs.readFileSync(file, "utf8")) as Workflow };
};
const WRITING_SECRETS = ["VAULT_PROVISIONER_TOKEN", "AWS_DEPLOY_ROLE_ARN"];

describe("workflows", () => {
  it("preview.yml runs on pull requests with the read-only planner token and AWS role only, and never runs pulumi up", () => {
    const { text, parsed } = workflow("preview.yml");
    assert.deepEqual(Object.keys(parsed.on), ["pull_request"]);
    for (const secret of WRITING_SECRETS) assert.ok(!text.includes(secret), `preview.yml names ${secret}`);
    assert.equal(parsed.jobs.preview.env?.VAULT_TOKEN, "${{ secrets.VAULT_PLANNER_TOKEN }}");
    assert.match(text, /role-to-assume: \$\{\{ secrets\.AWS_READONLY_ROLE_ARN \}\}/);
    const steps = Object.values(parsed.jobs).flatMap((job) => job.steps);
    assert.deepEqual(steps.map((step) => step.with?.command).filter((command) => command !== undefined), ["preview"]);
    assert.deepEqual(steps.filter((step) => /\bpulumi\s+up\b/.test(step.run ?? "")).map((step) => step.run), [], "a run step calls pulumi up");
  });

  it("deploy.yml runs pulumi up only on main (or by hand), per stack through its protected environment, after the offline plan", () => {
    const { parsed } = workflow("deploy.yml");
    assert.deepEqual(parsed.on, { push: { branches: ["main"] }, workflow_dispatch: null });
    const { deploy } = parsed.jobs;
    assert.equal(deploy.environment, "${{ matrix.stack }}", "the secrets come from the stack's protected environment");
    assert.equal(deploy.env?.VAULT_TOKEN, "${{ secrets.VAULT_PROVISIONER_TOKEN }}");
    const steps = deploy.steps.map((step) => step.with?.command ?? step.run ?? step.uses);
    const plan = steps.findIndex((step) => /npm run -s plan/.test(String(step)));
    assert.ok(plan >= 0 && plan < steps.indexOf("up"), "the plan gates the deploy");
    assert.equal(parsed.permissions.contents, "read");
  });

  it("deploy.yml runs each stack on that stack's self-hosted runner in its VPC; pull-request jobs never run on a self-hosted runner", () => {
    // The Vault layer is reached through an internal load balancer: only a runner inside the stack's VPC reaches it.
    assert.deepEqual(workflow("deploy.yml").parsed.jobs.deploy["runs-on"], ["self-hosted", "linux", "vault-platform-${{ matrix.stack }}"]);
    for (const [name, job] of Object.entries(workflow("preview.yml").parsed.jobs)) {
      assert.ok(![job["runs-on"]].flat().includes("self-hosted"), `preview.yml job ${name} runs on a self-hosted runner, inside the VPC`);
    }
  });
});
