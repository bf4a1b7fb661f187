/**
 * `npm run provisioner-policy -- --stack <name> [--write]`: the provisioning token's policy for a stack,
 * generated from its declarations (access/provisioner.ts); printed, or written to
 * policies/provisioner/<stack>.hcl together with the read-only planner's policies/planner/<stack>.hcl,
 * which `npm run plan` and the tests compare with the declarations.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { PLANNER_POLICY, plannerPolicyText, provisionerPolicyText } from "../access";
import { ConfigError, parseConfig, PlatformConfig, POLICY_DIR, PROVISIONER_POLICY, stackConfig, withPasswordPlaceholder } from "../config";
import { runScript } from "./cli";

const USAGE = "npm run provisioner-policy -- --stack <name> [--write]";

/** A stack's declarations. The reviewer's files (local stack) are not read and the login's password is not needed: what pulumi up needs depends on neither. */
export function stackDeclarations(stack: string): PlatformConfig {
  const raw = stackConfig(stack);
  return parseConfig(raw, { env: { VAULT_TOKEN: "not-used" }, overrides: withPasswordPlaceholder(raw, { kubernetes: { reviewer: undefined } }) });
}

/** The generated policies of a stack, by policy name in Vault: the provisioner's and the planner's. */
export function stackPolicies(stack: string): Record<string, string> {
  const layer = stackDeclarations(stack).vaultLayer;
  return { [PROVISIONER_POLICY]: provisionerPolicyText(layer, stack), [PLANNER_POLICY]: plannerPolicyText(layer, stack) };
}

function main(argv: string[]): void {
  const { values } = parseArgs({ args: argv, options: { stack: { type: "string" }, write: { type: "boolean", default: false } }, strict: true });
  if (!values.stack) throw new ConfigError(`provisioner-policy: --stack is required; usage: ${USAGE}`);
  const policies = stackPolicies(values.stack);
  if (!values.write) {
    process.stdout.write(policies[PROVISIONER_POLICY]);
    return;
  }
  for (const [name, text] of Object.entries(policies)) {
    const file = path.join(POLICY_DIR, name, `${values.stack}.hcl`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    console.error(`wrote ${path.relative(process.cwd(), file)}; review the diff, then as an administrator: vault policy write ${name} ${path.relative(process.cwd(), file)}`);
  }
}

if (require.main === module) runScript(main);
