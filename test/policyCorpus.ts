/**
 * Broken policy files and what each must be refused with: the policy-file tests check the messages,
 * and the live suite checks that Vault refuses the same texts (after ${name} is substituted).
 */
/** A `path` block with these body lines, as policy HCL. */
export const block = (path: string, ...lines: string[]) => `path "${path}" {\n${lines.map((line) => `  ${line}\n`).join("")}}\n`;
/** A `capabilities = [...]` line. */
export const caps = (...capabilities: string[]) => `capabilities = [${capabilities.map((c) => `"${c}"`).join(", ")}]`;

export const BROKEN_POLICIES: Array<[title: string, text: string, message: RegExp]> = [
  ["an unknown capability", '# tenant\npath "kv/${name}/*" {\n  capabilities = ["read", "write"]\n}\n', /^vault-platform:consumers\[1\] \(kes\)\.policy policies\/kes\.hcl:3: path "kv\/kes\/\*": invalid capability "write"/],
  ["'+*'", 'path "kv/+*" {\n  capabilities = ["read"]\n}\n', /policies\/kes\.hcl:1: path "kv\/\+\*": invalid use of wildcards \('\+\*' is forbidden\)/],
  ["a '*' before the end", '\n\npath "kv/*/keys" {\n  capabilities = ["read"]\n}\n', /policies\/kes\.hcl:3: path "kv\/\*\/keys": '\*' is only allowed as the last character/],
  ["an unknown key in a path", 'path "kv/a" {\n  capabilities = ["read"]\n  capability = ["list"]\n}\n', /policies\/kes\.hcl:1: path "kv\/a": unknown key "capability"/],
  ["an unknown top-level key", 'paths "kv/a" {\n  capabilities = ["read"]\n}\n', /policies\/kes\.hcl:1: unknown top-level key "paths"/],
  ["a syntax error", 'path "kv/a" {\n  capabilities = ["read"\n}\n', /policies\/kes\.hcl:2: list opened here is never closed \(a "\]" is missing\)/],
  ["an unclosed block before others", 'path "kv/a" {\n  capabilities = ["read"]\n\npath "kv/b" {\n  capabilities = ["read"]\n}\n', /policies\/kes\.hcl:1: block opened here is never closed \(a "\}" is missing\)/],
  ["a bad legacy policy", 'path "kv/a" {\n  policy = "admin"\n}\n', /policies\/kes\.hcl:2: path "kv\/a": invalid policy "admin"/],
  ["a bad wrapping TTL", 'path "kv/a" {\n  capabilities = ["read"]\n  min_wrapping_ttl = "soon"\n}\n', /min_wrapping_ttl must be a duration/],
  ["max below min wrapping TTL", 'path "kv/a" {\n  capabilities = ["read"]\n  min_wrapping_ttl = "10m"\n  max_wrapping_ttl = "1m"\n}\n', /max_wrapping_ttl cannot be less than min_wrapping_ttl/],
  ["an unknown placeholder", 'path "kv/${tenant}/*" {\n  capabilities = ["read"]\n}\n', /policies\/kes\.hcl:1: unknown placeholder \$\{tenant\}/],
  ["a wildcard inside a parameter name", 'path "kv/a" {\n  capabilities = ["update"]\n  allowed_parameters = { "a*b" = [] }\n}\n', /parameter key "a\*b" cannot contain non-tail wildcards/],
];
