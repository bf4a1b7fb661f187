/**
 * `npm run provisioner-policy -- --stack <name> [--write]`: the provisioning token's policy for a stack,
 * generated from its declarations (access/provisioner.ts); printed, or written to
 * policies/provisioner/<stack>.hcl, which `npm run plan` and the tests compare with the declarations.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { provisionerPolicyText } from "../access";
import { ConfigError, parseConfig, PROVISIONER_DIR, stackConfig } from "../config";

const USAGE = "npm run provisioner-policy -- --stack <name> [--write]";

/** The stack's policy text. The reviewer's files (local stack) are not read: what pulumi up needs does not depend on them. */
export function stackProvisionerPolicy(stack: string): string {
  const raw = stackConfig(stack);
  const kubernetes = raw["vault-platform:kubernetes"] === undefined ? undefined : { reviewer: undefined };
  const config = parseConfig(raw, { env: { VAULT_TOKEN: "not-used" }, overrides: kubernetes ? { kubernetes } : {} });
  return provisionerPolicyText(config.vaultLayer, stack);
}

function main(argv: string[]): void {
  const { values } = parseArgs({ args: argv, options: { stack: { type: "string" }, write: { type: "boolean", default: false } }, strict: true });
  if (!values.stack) throw new ConfigError(`provisioner-policy: --stack is required; usage: ${USAGE}`);
  const text = stackProvisionerPolicy(values.stack);
  if (!values.write) {
    process.stdout.write(text);
    return;
  }
  const file = path.join(PROVISIONER_DIR, `${values.stack}.hcl`);
  fs.mkdirSync(PROVISIONER_DIR, { recursive: true });
  fs.writeFileSync(file, text);
  console.error(`wrote ${path.relative(process.cwd(), file)}; review the diff, then as an administrator: vault policy write provisioner ${path.relative(process.cwd(), file)}`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    const known = error instanceof ConfigError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    console.error(known ? (error as Error).message : error);
    process.exit(2);
  }
}
