/** Lints on each distinct consumer policy: reaches into Vault's own areas, KV v2 layout slips, typos. */
import { engineMounts, VaultLayerModel } from "../config";
import { grants, ruleAcl, staticPrefix } from "./model";

/** The only sys/ paths a consumer policy may name: renewing and looking up its own leases. */
const SYS_ALLOW_LIST = ["sys/leases/renew", "sys/leases/lookup", "sys/renew"];

/** auth/ paths a token may write for itself; everything else under auth/ configures roles and methods. */
const AUTH_SELF_PATHS = ["auth/token/renew-self", "auth/token/revoke-self", "auth/token/lookup-self"];

const WRITES = ["create", "update", "patch", "delete"];

/** True when a rule can match paths under `area` ("sys/"): its literal start is inside it, or a wildcard starts before it ends. */
function reachesArea(prefix: string, wildcard: boolean, area: string): boolean {
  return prefix.startsWith(area) || (wildcard && prefix !== "" && area.startsWith(prefix));
}

/** Areas no consumer policy may reach, with probe paths that a rule reaching them would match. */
const FORBIDDEN_AREAS: Array<{ area: string; why: string; probes: string[] }> = [
  { area: "auth/token/create*", why: "token creation (a consumer could mint itself new tokens)", probes: ["auth/token/create", "auth/token/create-orphan", "auth/token/create/x"] },
  { area: "identity/", why: "identity store (entities, groups, OIDC keys)", probes: ["identity/entity/x", "identity/group/x", "identity/oidc/key/x"] },
];

/** KV v2 paths under a mount: the first segment after the mount is one of these. */
const KV2_SEGMENTS = new Set(["data", "metadata", "delete", "undelete", "destroy", "subkeys", "config"]);

/** Built-in paths every token may use (its own token, cubbyhole); not typos. */
const BUILTIN_PREFIXES = ["cubbyhole", "auth/token/lookup-self", "auth/token/renew-self", "auth/token/revoke-self", "sys/"];

/** Lints on each distinct consumer policy. */
export function policyLints(layer: VaultLayerModel): string[] {
  const problems: string[] = [];
  const mountPaths = [...layer.mounts.map((mount) => mount.path), ...engineMounts(layer.engines).map((mount) => mount.path)];
  for (const { name, parsed } of layer.policies) {
    for (const rule of parsed.rules.filter(grants)) {
      const where = `${parsed.source}:${rule.line}: path "${rule.written}" (policy ${name})`;
      if (rule.capabilities.includes("sudo")) problems.push(`${where} grants sudo; consumers never need root-protected paths`);
      if (rule.path === "" && rule.isPrefix) problems.push(`${where} is a bare "*": it grants everything in Vault`);
      else if (rule.path.startsWith("+") || rule.path.startsWith("*")) {
        problems.push(`${where} starts with a wildcard, so it reaches sys/, auth/ and identity/ as well as every mount; start with a mount path`);
      }
      const prefix = staticPrefix(rule);
      const wildcard = rule.isPrefix || rule.hasSegmentWildcards;
      if (reachesArea(prefix, wildcard, "sys/") && !SYS_ALLOW_LIST.includes(rule.path)) {
        problems.push(`${where} reaches sys/, the system backend (mounts, policies, audit, seal); consumers may name only ${SYS_ALLOW_LIST.join(", ")}`);
      }
      if (reachesArea(prefix, wildcard, "auth/") && !AUTH_SELF_PATHS.includes(rule.path) && rule.capabilities.some((capability) => WRITES.includes(capability))) {
        problems.push(`${where} writes under auth/, where auth methods and their roles are configured; consumers log in without a policy and write nothing there`);
      }
      const single = ruleAcl(rule);
      for (const area of FORBIDDEN_AREAS) {
        if (area.probes.some((probe) => single.capabilities(probe).length > 0)) problems.push(`${where} reaches ${area.area}, the ${area.why}`);
      }
      // Mounts never nest (the config refuses it, as Vault does), so at most one holds the prefix.
      const mount = layer.mounts.find((candidate) => prefix.startsWith(`${candidate.path}/`));
      if (mount?.version === 2) {
        const segment = prefix.slice(mount.path.length + 1).split("/")[0];
        const rest = rule.written.replace(/^\//, "").slice(mount.path.length + 1);
        if (segment !== "" && !KV2_SEGMENTS.has(segment) && !rest.startsWith("+")) {
          problems.push(`${where} is written v1-style on KV v2 mount "${mount.path}" and grants nothing there; use ${mount.path}/data/${rest} (and ${mount.path}/metadata/${rest} to list)`);
        }
      }
      const underMount = mountPaths.some((path) => prefix.startsWith(`${path}/`) || path.startsWith(prefix));
      if (!underMount && prefix !== "" && !BUILTIN_PREFIXES.some((builtin) => prefix.startsWith(builtin))) {
        problems.push(`${where} is under no declared mount (declared: ${mountPaths.join(", ") || "none"}); a typo?`);
      }
    }
  }
  return problems;
}
