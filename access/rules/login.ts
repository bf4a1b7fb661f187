/**
 * The provisioner's own login (`vault.login`, userpass): what it must never be able to change. With its
 * user's entry it could set its own password or policies (a policy list is all it takes to become an
 * administrator); with the auth method's mount it could disable or retune the method it logs in through.
 * These are explicit denies, so no rule added later (a wildcard, a declared auth method at that path) can
 * open them.
 */
import type { VaultLayerModel } from "../../config";

export function loginDenied(layer: VaultLayerModel): string[] {
  const login = layer.login;
  if (login === undefined) return [];
  const user = `auth/${login.path}/users/${login.username}`;
  return [user, `${user}/password`, `${user}/policies`, `sys/auth/${login.path}`, `sys/auth/${login.path}/tune`, `sys/mounts/auth/${login.path}/tune`];
}
