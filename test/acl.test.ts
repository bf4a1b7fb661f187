import { strict as assert } from "assert";
import { Acl, AclRequest, Capability, globMatch, parsePolicy, parseVaultDuration, PolicyError } from "../acl";
import { DEFAULT_POLICY } from "../acl/defaultPolicy";

/** One decision: with these policies, is `capability path` (with `request`) allowed? */
interface Case { title: string; policies: string[]; capability: Capability; path: string; allowed: boolean; request?: AclRequest }

const pathBlock = (path: string, body: string) => `path "${path}" {\n  ${body}\n}\n`;
const capabilitiesLine = (...capabilities: string[]) => `capabilities = [${capabilities.map((c) => `"${c}"`).join(", ")}]`;

const CASES: Case[] = [
  // Exact rules
  { title: "an exact rule grants its capability", policies: [pathBlock("secret/foo", capabilitiesLine("read"))], capability: "read", path: "secret/foo", allowed: true },
  { title: "an exact rule grants nothing else", policies: [pathBlock("secret/foo", capabilitiesLine("read"))], capability: "update", path: "secret/foo", allowed: false },
  { title: "an exact rule does not match a child", policies: [pathBlock("secret/foo", capabilitiesLine("read"))], capability: "read", path: "secret/foo/bar", allowed: false },
  { title: "an exact rule does not match a longer name", policies: [pathBlock("secret/foo", capabilitiesLine("read"))], capability: "read", path: "secret/foobar", allowed: false },
  { title: "no rule, no access", policies: [pathBlock("secret/foo", capabilitiesLine("read"))], capability: "read", path: "kv/foo", allowed: false },
  { title: "a leading slash in the policy is stripped", policies: [pathBlock("/secret/foo", capabilitiesLine("read"))], capability: "read", path: "secret/foo", allowed: true },
  { title: "a leading slash in the request is stripped", policies: [pathBlock("secret/foo", capabilitiesLine("read"))], capability: "read", path: "/secret/foo", allowed: true },
  { title: "deny is never an allowed operation", policies: [pathBlock("secret/foo", capabilitiesLine("read"))], capability: "deny", path: "secret/foo", allowed: false },
  // Prefix rules
  { title: "a prefix rule matches its children", policies: [pathBlock("secret/*", capabilitiesLine("read"))], capability: "read", path: "secret/a/b/c", allowed: true },
  { title: "a prefix rule matches the bare prefix", policies: [pathBlock("secret/*", capabilitiesLine("read"))], capability: "read", path: "secret/", allowed: true },
  { title: "a prefix rule is a string prefix, not a segment", policies: [pathBlock("secret/fo*", capabilitiesLine("read"))], capability: "read", path: "secret/foobar/x", allowed: true },
  { title: "a prefix rule does not match a sibling", policies: [pathBlock("secret/a/*", capabilitiesLine("read"))], capability: "read", path: "secret/b/x", allowed: false },
  { title: "the longest prefix wins (grant under a broad deny)", policies: [pathBlock("secret/*", capabilitiesLine("deny")), pathBlock("secret/app/*", capabilitiesLine("read"))], capability: "read", path: "secret/app/x", allowed: true },
  { title: "the longest prefix wins (deny under a broad grant)", policies: [pathBlock("secret/*", capabilitiesLine("read")), pathBlock("secret/app/*", capabilitiesLine("deny"))], capability: "read", path: "secret/app/x", allowed: false },
  { title: "a broad deny still applies outside the specific grant", policies: [pathBlock("secret/*", capabilitiesLine("deny")), pathBlock("secret/app/*", capabilitiesLine("read"))], capability: "read", path: "secret/other", allowed: false },
  { title: "an exact rule beats a longer-matching prefix rule", policies: [pathBlock("secret/app/x", capabilitiesLine("read")), pathBlock("secret/app/*", capabilitiesLine("update"))], capability: "update", path: "secret/app/x", allowed: false },
  { title: "an exact deny beats a prefix grant", policies: [pathBlock("secret/app/x", capabilitiesLine("deny")), pathBlock("secret/app/*", capabilitiesLine("read"))], capability: "read", path: "secret/app/x", allowed: false },
  { title: "a bare * grants everything", policies: [pathBlock("*", capabilitiesLine("read"))], capability: "read", path: "sys/mounts", allowed: true },
  // Segment wildcards
  { title: "+ matches exactly one segment", policies: [pathBlock("secret/+/config", capabilitiesLine("read"))], capability: "read", path: "secret/app/config", allowed: true },
  { title: "+ does not match two segments", policies: [pathBlock("secret/+/config", capabilitiesLine("read"))], capability: "read", path: "secret/a/b/config", allowed: false },
  { title: "+ needs the same number of segments", policies: [pathBlock("secret/+", capabilitiesLine("read"))], capability: "read", path: "secret/a/b", allowed: false },
  { title: "+ may be followed by a prefix *", policies: [pathBlock("secret/+/app*", capabilitiesLine("read"))], capability: "read", path: "secret/team/application/x", allowed: true },
  { title: "+ at the start", policies: [pathBlock("+/data/app", capabilitiesLine("read"))], capability: "read", path: "secret/data/app", allowed: true },
  { title: "a literal '+' inside a segment is not a wildcard", policies: [pathBlock("secret/+a/x", capabilitiesLine("read"))], capability: "read", path: "secret/ba/x", allowed: false },
  { title: "a later first wildcard wins: foo/bar/+ over foo/+/baz", policies: [pathBlock("foo/+/baz", capabilitiesLine("read")), pathBlock("foo/bar/+", capabilitiesLine("update"))], capability: "update", path: "foo/bar/baz", allowed: true },
  { title: "a later first wildcard wins (the loser grants nothing)", policies: [pathBlock("foo/+/baz", capabilitiesLine("read")), pathBlock("foo/bar/+", capabilitiesLine("update"))], capability: "read", path: "foo/bar/baz", allowed: false },
  { title: "prefix foo/a* beats foo/+ (later first wildcard)", policies: [pathBlock("foo/+", capabilitiesLine("read")), pathBlock("foo/a*", capabilitiesLine("update"))], capability: "update", path: "foo/abc", allowed: true },
  { title: "+ beats * at the same position (not a prefix wins)", policies: [pathBlock("foo/*", capabilitiesLine("read")), pathBlock("foo/+", capabilitiesLine("update"))], capability: "update", path: "foo/x", allowed: true },
  { title: "+ over * leaves * out", policies: [pathBlock("foo/*", capabilitiesLine("read")), pathBlock("foo/+", capabilitiesLine("update"))], capability: "read", path: "foo/x", allowed: false },
  { title: "* still applies where + cannot match", policies: [pathBlock("foo/*", capabilitiesLine("read")), pathBlock("foo/+", capabilitiesLine("update"))], capability: "read", path: "foo/x/y", allowed: true },
  { title: "fewer + segments win", policies: [pathBlock("foo/+/+/baz", capabilitiesLine("read")), pathBlock("foo/+/bar/baz", capabilitiesLine("update"))], capability: "update", path: "foo/a/bar/baz", allowed: true },
  { title: "fewer + segments win (the loser grants nothing)", policies: [pathBlock("foo/+/+/baz", capabilitiesLine("read")), pathBlock("foo/+/bar/baz", capabilitiesLine("update"))], capability: "read", path: "foo/a/bar/baz", allowed: false },
  { title: "the longer pattern wins", policies: [pathBlock("foo/+/bar/b*", capabilitiesLine("read")), pathBlock("foo/+/bar/ba*", capabilitiesLine("update"))], capability: "update", path: "foo/x/bar/baz", allowed: true },
  { title: "a deny via + beats a broader prefix grant", policies: [pathBlock("secret/*", capabilitiesLine("read")), pathBlock("secret/+/private", capabilitiesLine("deny"))], capability: "read", path: "secret/app/private", allowed: false },
  // Merging the same path across policies
  { title: "the same path merges capabilities across policies", policies: [pathBlock("secret/x", capabilitiesLine("read")), pathBlock("secret/x", capabilitiesLine("update"))], capability: "update", path: "secret/x", allowed: true },
  { title: "merged capabilities keep the first", policies: [pathBlock("secret/x", capabilitiesLine("read")), pathBlock("secret/x", capabilitiesLine("update"))], capability: "read", path: "secret/x", allowed: true },
  { title: "deny on the same path clears grants (deny second)", policies: [pathBlock("secret/x", capabilitiesLine("read")), pathBlock("secret/x", capabilitiesLine("deny"))], capability: "read", path: "secret/x", allowed: false },
  { title: "deny on the same path clears grants (deny first)", policies: [pathBlock("secret/x", capabilitiesLine("deny")), pathBlock("secret/x", capabilitiesLine("read"))], capability: "read", path: "secret/x", allowed: false },
  { title: "deny on the same prefix path clears grants", policies: [pathBlock("secret/*", capabilitiesLine("read", "list")), pathBlock("secret/*", capabilitiesLine("deny"))], capability: "list", path: "secret/", allowed: false },
  { title: "deny in the capabilities list wins within one rule", policies: [pathBlock("secret/x", capabilitiesLine("read", "deny"))], capability: "read", path: "secret/x", allowed: false },
  { title: "exact and prefix rules of the same text are different paths", policies: [pathBlock("secret/x", capabilitiesLine("deny")), pathBlock("secret/x*", capabilitiesLine("read"))], capability: "read", path: "secret/xy", allowed: true },
  { title: "the same path twice in one policy merges", policies: [pathBlock("secret/x", capabilitiesLine("read")) + pathBlock("secret/x", capabilitiesLine("list"))], capability: "list", path: "secret/x", allowed: true },
  // Legacy policy
  { title: "legacy read grants read", policies: [pathBlock("secret/x", 'policy = "read"')], capability: "read", path: "secret/x", allowed: true },
  { title: "legacy read grants list", policies: [pathBlock("secret/x", 'policy = "read"')], capability: "list", path: "secret/x", allowed: true },
  { title: "legacy read does not grant update", policies: [pathBlock("secret/x", 'policy = "read"')], capability: "update", path: "secret/x", allowed: false },
  { title: "legacy write grants create", policies: [pathBlock("secret/x", 'policy = "write"')], capability: "create", path: "secret/x", allowed: true },
  { title: "legacy write grants delete", policies: [pathBlock("secret/x", 'policy = "write"')], capability: "delete", path: "secret/x", allowed: true },
  { title: "legacy write does not grant sudo", policies: [pathBlock("secret/x", 'policy = "write"')], capability: "sudo", path: "secret/x", allowed: false },
  { title: "legacy sudo grants sudo", policies: [pathBlock("sys/x", 'policy = "sudo"')], capability: "sudo", path: "sys/x", allowed: true },
  { title: "legacy deny denies", policies: [pathBlock("secret/x", 'policy = "deny"')], capability: "read", path: "secret/x", allowed: false },
  { title: "legacy policy adds to capabilities", policies: [pathBlock("secret/x", 'policy = "read"\n  ' + capabilitiesLine("update"))], capability: "update", path: "secret/x", allowed: true },
  { title: "legacy deny overrides capabilities", policies: [pathBlock("secret/x", 'policy = "deny"\n  ' + capabilitiesLine("update"))], capability: "update", path: "secret/x", allowed: false },
  { title: "a top-level name does not change the rules", policies: ['name = "reader"\n' + pathBlock("secret/x", capabilitiesLine("read"))], capability: "read", path: "secret/x", allowed: true },
  // LIST and the trailing slash
  { title: "LIST on a/b/ falls back to the exact rule a/b", policies: [pathBlock("secret/dir", capabilitiesLine("list"))], capability: "list", path: "secret/dir/", allowed: true },
  { title: "READ on a/b/ does not fall back to a/b", policies: [pathBlock("secret/dir", capabilitiesLine("read"))], capability: "read", path: "secret/dir/", allowed: false },
  { title: "LIST on a/b/ tries the trimmed path against wildcard rules first", policies: [pathBlock("secret/dir*", capabilitiesLine("list")), pathBlock("secret/dir/*", capabilitiesLine("deny"))], capability: "list", path: "secret/dir/", allowed: true },
  { title: "READ on a/b/ uses the longest prefix", policies: [pathBlock("secret/dir*", capabilitiesLine("read")), pathBlock("secret/dir/*", capabilitiesLine("deny"))], capability: "read", path: "secret/dir/", allowed: false },
  // KV v2 layout
  { title: "KV v2 read needs data/", policies: [pathBlock("secret/data/app/*", capabilitiesLine("read"))], capability: "read", path: "secret/data/app/config", allowed: true },
  { title: "a v1-style rule grants nothing on the v2 data path", policies: [pathBlock("secret/app/*", capabilitiesLine("read"))], capability: "read", path: "secret/data/app/config", allowed: false },
  { title: "KV v2 listing needs metadata/", policies: [pathBlock("secret/metadata/app/*", capabilitiesLine("list"))], capability: "list", path: "secret/metadata/app/", allowed: true },
  { title: "data/ read does not allow listing metadata/", policies: [pathBlock("secret/data/app/*", capabilitiesLine("read", "list"))], capability: "list", path: "secret/metadata/app/", allowed: false },
  { title: "KV v2 soft delete of versions is update on delete/", policies: [pathBlock("secret/delete/app/*", capabilitiesLine("update"))], capability: "update", path: "secret/delete/app/config", allowed: true },
  { title: "KV v2 patch needs patch", policies: [pathBlock("secret/data/app/*", capabilitiesLine("update"))], capability: "patch", path: "secret/data/app/config", allowed: false },
  // Parameters
  { title: "allowed_parameters admits a listed parameter", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "ttl" = [] }')], capability: "update", path: "secret/x", request: { data: { ttl: "1h" } }, allowed: true },
  { title: "allowed_parameters refuses an unlisted parameter", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "ttl" = [] }')], capability: "update", path: "secret/x", request: { data: { ttl: "1h", policies: "root" } }, allowed: false },
  { title: "allowed_parameters restricts values", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "color" = ["red", "blue"] }')], capability: "update", path: "secret/x", request: { data: { color: "green" } }, allowed: false },
  { title: "a request's JSON number is not a policy's number (json.Number vs HCL int): not allowed", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "count" = [0, 1] }')], capability: "update", path: "secret/x", request: { data: { count: 1 } }, allowed: false },
  { title: "a request's JSON number is not a policy's number: not denied", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  denied_parameters = { "count" = [0] }')], capability: "update", path: "secret/x", request: { data: { count: 0 } }, allowed: true },
  { title: "a '*' inside a parameter name is a literal character", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "a*b" = [] }')], capability: "update", path: "secret/x", request: { data: { axb: "1" } }, allowed: false },
  { title: "allowed values may be globs", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "name" = ["team-*"] }')], capability: "update", path: "secret/x", request: { data: { name: "team-a" } }, allowed: true },
  { title: "allowed '*' with another key admits any parameter", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "*" = [], "color" = ["red"] }')], capability: "update", path: "secret/x", request: { data: { size: 3 } }, allowed: true },
  { title: "allowed '*' does not lift a named key's values", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "*" = [], "color" = ["red"] }')], capability: "update", path: "secret/x", request: { data: { color: "blue" } }, allowed: false },
  { title: "parameter names are case-insensitive", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "TTL" = [] }')], capability: "update", path: "secret/x", request: { data: { Ttl: "1h" } }, allowed: true },
  { title: "allowed values check each item of a list", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "policies" = ["a", "b"] }')], capability: "update", path: "secret/x", request: { data: { policies: ["a", "c"] } }, allowed: false },
  { title: "allowed values accept a comma-separated string of allowed items", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "policies" = ["a", "b"] }')], capability: "update", path: "secret/x", request: { data: { policies: "a,b" } }, allowed: true },
  { title: "an empty item of a comma-separated string is checked too (\"a,,b\" has three)", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "policies" = ["a", "b"] }')], capability: "update", path: "secret/x", request: { data: { policies: "a,,b" } }, allowed: false },
  { title: "an empty string is a list of no items, so no allowed value is needed", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "policies" = ["a", "b"] }')], capability: "update", path: "secret/x", request: { data: { policies: "" } }, allowed: true },
  { title: "a trailing comma leaves an empty item that no allowed value lists", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "policies" = ["a", "b"] }')], capability: "update", path: "secret/x", request: { data: { policies: "a," } }, allowed: false },
  { title: "a map value matches whatever the order of its keys (sorted)", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "meta" = [{ team = "a", env = "b" }] }')], capability: "update", path: "secret/x", request: { data: { meta: { env: "b", team: "a" } } }, allowed: true },
  { title: "a map value matches whatever the order of its keys (as written)", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "meta" = [{ team = "a", env = "b" }] }')], capability: "update", path: "secret/x", request: { data: { meta: { team: "a", env: "b" } } }, allowed: true },
  { title: "a map value with another key's value is not in the list", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "meta" = [{ team = "a", env = "b" }] }')], capability: "update", path: "secret/x", request: { data: { meta: { env: "c", team: "a" } } }, allowed: false },
  { title: "denied_parameters refuses a denied parameter", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  denied_parameters = { "policies" = [] }')], capability: "update", path: "secret/x", request: { data: { policies: "x" } }, allowed: false },
  { title: "denied '*' refuses any body", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  denied_parameters = { "*" = [] }')], capability: "update", path: "secret/x", request: { data: { a: 1 } }, allowed: false },
  { title: "denied '*' allows an empty body", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  denied_parameters = { "*" = [] }')], capability: "update", path: "secret/x", request: { data: {} }, allowed: true },
  { title: "denied values match globs", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  denied_parameters = { "name" = ["admin*"] }')], capability: "update", path: "secret/x", request: { data: { name: "administrator" } }, allowed: false },
  { title: "a value outside the denied list passes", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  denied_parameters = { "name" = ["admin*"] }')], capability: "update", path: "secret/x", request: { data: { name: "bob" } }, allowed: true },
  { title: "denied values catch one item of a list", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  denied_parameters = { "policies" = ["root"] }')], capability: "update", path: "secret/x", request: { data: { policies: ["a", "root"] } }, allowed: false },
  { title: "required_parameters refuses a body without them", policies: [pathBlock("secret/x", capabilitiesLine("create") + '\n  required_parameters = ["owner"]')], capability: "create", path: "secret/x", request: { data: { a: 1 } }, allowed: false },
  { title: "required_parameters admits a body with them", policies: [pathBlock("secret/x", capabilitiesLine("create") + '\n  required_parameters = ["owner"]')], capability: "create", path: "secret/x", request: { data: { owner: "me" } }, allowed: true },
  { title: "parameters are not checked for delete", policies: [pathBlock("secret/x", capabilitiesLine("delete") + '\n  required_parameters = ["owner"]')], capability: "delete", path: "secret/x", request: { data: {} }, allowed: true },
  { title: "parameters are not checked for list", policies: [pathBlock("secret/x", capabilitiesLine("list") + '\n  denied_parameters = { "*" = [] }')], capability: "list", path: "secret/x", request: { data: { a: 1 } }, allowed: true },
  { title: "merged allowed values: an empty list overrides", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "c" = ["red"] }'), pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "c" = [] }')], capability: "update", path: "secret/x", request: { data: { c: "green" } }, allowed: true },
  { title: "merged allowed values are appended", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "c" = ["red"] }'), pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "c" = ["blue"] }')], capability: "update", path: "secret/x", request: { data: { c: "blue" } }, allowed: true },
  // Response wrapping
  { title: "min_wrapping_ttl refuses an unwrapped request", policies: [pathBlock("secret/x", capabilitiesLine("read") + '\n  min_wrapping_ttl = "1m"')], capability: "read", path: "secret/x", allowed: false },
  { title: "min_wrapping_ttl refuses a shorter wrap", policies: [pathBlock("secret/x", capabilitiesLine("read") + '\n  min_wrapping_ttl = "1m"')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 30 }, allowed: false },
  { title: "min_wrapping_ttl admits a long enough wrap", policies: [pathBlock("secret/x", capabilitiesLine("read") + '\n  min_wrapping_ttl = "1m"')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 60 }, allowed: true },
  { title: "max_wrapping_ttl refuses a longer wrap", policies: [pathBlock("secret/x", capabilitiesLine("read") + '\n  max_wrapping_ttl = 300')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 301 }, allowed: false },
  { title: "max_wrapping_ttl in seconds admits a shorter wrap", policies: [pathBlock("secret/x", capabilitiesLine("read") + '\n  max_wrapping_ttl = 300')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 120 }, allowed: true },
  { title: "merged wrapping bounds keep the shorter max", policies: [pathBlock("secret/x", capabilitiesLine("read") + '\n  max_wrapping_ttl = "10m"'), pathBlock("secret/x", capabilitiesLine("read") + '\n  max_wrapping_ttl = "5m"')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 400 }, allowed: false },
  { title: "merged bounds that cross refuse everything", policies: [pathBlock("secret/x", capabilitiesLine("read") + '\n  min_wrapping_ttl = "10m"'), pathBlock("secret/x", capabilitiesLine("read") + '\n  max_wrapping_ttl = "5m"')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 400 }, allowed: false },
  // Cases the mutation run found unpinned (each decided the way the live differential suite shows Vault decides)
  { title: "deny is not an allowed operation even on a denied path", policies: [pathBlock("secret/foo", capabilitiesLine("deny"))], capability: "deny", path: "secret/foo", allowed: false },
  { title: "a prefix segment rule: its last literal is a prefix", policies: [pathBlock("a/+/ab*", capabilitiesLine("read"))], capability: "read", path: "a/x/abc", allowed: true },
  { title: "a prefix segment rule also matches deeper paths", policies: [pathBlock("a/+/ab*", capabilitiesLine("read"))], capability: "read", path: "a/x/ab/c", allowed: true },
  { title: "a prefix segment rule's literal must still start the segment", policies: [pathBlock("a/+/ab*", capabilitiesLine("read"))], capability: "read", path: "a/x/b", allowed: false },
  { title: "a prefix segment rule needs all its segments", policies: [pathBlock("a/+/ab*", capabilitiesLine("read"))], capability: "read", path: "a/abc", allowed: false },
  { title: "an exact segment rule's last literal is whole", policies: [pathBlock("a/+/ab", capabilitiesLine("read"))], capability: "read", path: "a/x/abc", allowed: false },
  { title: "a non-last literal of a prefix segment rule is whole", policies: [pathBlock("a/b/+/c*", capabilitiesLine("read"))], capability: "read", path: "a/bb/x/c", allowed: false },
  { title: "fewer + segments win at the same first wildcard", policies: [pathBlock("a/+/+", capabilitiesLine("update")), pathBlock("a/+/c", capabilitiesLine("read"))], capability: "update", path: "a/x/c", allowed: false },
  { title: "fewer + segments win, in either order", policies: [pathBlock("a/+/c", capabilitiesLine("read")), pathBlock("a/+/+", capabilitiesLine("update"))], capability: "read", path: "a/x/c", allowed: true },
  { title: "a rule without the trailing * wins at the same first wildcard", policies: [pathBlock("a/+/*", capabilitiesLine("update")), pathBlock("a/+/c", capabilitiesLine("read"))], capability: "update", path: "a/x/c", allowed: false },
  { title: "the longer of two prefix segment rules wins", policies: [pathBlock("a/+/c*", capabilitiesLine("read")), pathBlock("a/+/cd*", capabilitiesLine("update"))], capability: "update", path: "a/x/cde", allowed: true },
  { title: "the longer of two prefix segment rules wins, in either order", policies: [pathBlock("a/+/cd*", capabilitiesLine("update")), pathBlock("a/+/c*", capabilitiesLine("read"))], capability: "read", path: "a/x/cde", allowed: false },
  { title: "a plain prefix rule with a later wildcard beats a segment rule", policies: [pathBlock("a/+/c/d", capabilitiesLine("read")), pathBlock("a/b/c/*", capabilitiesLine("update"))], capability: "read", path: "a/b/c/d", allowed: false },
  { title: "merged allowed values: an empty list overrides, in either order", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "c" = [] }'), pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "c" = ["red"] }')], capability: "update", path: "secret/x", request: { data: { c: "green" } }, allowed: true },
  { title: "merged allowed values are appended, in either order", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "c" = ["blue"] }'), pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "c" = ["red"] }')], capability: "update", path: "secret/x", request: { data: { c: "red" } }, allowed: true },
  { title: "merged allowed values admit only the listed ones", policies: [pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "c" = ["blue"] }'), pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "c" = ["red"] }')], capability: "update", path: "secret/x", request: { data: { c: "green" } }, allowed: false },
  { title: "allowed parameters from one policy, none from the other: the one applies", policies: [pathBlock("secret/x", capabilitiesLine("update")), pathBlock("secret/x", capabilitiesLine("update") + '\n  allowed_parameters = { "c" = ["red"] }')], capability: "update", path: "secret/x", request: { data: { c: "green" } }, allowed: false },
  { title: "merged wrapping bounds keep the shorter max, in either order", policies: [pathBlock("secret/x", capabilitiesLine("read") + '\n  max_wrapping_ttl = "5m"'), pathBlock("secret/x", capabilitiesLine("read") + '\n  max_wrapping_ttl = "10m"')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 400 }, allowed: false },
  { title: "merged wrapping bounds keep the shorter min", policies: [pathBlock("secret/x", capabilitiesLine("read") + '\n  min_wrapping_ttl = "5m"'), pathBlock("secret/x", capabilitiesLine("read") + '\n  min_wrapping_ttl = "1m"')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 90 }, allowed: true },
  { title: "merged wrapping bounds keep the shorter min, in either order", policies: [pathBlock("secret/x", capabilitiesLine("read") + '\n  min_wrapping_ttl = "1m"'), pathBlock("secret/x", capabilitiesLine("read") + '\n  min_wrapping_ttl = "5m"')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 90 }, allowed: true },
  { title: "max_wrapping_ttl refuses an unwrapped request", policies: [pathBlock("secret/x", capabilitiesLine("read") + '\n  max_wrapping_ttl = 300')], capability: "read", path: "secret/x", allowed: false },
  { title: "a wrap of exactly max_wrapping_ttl is allowed", policies: [pathBlock("secret/x", capabilitiesLine("read") + '\n  max_wrapping_ttl = 300')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 300 }, allowed: true },
  { title: "equal min and max wrapping TTLs admit exactly that wrap", policies: [pathBlock("secret/x", capabilitiesLine("read") + '\n  min_wrapping_ttl = 300\n  max_wrapping_ttl = 300')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 300 }, allowed: true },
  { title: "a root-protected path asked with a leading slash still needs sudo", policies: [pathBlock("sys/*", capabilitiesLine("update"))], capability: "update", path: "/sys/audit/file", allowed: false },
];

