/**
 * An administrator's bootstrap of the provisioner's own login (`vault.login`, userpass), generated from
 * the stack's declarations: the userpass method at its path (when absent), the provisioner policy, and the
 * provisioner's user holding only that policy with short-lived tokens. `npm run bootstrap-login` prints it
 * as `vault` commands; `npm start` makes the same calls with the local root token.
 */
import { LoginConfig, PROVISIONER_POLICY } from "../config";

export interface BootstrapSettings {
  login: LoginConfig;
  /** vault.providerTokenTtlSeconds: the login token's TTL and max TTL (the provider's child token lives as long). */
  tokenTtlSeconds: number;
  /** The provisioner policy's text (the committed policies/provisioner/<stack>.hcl). */
  policy: string;
  /** Where that text is, for the CLI command. */
  policyFile: string;
}

/** One step as a `vault` command and as the API call it makes. */
export interface BootstrapStep {
  /** What it does, for the comment above the command. */
  purpose: string;
  /** The `vault` CLI command; the password, when the step takes one, is read from standard input (`password=-`). */
  command: string;
  method: "POST" | "PUT";
  path: string;
  body: Record<string, unknown>;
  /** Skipped when GET of this path answers 200 (the auth method is there already). */
  unlessPresent?: string;
  /** The user's password goes into the body as `password` (never into the command). */
  takesPassword?: boolean;
}

export function loginBootstrap({ login, tokenTtlSeconds, policy, policyFile }: BootstrapSettings): BootstrapStep[] {
  const method = `sys/mounts/auth/${login.path}`;
  const user = `auth/${login.path}/users/${login.username}`;
  const tokenSettings = { token_policies: [PROVISIONER_POLICY], token_ttl: tokenTtlSeconds, token_max_ttl: tokenTtlSeconds };
  return [
    {
      purpose: `the userpass auth method at ${login.path}/, unless it is there already`,
      command: `vault read ${method} >/dev/null 2>&1 || vault auth enable -path=${login.path} -description="the provisioner's login, managed by an administrator" userpass`,
      method: "POST", path: `sys/auth/${login.path}`, body: { type: "userpass", description: "the provisioner's login, managed by an administrator" },
      unlessPresent: method,
    },
    {
      purpose: `the provisioner policy generated from the declarations (${policyFile})`,
      command: `vault policy write ${PROVISIONER_POLICY} ${policyFile}`,
      method: "PUT", path: `sys/policies/acl/${PROVISIONER_POLICY}`, body: { policy },
    },
    {
      purpose: `the user ${login.username}: only the ${PROVISIONER_POLICY} policy, tokens of ${tokenTtlSeconds} s; the password comes from standard input`,
      command: `vault write ${user} ${Object.entries(tokenSettings).map(([field, value]) => `${field}=${value}`).join(" ")} password=-`,
      method: "POST", path: user, body: tokenSettings, takesPassword: true,
    },
  ];
}
