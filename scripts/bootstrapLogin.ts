/**
 * `npm run bootstrap-login -- --stack <name>`: the `vault` commands an administrator runs once so that the
 * stack's provisioner logs in with its own userpass account (`vault.login`) instead of being handed a
 * token: the auth method, the committed provisioner policy, the user. The password is never on the
 * command line or in the output: the commands read it from PROVISIONER_PASSWORD through standard input.
 */
import { parseArgs } from "util";
import { provisionerPolicyText } from "../access";
import { BootstrapStep, loginBootstrap } from "../access/loginBootstrap";
import { ConfigError, PlatformConfig, PROJECT, readProvisionerFile } from "../config";
import { stackDeclarations } from "./provisionerPolicy";
import { runScript } from "./cli";

const USAGE = "npm run bootstrap-login -- --stack <name>";
/** The environment variable the printed commands read the password from. */
export const PASSWORD_VARIABLE = "PROVISIONER_PASSWORD";

/** The commands for a stack's parsed config; throws a ConfigError when it declares no login or its committed policy is stale. */
export function bootstrapCommands(config: PlatformConfig, stack: string): string {
  const login = config.vault.login;
  if (login === undefined) throw new ConfigError(`bootstrap-login: Pulumi.${stack}.yaml sets no ${PROJECT}:vault.login; add \`login: { method: userpass }\` under ${PROJECT}:vault first`);
  const committed = readProvisionerFile(stack);
  if (committed?.text !== provisionerPolicyText(config.vaultLayer, stack)) {
    throw new ConfigError(`bootstrap-login: policies/provisioner/${stack}.hcl is ${committed === undefined ? "missing" : "stale"}; run \`npm run provisioner-policy -- --stack ${stack} --write\` and review the diff first`);
  }
  const steps = loginBootstrap({ login, tokenTtlSeconds: config.vault.providerTokenTtlSeconds, policy: committed.text, policyFile: committed.file });
  const command = (step: BootstrapStep) => (step.takesPassword ? `printf '%s' "$${PASSWORD_VARIABLE}" | ${step.command}` : step.command);
  return [
    `# The provisioner's login for the ${stack} stack, generated from Pulumi.${stack}.yaml (${USAGE}).`,
    "# As an administrator (VAULT_ADDR, VAULT_CACERT and an administrator's VAULT_TOKEN set), with the new password in",
    `# ${PASSWORD_VARIABLE} (e.g. \`read -rs ${PASSWORD_VARIABLE} && export ${PASSWORD_VARIABLE}\`): it goes through standard input only.`,
    "set -eu",
    ...steps.flatMap((step) => [`# ${step.purpose}`, command(step)]),
    "# The same password for the stack, encrypted in its config (the provider logs in with it):",
    `printf '%s' "$${PASSWORD_VARIABLE}" | pulumi config set --secret --path '${PROJECT}:secrets.${login.passwordSecret}' --stack ${stack}`,
    "",
  ].join("\n");
}

function main(argv: string[]): void {
  const { values } = parseArgs({ args: argv, options: { stack: { type: "string" } }, strict: true });
  if (!values.stack) throw new ConfigError(`bootstrap-login: --stack is required; usage: ${USAGE}`);
  // The password need not be in the stack yet (the printed commands put it there).
  process.stdout.write(bootstrapCommands(stackDeclarations(values.stack), values.stack));
}

if (require.main === module) runScript(main);
