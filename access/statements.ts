/** "<capability> <path>": how expectations and provisioner needs are written. */
import type { Capability } from "../acl";

export interface AccessStatement { capability: Capability; path: string }

export function parseStatement(text: string): AccessStatement {
  const [capability, path] = text.split(" ");
  return { capability: capability as Capability, path };
}

export function formatStatement(statement: AccessStatement): string {
  return `${statement.capability} ${statement.path}`;
}
