import { strict as assert } from "assert";
import { Acl, AclRequest, Capability, globMatch, parsePolicy, parseVaultDuration, PolicyError } from "../acl";
import { DEFAULT_POLICY } from "../acl/defaultPolicy";
import { block, caps } from "./policyCorpus";
import { thrown } from "./assertions";

/** One decision: with these policies, is `capability path` (with `request`) allowed? */
interface Case { title: string; policies: string[]; capability: Capability; path: string; allowed: boolean; request?: AclRequest }

const CASES: Case[] = [
  // Exact rules
  { title: "an exact rule grants its capability", policies: [block("secret/foo", caps("read"))], capability: "read", path: "secret/foo", allowed: true },
  { title: "an exact rule grants nothing else", policies: [block("secret/foo", caps("read"))], capability: "update", path: "secret/foo", allowed: false },
  { title: "an exact rule does not match a child", policies: [block("secret/foo", caps("read"))], capability: "read", path: "secret/foo/bar", allowed: false },
  { title: "an exact rule does not match a longer name", policies: [block("secret/foo", caps("read"))], capability: "read", path: "secret/foobar", allowed: false },
  { title: "no rule, no access", policies: [block("secret/foo", caps("read"))], capability: "read", path: "kv/foo", allowed: false },
  { title: "a leading slash in the policy is stripped", policies: [block("/secret/foo", caps("read"))], capability: "read", path: "secret/foo", allowed: true },
  { title: "a leading slash in the request is stripped", policies: [block("secret/foo", caps("read"))], capability: "read", path: "/secret/foo", allowed: true },
  { title: "deny is never an allowed operation", policies: [block("secret/foo", caps("read"))], capability: "deny", path: "secret/foo", allowed: false },
  // Prefix rules
  { title: "a prefix rule matches its children", policies: [block("secret/*", caps("read"))], capability: "read", path: "secret/a/b/c", allowed: true },
  { title: "a prefix rule matches the bare prefix", policies: [block("secret/*", caps("read"))], capability: "read", path: "secret/", allowed: true },
  { title: "a prefix rule is a string prefix, not a segment", policies: [block("secret/fo*", caps("read"))], capability: "read", path: "secret/foobar/x", allowed: true },
  { title: "a prefix rule does not match a sibling", policies: [block("secret/a/*", caps("read"))], capability: "read", path: "secret/b/x", allowed: false },
  { title: "the longest prefix wins (grant under a broad deny)", policies: [block("secret/*", caps("deny")), block("secret/app/*", caps("read"))], capability: "read", path: "secret/app/x", allowed: true },
  { title: "the longest prefix wins (deny under a broad grant)", policies: [block("secret/*", caps("read")), block("secret/app/*", caps("deny"))], capability: "read", path: "secret/app/x", allowed: false },
  { title: "a broad deny still applies outside the specific grant", policies: [block("secret/*", caps("deny")), block("secret/app/*", caps("read"))], capability: "read", path: "secret/other", allowed: false },
  { title: "an exact rule beats a longer-matching prefix rule", policies: [block("secret/app/x", caps("read")), block("secret/app/*", caps("update"))], capability: "update", path: "secret/app/x", allowed: false },
  { title: "an exact deny beats a prefix grant", policies: [block("secret/app/x", caps("deny")), block("secret/app/*", caps("read"))], capability: "read", path: "secret/app/x", allowed: false },
  { title: "a bare * grants everything", policies: [block("*", caps("read"))], capability: "read", path: "sys/mounts", allowed: true },
  // Segment wildcards
  { title: "+ matches exactly one segment", policies: [block("secret/+/config", caps("read"))], capability: "read", path: "secret/app/config", allowed: true },
  { title: "+ does not match two segments", policies: [block("secret/+/config", caps("read"))], capability: "read", path: "secret/a/b/config", allowed: false },
  { title: "+ needs the same number of segments", policies: [block("secret/+", caps("read"))], capability: "read", path: "secret/a/b", allowed: false },
  { title: "+ may be followed by a prefix *", policies: [block("secret/+/app*", caps("read"))], capability: "read", path: "secret/team/application/x", allowed: true },
  { title: "+ at the start", policies: [block("+/data/app", caps("read"))], capability: "read", path: "secret/data/app", allowed: true },
  { title: "a literal '+' inside a segment is not a wildcard", policies: [block("secret/+a/x", caps("read"))], capability: "read", path: "secret/ba/x", allowed: false },
  { title: "a later first wildcard wins: foo/bar/+ over foo/+/baz", policies: [block("foo/+/baz", caps("read")), block("foo/bar/+", caps("update"))], capability: "update", path: "foo/bar/baz", allowed: true },
  { title: "a later first wildcard wins (the loser grants nothing)", policies: [block("foo/+/baz", caps("read")), block("foo/bar/+", caps("update"))], capability: "read", path: "foo/bar/baz", allowed: false },
  { title: "prefix foo/a* beats foo/+ (later first wildcard)", policies: [block("foo/+", caps("read")), block("foo/a*", caps("update"))], capability: "update", path: "foo/abc", allowed: true },
  { title: "+ beats * at the same position (not a prefix wins)", policies: [block("foo/*", caps("read")), block("foo/+", caps("update"))], capability: "update", path: "foo/x", allowed: true },
  { title: "+ over * leaves * out", policies: [block("foo/*", caps("read")), block("foo/+", caps("update"))], capability: "read", path: "foo/x", allowed: false },
  { title: "* still applies where + cannot match", policies: [block("foo/*", caps("read")), block("foo/+", caps("update"))], capability: "read", path: "foo/x/y", allowed: true },
  { title: "fewer + segments win", policies: [block("foo/+/+/baz", caps("read")), block("foo/+/bar/baz", caps("update"))], capability: "update", path: "foo/a/bar/baz", allowed: true },
  { title: "fewer + segments win (the loser grants nothing)", policies: [block("foo/+/+/baz", caps("read")), block("foo/+/bar/baz", caps("update"))], capability: "read", path: "foo/a/bar/baz", allowed: false },
  { title: "the longer pattern wins", policies: [block("foo/+/bar/b*", caps("read")), block("foo/+/bar/ba*", caps("update"))], capability: "update", path: "foo/x/bar/baz", allowed: true },
  { title: "a deny via + beats a broader prefix grant", policies: [block("secret/*", caps("read")), block("secret/+/private", caps("deny"))], capability: "read", path: "secret/app/private", allowed: false },
  // Merging the same path across policies
  { title: "the same path merges capabilities across policies", policies: [block("secret/x", caps("read")), block("secret/x", caps("update"))], capability: "update", path: "secret/x", allowed: true },
  { title: "merged capabilities keep the first", policies: [block("secret/x", caps("read")), block("secret/x", caps("update"))], capability: "read", path: "secret/x", allowed: true },
  { title: "deny on the same path clears grants (deny second)", policies: [block("secret/x", caps("read")), block("secret/x", caps("deny"))], capability: "read", path: "secret/x", allowed: false },
  { title: "deny on the same path clears grants (deny first)", policies: [block("secret/x", caps("deny")), block("secret/x", caps("read"))], capability: "read", path: "secret/x", allowed: false },
  { title: "deny on the same prefix path clears grants", policies: [block("secret/*", caps("read", "list")), block("secret/*", caps("deny"))], capability: "list", path: "secret/", allowed: false },
  { title: "deny in the capabilities list wins within one rule", policies: [block("secret/x", caps("read", "deny"))], capability: "read", path: "secret/x", allowed: false },
  { title: "exact and prefix rules of the same text are different paths", policies: [block("secret/x", caps("deny")), block("secret/x*", caps("read"))], capability: "read", path: "secret/xy", allowed: true },
  { title: "the same path twice in one policy merges", policies: [block("secret/x", caps("read")) + block("secret/x", caps("list"))], capability: "list", path: "secret/x", allowed: true },
  // Legacy policy
  { title: "legacy read grants read", policies: [block("secret/x", 'policy = "read"')], capability: "read", path: "secret/x", allowed: true },
  { title: "legacy read grants list", policies: [block("secret/x", 'policy = "read"')], capability: "list", path: "secret/x", allowed: true },
  { title: "legacy read does not grant update", policies: [block("secret/x", 'policy = "read"')], capability: "update", path: "secret/x", allowed: false },
  { title: "legacy write grants create", policies: [block("secret/x", 'policy = "write"')], capability: "create", path: "secret/x", allowed: true },
  { title: "legacy write grants delete", policies: [block("secret/x", 'policy = "write"')], capability: "delete", path: "secret/x", allowed: true },
  { title: "legacy write does not grant sudo", policies: [block("secret/x", 'policy = "write"')], capability: "sudo", path: "secret/x", allowed: false },
  { title: "legacy sudo grants sudo", policies: [block("sys/x", 'policy = "sudo"')], capability: "sudo", path: "sys/x", allowed: true },
  { title: "legacy deny denies", policies: [block("secret/x", 'policy = "deny"')], capability: "read", path: "secret/x", allowed: false },
  { title: "legacy policy adds to capabilities", policies: [block("secret/x", 'policy = "read"\n  ' + caps("update"))], capability: "update", path: "secret/x", allowed: true },
  { title: "legacy deny overrides capabilities", policies: [block("secret/x", 'policy = "deny"\n  ' + caps("update"))], capability: "update", path: "secret/x", allowed: false },
  { title: "a top-level name does not change the rules", policies: ['name = "reader"\n' + block("secret/x", caps("read"))], capability: "read", path: "secret/x", allowed: true },
  // LIST and the trailing slash
  { title: "LIST on a/b/ falls back to the exact rule a/b", policies: [block("secret/dir", caps("list"))], capability: "list", path: "secret/dir/", allowed: true },
  { title: "READ on a/b/ does not fall back to a/b", policies: [block("secret/dir", caps("read"))], capability: "read", path: "secret/dir/", allowed: false },
  { title: "LIST on a/b/ tries the trimmed path against wildcard rules first", policies: [block("secret/dir*", caps("list")), block("secret/dir/*", caps("deny"))], capability: "list", path: "secret/dir/", allowed: true },
  { title: "READ on a/b/ uses the longest prefix", policies: [block("secret/dir*", caps("read")), block("secret/dir/*", caps("deny"))], capability: "read", path: "secret/dir/", allowed: false },
  // KV v2 layout
  { title: "KV v2 read needs data/", policies: [block("secret/data/app/*", caps("read"))], capability: "read", path: "secret/data/app/config", allowed: true },
  { title: "a v1-style rule grants nothing on the v2 data path", policies: [block("secret/app/*", caps("read"))], capability: "read", path: "secret/data/app/config", allowed: false },
  { title: "KV v2 listing needs metadata/", policies: [block("secret/metadata/app/*", caps("list"))], capability: "list", path: "secret/metadata/app/", allowed: true },
  { title: "data/ read does not allow listing metadata/", policies: [block("secret/data/app/*", caps("read", "list"))], capability: "list", path: "secret/metadata/app/", allowed: false },
  { title: "KV v2 soft delete of versions is update on delete/", policies: [block("secret/delete/app/*", caps("update"))], capability: "update", path: "secret/delete/app/config", allowed: true },
  { title: "KV v2 patch needs patch", policies: [block("secret/data/app/*", caps("update"))], capability: "patch", path: "secret/data/app/config", allowed: false },
  // Parameters
  { title: "allowed_parameters admits a listed parameter", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "ttl" = [] }')], capability: "update", path: "secret/x", request: { data: { ttl: "1h" } }, allowed: true },
  { title: "allowed_parameters refuses an unlisted parameter", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "ttl" = [] }')], capability: "update", path: "secret/x", request: { data: { ttl: "1h", policies: "root" } }, allowed: false },
  { title: "allowed_parameters restricts values", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "color" = ["red", "blue"] }')], capability: "update", path: "secret/x", request: { data: { color: "green" } }, allowed: false },
  { title: "a request's JSON number is not a policy's number (json.Number vs HCL int): not allowed", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "count" = [0, 1] }')], capability: "update", path: "secret/x", request: { data: { count: 1 } }, allowed: false },
  { title: "a request's JSON number is not a policy's number: not denied", policies: [block("secret/x", caps("update") + '\n  denied_parameters = { "count" = [0] }')], capability: "update", path: "secret/x", request: { data: { count: 0 } }, allowed: true },
  { title: "a '*' inside a parameter name is a literal character", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "a*b" = [] }')], capability: "update", path: "secret/x", request: { data: { axb: "1" } }, allowed: false },
  { title: "allowed values may be globs", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "name" = ["team-*"] }')], capability: "update", path: "secret/x", request: { data: { name: "team-a" } }, allowed: true },
  { title: "allowed '*' with another key admits any parameter", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "*" = [], "color" = ["red"] }')], capability: "update", path: "secret/x", request: { data: { size: 3 } }, allowed: true },
  { title: "allowed '*' does not lift a named key's values", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "*" = [], "color" = ["red"] }')], capability: "update", path: "secret/x", request: { data: { color: "blue" } }, allowed: false },
  { title: "parameter names are case-insensitive", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "TTL" = [] }')], capability: "update", path: "secret/x", request: { data: { Ttl: "1h" } }, allowed: true },
  { title: "allowed values check each item of a list", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "policies" = ["a", "b"] }')], capability: "update", path: "secret/x", request: { data: { policies: ["a", "c"] } }, allowed: false },
  { title: "allowed values accept a comma-separated string of allowed items", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "policies" = ["a", "b"] }')], capability: "update", path: "secret/x", request: { data: { policies: "a,b" } }, allowed: true },
  { title: "an empty item of a comma-separated string is checked too (\"a,,b\" has three)", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "policies" = ["a", "b"] }')], capability: "update", path: "secret/x", request: { data: { policies: "a,,b" } }, allowed: false },
  { title: "an empty string is a list of no items, so no allowed value is needed", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "policies" = ["a", "b"] }')], capability: "update", path: "secret/x", request: { data: { policies: "" } }, allowed: true },
  { title: "a trailing comma leaves an empty item that no allowed value lists", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "policies" = ["a", "b"] }')], capability: "update", path: "secret/x", request: { data: { policies: "a," } }, allowed: false },
  { title: "a map value matches whatever the order of its keys (sorted)", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "meta" = [{ team = "a", env = "b" }] }')], capability: "update", path: "secret/x", request: { data: { meta: { env: "b", team: "a" } } }, allowed: true },
  { title: "a map value matches whatever the order of its keys (as written)", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "meta" = [{ team = "a", env = "b" }] }')], capability: "update", path: "secret/x", request: { data: { meta: { team: "a", env: "b" } } }, allowed: true },
  { title: "a map value with another key's value is not in the list", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "meta" = [{ team = "a", env = "b" }] }')], capability: "update", path: "secret/x", request: { data: { meta: { env: "c", team: "a" } } }, allowed: false },
  { title: "denied_parameters refuses a denied parameter", policies: [block("secret/x", caps("update") + '\n  denied_parameters = { "policies" = [] }')], capability: "update", path: "secret/x", request: { data: { policies: "x" } }, allowed: false },
  { title: "denied '*' refuses any body", policies: [block("secret/x", caps("update") + '\n  denied_parameters = { "*" = [] }')], capability: "update", path: "secret/x", request: { data: { a: 1 } }, allowed: false },
  { title: "denied '*' allows an empty body", policies: [block("secret/x", caps("update") + '\n  denied_parameters = { "*" = [] }')], capability: "update", path: "secret/x", request: { data: {} }, allowed: true },
  { title: "denied values match globs", policies: [block("secret/x", caps("update") + '\n  denied_parameters = { "name" = ["admin*"] }')], capability: "update", path: "secret/x", request: { data: { name: "administrator" } }, allowed: false },
  { title: "a value outside the denied list passes", policies: [block("secret/x", caps("update") + '\n  denied_parameters = { "name" = ["admin*"] }')], capability: "update", path: "secret/x", request: { data: { name: "bob" } }, allowed: true },
  { title: "denied values catch one item of a list", policies: [block("secret/x", caps("update") + '\n  denied_parameters = { "policies" = ["root"] }')], capability: "update", path: "secret/x", request: { data: { policies: ["a", "root"] } }, allowed: false },
  { title: "required_parameters refuses a body without them", policies: [block("secret/x", caps("create") + '\n  required_parameters = ["owner"]')], capability: "create", path: "secret/x", request: { data: { a: 1 } }, allowed: false },
  { title: "required_parameters admits a body with them", policies: [block("secret/x", caps("create") + '\n  required_parameters = ["owner"]')], capability: "create", path: "secret/x", request: { data: { owner: "me" } }, allowed: true },
  { title: "parameters are not checked for delete", policies: [block("secret/x", caps("delete") + '\n  required_parameters = ["owner"]')], capability: "delete", path: "secret/x", request: { data: {} }, allowed: true },
  { title: "parameters are not checked for list", policies: [block("secret/x", caps("list") + '\n  denied_parameters = { "*" = [] }')], capability: "list", path: "secret/x", request: { data: { a: 1 } }, allowed: true },
  { title: "merged allowed values: an empty list overrides", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "c" = ["red"] }'), block("secret/x", caps("update") + '\n  allowed_parameters = { "c" = [] }')], capability: "update", path: "secret/x", request: { data: { c: "green" } }, allowed: true },
  { title: "merged allowed values are appended", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "c" = ["red"] }'), block("secret/x", caps("update") + '\n  allowed_parameters = { "c" = ["blue"] }')], capability: "update", path: "secret/x", request: { data: { c: "blue" } }, allowed: true },
  // Response wrapping
  { title: "min_wrapping_ttl refuses an unwrapped request", policies: [block("secret/x", caps("read") + '\n  min_wrapping_ttl = "1m"')], capability: "read", path: "secret/x", allowed: false },
  { title: "min_wrapping_ttl refuses a shorter wrap", policies: [block("secret/x", caps("read") + '\n  min_wrapping_ttl = "1m"')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 30 }, allowed: false },
  { title: "min_wrapping_ttl admits a long enough wrap", policies: [block("secret/x", caps("read") + '\n  min_wrapping_ttl = "1m"')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 60 }, allowed: true },
  { title: "max_wrapping_ttl refuses a longer wrap", policies: [block("secret/x", caps("read") + '\n  max_wrapping_ttl = 300')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 301 }, allowed: false },
  { title: "max_wrapping_ttl in seconds admits a shorter wrap", policies: [block("secret/x", caps("read") + '\n  max_wrapping_ttl = 300')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 120 }, allowed: true },
  { title: "merged wrapping bounds keep the shorter max", policies: [block("secret/x", caps("read") + '\n  max_wrapping_ttl = "10m"'), block("secret/x", caps("read") + '\n  max_wrapping_ttl = "5m"')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 400 }, allowed: false },
  { title: "merged bounds that cross refuse everything", policies: [block("secret/x", caps("read") + '\n  min_wrapping_ttl = "10m"'), block("secret/x", caps("read") + '\n  max_wrapping_ttl = "5m"')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 400 }, allowed: false },
  // Cases the mutation run found unpinned (each decided the way the live differential suite shows Vault decides)
  { title: "deny is not an allowed operation even on a denied path", policies: [block("secret/foo", caps("deny"))], capability: "deny", path: "secret/foo", allowed: false },
  { title: "a prefix segment rule: its last literal is a prefix", policies: [block("a/+/ab*", caps("read"))], capability: "read", path: "a/x/abc", allowed: true },
  { title: "a prefix segment rule also matches deeper paths", policies: [block("a/+/ab*", caps("read"))], capability: "read", path: "a/x/ab/c", allowed: true },
  { title: "a prefix segment rule's literal must still start the segment", policies: [block("a/+/ab*", caps("read"))], capability: "read", path: "a/x/b", allowed: false },
  { title: "a prefix segment rule needs all its segments", policies: [block("a/+/ab*", caps("read"))], capability: "read", path: "a/abc", allowed: false },
  { title: "an exact segment rule's last literal is whole", policies: [block("a/+/ab", caps("read"))], capability: "read", path: "a/x/abc", allowed: false },
  { title: "a non-last literal of a prefix segment rule is whole", policies: [block("a/b/+/c*", caps("read"))], capability: "read", path: "a/bb/x/c", allowed: false },
  { title: "fewer + segments win at the same first wildcard", policies: [block("a/+/+", caps("update")), block("a/+/c", caps("read"))], capability: "update", path: "a/x/c", allowed: false },
  { title: "fewer + segments win, in either order", policies: [block("a/+/c", caps("read")), block("a/+/+", caps("update"))], capability: "read", path: "a/x/c", allowed: true },
  { title: "a rule without the trailing * wins at the same first wildcard", policies: [block("a/+/*", caps("update")), block("a/+/c", caps("read"))], capability: "update", path: "a/x/c", allowed: false },
  { title: "the longer of two prefix segment rules wins", policies: [block("a/+/c*", caps("read")), block("a/+/cd*", caps("update"))], capability: "update", path: "a/x/cde", allowed: true },
  { title: "the longer of two prefix segment rules wins, in either order", policies: [block("a/+/cd*", caps("update")), block("a/+/c*", caps("read"))], capability: "read", path: "a/x/cde", allowed: false },
  { title: "a plain prefix rule with a later wildcard beats a segment rule", policies: [block("a/+/c/d", caps("read")), block("a/b/c/*", caps("update"))], capability: "read", path: "a/b/c/d", allowed: false },
  { title: "merged allowed values: an empty list overrides, in either order", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "c" = [] }'), block("secret/x", caps("update") + '\n  allowed_parameters = { "c" = ["red"] }')], capability: "update", path: "secret/x", request: { data: { c: "green" } }, allowed: true },
  { title: "merged allowed values are appended, in either order", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "c" = ["blue"] }'), block("secret/x", caps("update") + '\n  allowed_parameters = { "c" = ["red"] }')], capability: "update", path: "secret/x", request: { data: { c: "red" } }, allowed: true },
  { title: "merged allowed values admit only the listed ones", policies: [block("secret/x", caps("update") + '\n  allowed_parameters = { "c" = ["blue"] }'), block("secret/x", caps("update") + '\n  allowed_parameters = { "c" = ["red"] }')], capability: "update", path: "secret/x", request: { data: { c: "green" } }, allowed: false },
  { title: "allowed parameters from one policy, none from the other: the one applies", policies: [block("secret/x", caps("update")), block("secret/x", caps("update") + '\n  allowed_parameters = { "c" = ["red"] }')], capability: "update", path: "secret/x", request: { data: { c: "green" } }, allowed: false },
  { title: "merged wrapping bounds keep the shorter max, in either order", policies: [block("secret/x", caps("read") + '\n  max_wrapping_ttl = "5m"'), block("secret/x", caps("read") + '\n  max_wrapping_ttl = "10m"')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 400 }, allowed: false },
  { title: "merged wrapping bounds keep the shorter min", policies: [block("secret/x", caps("read") + '\n  min_wrapping_ttl = "5m"'), block("secret/x", caps("read") + '\n  min_wrapping_ttl = "1m"')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 90 }, allowed: true },
  { title: "merged wrapping bounds keep the shorter min, in either order", policies: [block("secret/x", caps("read") + '\n  min_wrapping_ttl = "1m"'), block("secret/x", caps("read") + '\n  min_wrapping_ttl = "5m"')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 90 }, allowed: true },
  { title: "max_wrapping_ttl refuses an unwrapped request", policies: [block("secret/x", caps("read") + '\n  max_wrapping_ttl = 300')], capability: "read", path: "secret/x", allowed: false },
  { title: "a wrap of exactly max_wrapping_ttl is allowed", policies: [block("secret/x", caps("read") + '\n  max_wrapping_ttl = 300')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 300 }, allowed: true },
  { title: "equal min and max wrapping TTLs admit exactly that wrap", policies: [block("secret/x", caps("read") + '\n  min_wrapping_ttl = 300\n  max_wrapping_ttl = 300')], capability: "read", path: "secret/x", request: { wrapTtlSeconds: 300 }, allowed: true },
  { title: "a root-protected path asked with a leading slash still needs sudo", policies: [block("sys/*", caps("update"))], capability: "update", path: "/sys/audit/file", allowed: false },
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

describe("acl: capabilities()", () => {
  const acl = new Acl([parsePolicy(block("secret/*", caps("read", "list", "update")) + block("secret/locked", caps("deny")), "a.hcl")]);
  it("lists the winning rule's capabilities in Vault's order", () => assert.deepEqual(acl.capabilities("secret/x"), ["read", "list", "update"]));
  it("is empty where a deny wins", () => assert.deepEqual(acl.capabilities("secret/locked"), []));
  it("is empty where nothing matches", () => assert.deepEqual(acl.capabilities("kv/x"), []));
  it("names the rules that decide a path", () => assert.deepEqual(acl.winningRule("secret/x")!.origins, ["a.hcl:1"]));
});

describe("acl: identity templating", () => {
  const acl = new Acl([parsePolicy(block("secret/data/{{identity.entity.name}}/*", caps("read")) + block("secret/data/shared", caps("read")), "t.hcl")]);
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
    const [rule] = parsePolicy(block("/secret/app/*", caps("read"))).rules;
    assert.equal(rule.path, "secret/app/");
    assert.equal(rule.isPrefix, true);
  });
  it("keeps a segment rule's trailing *", () => {
    const [rule] = parsePolicy(block("secret/+/app*", caps("read"))).rules;
    assert.equal(rule.path, "secret/+/app*");
    assert.equal(rule.hasSegmentWildcards, true);
  });
  it("reports the right line in a file with Windows line endings and a commented-out block", () => {
    const text = '# path "old" {\r\npath "a" {\r\n  capabilities = ["reed"]\r\n}\r\n';
    assert.throws(() => parsePolicy(text, "crlf.hcl"), (error: PolicyError) => error.line === 3 && /^crlf\.hcl:3: path "a": invalid capability "reed"/.test(error.message));
  });
  it("reports the line of the offending block", () => {
    assert.throws(() => parsePolicy(`${block("a", caps("read"))}\n${block("b", caps("reed"))}`, "x.hcl"), (error: PolicyError) => error.line === 6 && /x\.hcl:6: path "b": invalid capability "reed"/.test(error.message));
  });
  it("rejects +*", () => assert.throws(() => parsePolicy(block("a/+*", caps("read"))), /'\+\*' is forbidden/));

  // What the mutation run found unpinned: where errors point, the legacy key, the parameter and wrapping checks.
  const failure = (text: string): PolicyError => {
    const error = thrown(PolicyError, () => parsePolicy(text, "f.hcl"));
    assert.equal(error.name, "PolicyError");
    return error;
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
    const acl = new Acl([parsePolicy(block("a/*/b", caps("read")))]);
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