describe("acl: Vault's decision", () => {
  it(`has at least 60 cases (${CASES.length})`, () => assert.ok(CASES.length >= 60));
  for (const test of CASES) {
    it(`${test.allowed ? "allows" : "denies"}: ${test.title}`, () => {
      const acl = new Acl(test.policies.map((text, index) => parsePolicy(text, `p${index}.hcl`)));
      assert.equal(acl.allows(test.capability, test.path, test.request), test.allowed);
    });
  }
});

describe("acl: root-protected paths need sudo", () => {
  const without = new Acl([parsePolicy('path "sys/*" { capabilities = ["create", "read", "update", "delete", "list"] }\npath "auth/token/*" { capabilities = ["create", "read", "update", "list"] }\npath "kv/*" { capabilities = ["update"] }')]);
  const withSudo = new Acl([parsePolicy('path "sys/*" { capabilities = ["create", "read", "update", "delete", "list", "sudo"] }\npath "auth/token/*" { capabilities = ["create", "read", "update", "list", "sudo"] }')]);

  for (const [capability, path] of [["update", "sys/audit/file"], ["read", "sys/audit"], ["update", "sys/auth/approle"], ["update", "sys/remount"], ["read", "sys/leases/lookup/x"], ["update", "sys/rotate"], ["update", "sys/seal"], ["update", "auth/token/revoke-orphan/x"], ["update", "auth/token/revoke-orphan"], ["list", "auth/token/accessors"]] as const) {
    it(`${capability} ${path}: denied without sudo, allowed with it`, () => {
      assert.equal(without.allows(capability, path), false);
      assert.equal(withSudo.allows(capability, path), true);
    });
  }

  it("leaves other paths alone: sys/mounts, sys/policies/acl, sys/auth itself, a KV path", () => {
    for (const [capability, path] of [["update", "sys/mounts/kv"], ["update", "sys/policies/acl/app"], ["read", "sys/auth"], ["update", "kv/app"], ["update", "auth/token/create"]] as const) {
      assert.equal(without.allows(capability, path), true, `${capability} ${path}`);
    }
  });
});

