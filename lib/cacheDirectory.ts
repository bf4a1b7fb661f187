import * as os from "os";
import * as path from "path";

/** This project's per-user cache folder: VAULT_PLATFORM_CACHE, default ~/.cache/vault-platform (XDG_CACHE_HOME honoured). */
export function cacheDirectory(): string {
  return process.env.VAULT_PLATFORM_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "vault-platform");
}