describe("acl: capabilities()", () => {
  const acl = new Acl([parsePolicy(pathBlock("secret/*", capabilitiesLine("read", "list", "update")) + pathBlock("secret/locked", capabilitiesLine("deny")), "a.hcl")]);
  it("lists the winning rule's capabilities in Vault's order", () => assert.deepEqual(acl.capabilities("secret/x"), ["read", "list", "update"]));
  it("is empty where a deny wins", () => assert.deepEqual(acl.capabilities("secret/locked"), []));
  it("is empty where nothing matches", () => assert.deepEqual(acl.capabilities("kv/x"), []));
  it("names the rules that decide a path", () => assert.deepEqual(acl.winningRule("secret/x")!.origins, ["a.hcl:1"]));
});

describe("acl: identity templating", () => {
  const acl = new Acl([parsePolicy(pathBlock("secret/data/{{identity.entity.name}}/*", capabilitiesLine("read")) + pathBlock("secret/data/shared", capabilitiesLine("read")), "t.hcl")]);
  it("leaves a templated rule out, as Vault does for a token without an entity", () => {
    assert.deepEqual(acl.capabilities("secret/data/{{identity.entity.name}}/x"), []);
    assert.equal(acl.allows("read", "secret/data/alice/x"), false);
  });
  it("names the templated rules a path depends on", () => {
    assert.deepEqual(acl.identityDependence("secret/data/alice/x"), ["t.hcl:1"]);
    assert.deepEqual(acl.identityDependence("secret/data/shared"), []);
    assert.deepEqual(acl.identityDependence("secret/data/a/b"), ["t.hcl:1"]);
    assert.deepEqual(acl.identityDependence("secret/metadata/alice/x"), []);
  });
  it("keeps the default policy's entity rules as identity-dependent", () => {
    const withDefault = new Acl([parsePolicy(DEFAULT_POLICY, "default")]);
    assert.deepEqual(withDefault.identityDependence("identity/entity/id/1234"), ["default:6"]);
    assert.deepEqual(withDefault.capabilities("identity/entity/id/1234"), []);
  });
});

describe("acl: the default policy of the pinned release", () => {
  const acl = new Acl([parsePolicy(DEFAULT_POLICY, "default")]);
  it("lets a token authorize against an OIDC provider", () => assert.deepEqual(acl.capabilities("identity/oidc/provider/p/authorize"), ["read", "update"]));
  it("does not grant sys/tools/random (1.21 grants only hash)", () => assert.deepEqual(acl.capabilities("sys/tools/random"), []));
});

describe("acl: parsing", () => {
  it("keeps a prefix rule's path without the *", () => {
    const [rule] = parsePolicy(pathBlock("/secret/app/*", capabilitiesLine("read"))).rules;
    assert.equal(rule.path, "secret/app/");
    assert.equal(rule.isPrefix, true);
  });
  it("keeps a segment rule's trailing *", () => {
    const [rule] = parsePolicy(pathBlock("secret/+/app*", capabilitiesLine("read"))).rules;
    assert.equal(rule.path, "secret/+/app*");
    assert.equal(rule.hasSegmentWildcards, true);
  });
  it("reports the right line in a file with Windows line endings and a commented-out block", () => {
    const text = '# path "old" {\r\npath "a" {\r\n  capabilities = ["reed"]\r\n}\r\n';
    assert.throws(() => parsePolicy(text, "crlf.hcl"), (error: PolicyError) => error.line === 3 && /^crlf\.hcl:3: path "a": invalid capability "reed"/.test(error.message));
  });
  it("reports the line of the offending block", () => {
    assert.throws(() => parsePolicy(`${pathBlock("a", capabilitiesLine("read"))}\n${pathBlock("b", capabilitiesLine("reed"))}`, "x.hcl"), (error: PolicyError) => error.line === 6 && /x\.hcl:6: path "b": invalid capability "reed"/.test(error.message));
  });
  it("rejects +*", () => assert.throws(() => parsePolicy(pathBlock("a/+*", capabilitiesLine("read"))), /'\+\*' is forbidden/));

  // What the mutation run found unpinned: where errors point, the legacy key, the parameter and wrapping checks.
  const failure = (text: string): PolicyError => {
    try {
      parsePolicy(text, "f.hcl");
    } catch (error) {
      assert.ok(error instanceof PolicyError, String(error));
      assert.equal(error.name, "PolicyError");
      return error;
    }
    throw new Error("parsed");
  };
  it("reports an unclosed block at its line, not at a brace inside a comment or a string", () => {
    const text = '# a comment with { and [\n// another {\npath "a" {\n  capabilities = ["read"]\n  comment = "a } and a \\" quote {"\n\npath "b" {\n  capabilities = ["read"]\n}\n';
    assert.match(failure(text).message, /^f\.hcl:3: /);
  });
  it("points a bad capability at its own line inside a block", () => {
    const error = failure('path "a" {\n  capabilities = [\n    "read",\n    "reed",\n  ]\n}\n');
    assert.equal(error.line, 4);
    assert.match(error.message, /^f\.hcl:4: path "a": invalid capability "reed" \(valid: create, /);
  });
  it("names an unknown key and an unknown top-level key", () => {
    assert.match(failure('path "a" {\n  capabilities = ["read"]\n  capability = ["read"]\n}\n').message, /unknown key "capability" \(allowed: /);
    assert.match(failure('paths "a" {\n  capabilities = ["read"]\n}\n').message, /^f\.hcl:1: unknown top-level key "paths"/);
  });
  it("reads the legacy policy key: deny replaces the capabilities, the others add to them", () => {
    const [denied] = parsePolicy('path "a" {\n  capabilities = ["read"]\n  policy = "deny"\n}\n').rules;
    assert.deepEqual(denied.capabilities, ["deny"]);
    const [added] = parsePolicy('path "a" {\n  capabilities = ["delete"]\n  policy = "read"\n}\n').rules;
    assert.deepEqual([...added.capabilities].sort(), ["delete", "list", "read"]);
    assert.match(failure('path "a" {\n  policy = "admin"\n}\n').message, /^f\.hcl:2: path "a": invalid policy "admin" \(legacy values: /);
  });
  it("checks required_parameters and parameter maps", () => {
    assert.match(failure('path "a" {\n  capabilities = ["create"]\n  required_parameters = ["own*"]\n}\n').message, /required_parameters must be names without wildcards/);
    assert.match(failure('path "a" {\n  capabilities = ["create"]\n  required_parameters = [1]\n}\n').message, /required_parameters must be names without wildcards/);
    assert.match(failure('path "a" {\n  capabilities = ["create"]\n  allowed_parameters = ["x"]\n}\n').message, /allowed_parameters must be a map of parameter name to list of values/);
    assert.match(failure('path "a" {\n  capabilities = ["create"]\n  denied_parameters = { "x" = "y" }\n}\n').message, /denied_parameters: "x" must be a list of values/);
    assert.deepEqual(parsePolicy('path "a" {\n  capabilities = ["create"]\n  required_parameters = ["owner"]\n}\n').rules[0].requiredParameters, ["owner"]);
  });
  it("accepts equal wrapping bounds and refuses a max below the min", () => {
    assert.equal(parsePolicy('path "a" {\n  capabilities = ["read"]\n  min_wrapping_ttl = 60\n  max_wrapping_ttl = 60\n}\n').rules[0].maxWrappingTtl, 60);
    assert.match(failure('path "a" {\n  capabilities = ["read"]\n  min_wrapping_ttl = 61\n  max_wrapping_ttl = 60\n}\n').message, /max_wrapping_ttl cannot be less than min_wrapping_ttl/);
  });
  it("names the whole file for an error without a line", () => {
    assert.equal(new PolicyError("f.hcl", 0, "no such file").message, "f.hcl: no such file");
    assert.equal(new PolicyError("f.hcl", 1, "x").message, "f.hcl:1: x");
  });
  it("reads a * that is not last as a literal character, as Vault does", () => {
    const acl = new Acl([parsePolicy(pathBlock("a/*/b", capabilitiesLine("read")))]);
    assert.deepEqual(acl.capabilities("a/*/b"), ["read"]);
    assert.deepEqual(acl.capabilities("a/x/b"), []);
  });
  it("parses Vault durations like parseutil", () => {
    assert.equal(parseVaultDuration("90"), 90);
    assert.equal(parseVaultDuration("1h30m"), 5400);
    assert.equal(parseVaultDuration("7d"), 604800);
    assert.equal(parseVaultDuration("1.5h"), 5400);
    assert.equal(parseVaultDuration("soon"), undefined);
    assert.equal(parseVaultDuration("-5m"), undefined);
  });
  it("globs like strutil.GlobbedStringsMatch", () => {
    assert.equal(globMatch("*", "anything"), false, "a lone * is literal (shorter than 2 characters)");
    assert.equal(globMatch("*", "*"), true);
    assert.equal(globMatch("a*", "abc"), true);
    assert.equal(globMatch("*c", "abc"), true);
    assert.equal(globMatch("*b*", "abc"), true);
    assert.equal(globMatch("a*c", "abc"), false, "only leading and trailing * are globs");
  });
});
