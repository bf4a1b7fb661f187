/**
 * Invalid configurations generated from the valid `dev` stack: each case changes one thing and names
 * the message the program must fail with. Shared by the config tests and the failure-mode suite.
 */
export type Config = Record<string, any>;

export interface InvalidCase {
  /** What is wrong. */
  title: string;
  /** Changes a deep copy of the dev config. */
  mutate: (config: Config) => void;
  /** The one message that must name the key and the fix. */
  message: RegExp;
  /** Extra environment (e.g. no VAULT_TOKEN). */
  env?: Record<string, string>;
}

const cluster = (config: Config) => config["vault-platform:cluster"];

export const CLUSTER_CASES: InvalidCase[] = [
  { title: "one node", mutate: (c) => { cluster(c).nodeCount = 1; }, message: /^vault-platform:cluster\.nodeCount must be at least 2 for HA \(got 1\)$/ },
  { title: "a fractional node count", mutate: (c) => { cluster(c).nodeCount = 2.5; }, message: /^vault-platform:cluster\.nodeCount must be a whole number \(got 2\.5\)$/ },
  { title: "node count as text", mutate: (c) => { cluster(c).nodeCount = "three"; }, message: /^vault-platform:cluster\.nodeCount must be a number \(got "three"\)$/ },
  { title: "ten nodes", mutate: (c) => { cluster(c).nodeCount = 10; }, message: /^vault-platform:cluster\.nodeCount must be at most 9/ },
  { title: "one zone", mutate: (c) => { cluster(c).availabilityZones = ["eu-west-1a"]; }, message: /^vault-platform:cluster\.availabilityZones must list at least 2 availability zones for HA/ },
  { title: "more zones than nodes", mutate: (c) => { cluster(c).availabilityZones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]; }, message: /^vault-platform:cluster\.availabilityZones must not list more zones than nodeCount \(2\)/ },
  { title: "a repeated zone", mutate: (c) => { cluster(c).availabilityZones = ["eu-west-1a", "eu-west-1a"]; }, message: /^vault-platform:cluster\.availabilityZones must not repeat an availability zone/ },
  { title: "a zone that is not a zone", mutate: (c) => { cluster(c).availabilityZones = ["eu-west-1a", "west"]; }, message: /^vault-platform:cluster\.availabilityZones\[1\] must be an availability zone name such as eu-west-1a \(got "west"\)$/ },
  { title: "a zone in another region", mutate: (c) => { cluster(c).availabilityZones = ["eu-west-1a", "us-east-1b"]; }, message: /^vault-platform:cluster\.availabilityZones\[1\] "us-east-1b" is not in aws:region eu-west-1/ },
  { title: "zones as a string", mutate: (c) => { cluster(c).availabilityZones = "eu-west-1a,eu-west-1b"; }, message: /^vault-platform:cluster\.availabilityZones must be an array/ },
  { title: "an unpinned Vault version", mutate: (c) => { cluster(c).vaultVersion = "latest"; }, message: /^vault-platform:cluster\.vaultVersion must be a pinned Vault release such as "1\.21\.1"/ },
  { title: "a Vault version range", mutate: (c) => { cluster(c).vaultVersion = "1.20.x"; }, message: /^vault-platform:cluster\.vaultVersion must be a pinned Vault release/ },
  { title: "no Vault version", mutate: (c) => { delete cluster(c).vaultVersion; }, message: /^vault-platform:cluster\.vaultVersion is required$/ },
  { title: "a bad instance type", mutate: (c) => { cluster(c).instanceType = "large"; }, message: /^vault-platform:cluster\.instanceType must be an EC2 instance type such as t3\.small \(got "large"\)$/ },
  { title: "a malformed VPC CIDR", mutate: (c) => { cluster(c).vpcCidr = "10.40.0.0/33"; }, message: /^vault-platform:cluster\.vpcCidr must be an IPv4 CIDR such as 10\.0\.0\.0\/16 \(got "10\.40\.0\.0\/33"\)$/ },
  { title: "a VPC CIDR with host bits", mutate: (c) => { cluster(c).vpcCidr = "10.40.0.1/16"; }, message: /^vault-platform:cluster\.vpcCidr has host bits set; use the network address/ },
  { title: "a VPC CIDR too large", mutate: (c) => { cluster(c).vpcCidr = "10.0.0.0/8"; }, message: /^vault-platform:cluster\.vpcCidr must have a prefix from \/16 to \/24/ },
  { title: "both a new and an existing network", mutate: (c) => { cluster(c).vpcId = "vpc-0123456789abcdef0"; cluster(c).subnetIds = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]; }, message: /^vault-platform:cluster\.vpcId set either vpcCidr \(a new VPC\) or vpcId with subnetIds/ },
  { title: "no network at all", mutate: (c) => { delete cluster(c).vpcCidr; }, message: /^vault-platform:cluster\.vpcCidr set either vpcCidr/ },
  { title: "a VPC without subnets", mutate: (c) => { delete cluster(c).vpcCidr; cluster(c).vpcId = "vpc-0123456789abcdef0"; }, message: /^vault-platform:cluster\.subnetIds is required with vpcId/ },
  { title: "subnets without a VPC", mutate: (c) => { delete cluster(c).vpcCidr; cluster(c).subnetIds = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]; }, message: /^vault-platform:cluster\.vpcId is required with subnetIds/ },
  { title: "fewer subnets than zones", mutate: (c) => { delete cluster(c).vpcCidr; cluster(c).vpcId = "vpc-0123456789abcdef0"; cluster(c).subnetIds = ["subnet-0123456789abcdef0"]; }, message: /^vault-platform:cluster\.subnetIds must list one private subnet per availability zone, in the same order \(2 zones\) \(got 1\)$/ },
  { title: "SSM endpoints in an existing network", mutate: (c) => { delete cluster(c).vpcCidr; cluster(c).vpcId = "vpc-0123456789abcdef0"; cluster(c).subnetIds = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]; cluster(c).ssmEndpoints = true; }, message: /^vault-platform:cluster\.ssmEndpoints applies only to a new VPC \(vpcCidr\); in an existing network its owner provides the ssm, ssmmessages and ec2messages endpoints or a NAT path for the SSM agent$/ },
  { title: "SSM endpoints as text", mutate: (c) => { cluster(c).ssmEndpoints = "yes"; }, message: /^vault-platform:cluster\.ssmEndpoints must be a boolean \(got "yes"\)$/ },
  { title: "a bad subnet id", mutate: (c) => { delete cluster(c).vpcCidr; cluster(c).vpcId = "vpc-0123456789abcdef0"; cluster(c).subnetIds = ["subnet-0123456789abcdef0", "sub-1"]; }, message: /^vault-platform:cluster\.subnetIds\[1\] must be a subnet id/ },
  { title: "no deployer roles", mutate: (c) => { delete cluster(c).deployerRoleArns; }, message: /^vault-platform:cluster\.deployerRoleArns is required: the IAM roles that run `pulumi up` for this stack, e\.g\. \[arn:aws:iam::123456789012:role\/vault-platform-deploy\]; only they and the nodes may read the TLS bundle/ },
  { title: "an empty list of deployer roles", mutate: (c) => { cluster(c).deployerRoleArns = []; }, message: /^vault-platform:cluster\.deployerRoleArns must list at least one of the IAM roles that run `pulumi up`/ },
  { title: "a deployer role as a string", mutate: (c) => { cluster(c).deployerRoleArns = "arn:aws:iam::123456789012:role/deploy"; }, message: /^vault-platform:cluster\.deployerRoleArns must be a list of the IAM roles that run `pulumi up`/ },
  { title: "an assumed-role session as a deployer", mutate: (c) => { cluster(c).deployerRoleArns = ["arn:aws:sts::123456789012:assumed-role/deploy/ci"]; }, message: /^vault-platform:cluster\.deployerRoleArns\[0\] must be an IAM role ARN such as arn:aws:iam::123456789012:role\/vault-platform-deploy \(not a user, not an assumed-role session\) \(got "arn:aws:sts::/ },
  { title: "a user as a deployer", mutate: (c) => { cluster(c).deployerRoleArns = ["arn:aws:iam::123456789012:user/alice"]; }, message: /^vault-platform:cluster\.deployerRoleArns\[0\] must be an IAM role ARN/ },
  { title: "the API open to the world", mutate: (c) => { cluster(c).allowedCidrs = ["0.0.0.0/0"]; }, message: /^vault-platform:cluster\.allowedCidrs\[0\] opens the Vault API to every address; .*allowAnyCidr: true/ },
  { title: "a bad client CIDR", mutate: (c) => { cluster(c).allowedCidrs = ["10.0.0.0"]; }, message: /^vault-platform:cluster\.allowedCidrs\[0\] must be an IPv4 CIDR/ },
  { title: "an unknown health-check mode", mutate: (c) => { cluster(c).healthCheck = "standby"; }, message: /^vault-platform:cluster\.healthCheck must be "active" or "unsealed" \(got "standby"\)$/ },
  { title: "a bad domain", mutate: (c) => { cluster(c).domain = "https://vault.example.com"; }, message: /^vault-platform:cluster\.domain must be a DNS name such as vault\.example\.com/ },
  { title: "a misspelt cluster key", mutate: (c) => { cluster(c).nodecount = 3; }, message: /^vault-platform:cluster has unknown key "nodecount" \(did you mean "nodeCount"\?\); check the spelling/ },
  { title: "enabled as text", mutate: (c) => { cluster(c).enabled = "yes"; }, message: /^vault-platform:cluster\.enabled must be true or false \(got "yes"\)$/ },
  { title: "a tiny root volume", mutate: (c) => { cluster(c).rootVolumeSizeGb = 4; }, message: /^vault-platform:cluster\.rootVolumeSizeGb must be at least 8 \(got 4\)$/ },
  { title: "an alarm email that is not one", mutate: (c) => { cluster(c).alarmEmails = ["oncall"]; }, message: /^vault-platform:cluster\.alarmEmails\[0\] must be an email address such as vault-oncall@example\.com \(got "oncall"\)$/ },
  { title: "an audit log retention CloudWatch does not offer", mutate: (c) => { cluster(c).auditLogRetentionDays = 100; }, message: /^vault-platform:cluster\.auditLogRetentionDays must be one of CloudWatch Logs' retention periods in days: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, .* \(got 100\)$/ },
  { title: "a backup schedule in rate form", mutate: (c) => { cluster(c).backup = { schedule: "rate(1 day)" }; }, message: /^vault-platform:cluster\.backup\.schedule must be an AWS Backup cron expression such as "cron\(0 3 \* \* \? \*\)" \(UTC; six fields/ },
  { title: "a five-field Unix cron schedule", mutate: (c) => { cluster(c).backup = { schedule: "cron(0 3 * * *)" }; }, message: /^vault-platform:cluster\.backup\.schedule must be an AWS Backup cron expression .* \(got "cron\(0 3 \* \* \*\)"\)$/ },
  { title: "a schedule with both day fields set", mutate: (c) => { cluster(c).backup = { schedule: "cron(0 3 * * MON *)" }; }, message: /^vault-platform:cluster\.backup\.schedule must be an AWS Backup cron expression .*one of day-of-month and day-of-week "\?"/ },
  { title: "a schedule more often than hourly", mutate: (c) => { cluster(c).backup = { schedule: "cron(0/15 * * * ? *)" }; }, message: /^vault-platform:cluster\.backup\.schedule must be an AWS Backup cron expression .*a single minute, since AWS Backup runs at most hourly/ },
  { title: "a retention of one day", mutate: (c) => { cluster(c).backup = { retentionDays: 1 }; }, message: /^vault-platform:cluster\.backup\.retentionDays must be at least 7 days \(time to notice a bad write before the last good copy expires\) \(got 1\)$/ },
  { title: "a retention beyond ten years", mutate: (c) => { cluster(c).backup = { retentionDays: 4000 }; }, message: /^vault-platform:cluster\.backup\.retentionDays must be at most 3650 days \(10 years\) \(got 4000\)$/ },
  { title: "a fractional retention", mutate: (c) => { cluster(c).backup = { retentionDays: 7.5 }; }, message: /^vault-platform:cluster\.backup\.retentionDays must be a whole number of days \(got 7\.5\)$/ },
  { title: "a retention as text", mutate: (c) => { cluster(c).backup = { retentionDays: "35d" }; }, message: /^vault-platform:cluster\.backup\.retentionDays must be a number of days \(got "35d"\)$/ },
  { title: "a misspelt backup key", mutate: (c) => { cluster(c).backup = { retentiondays: 35 }; }, message: /^vault-platform:cluster\.backup has unknown key "retentiondays" \(did you mean "retentionDays"\?\)/ },
  { title: "a restored table name with a slash", mutate: (c) => { cluster(c).storageTableName = "arn:aws:dynamodb:eu-west-1:123456789012:table/vault"; }, message: /^vault-platform:cluster\.storageTableName must be a DynamoDB table name \(3 to 255 letters, digits, _ - \.\), the table restored from a backup/ },
  { title: "a restored table name too short", mutate: (c) => { cluster(c).storageTableName = "t"; }, message: /^vault-platform:cluster\.storageTableName must be a DynamoDB table name/ },
  { title: "no cluster key", mutate: (c) => { delete c["vault-platform:cluster"]; }, message: /^vault-platform:cluster is required/ },
  { title: "an unknown project key", mutate: (c) => { c["vault-platform:clusters"] = "{}"; }, message: /^vault-platform:clusters is not a setting of this project \(did you mean "cluster"\?\); known keys: cluster, vault/ },
  { title: "an unknown project key like no known one", mutate: (c) => { c["vault-platform:telemetry"] = "{}"; }, message: /^vault-platform:telemetry is not a setting of this project; known keys: cluster, vault/ },
  { title: "no region", mutate: (c) => { delete c["aws:region"]; }, message: /^aws:region is required/ },
  { title: "a bad region", mutate: (c) => { c["aws:region"] = "europe"; }, message: /^aws:region must be an AWS region such as eu-west-1 \(got "europe"\)/ },
];

const consumers = (config: Config) => config["vault-platform:consumers"] as Config[];
/** The named consumer's entry in a config, to change in place. */
export const consumer = (config: Config, name: string) => consumers(config).find((entry) => entry.name === name)!;

/** Invalid Vault declarations; the Vault layer is switched on with a token unless a case says otherwise. */
export const VAULT_CASES: InvalidCase[] = [
  { title: "an unknown policy file", mutate: (c) => { consumer(c, "kes").policy = "kes-typo"; }, message: /^vault-platform:consumers\[1\] \(kes\)\.policy policies\/kes-typo\.hcl: no such policy file; available: (?!.*provisioner)[a-z0-9_, -]*\bkes\b/ },
  { title: "two bindings on one consumer", mutate: (c) => { consumer(c, "kes").token = { ttl: "1h" }; }, message: /^vault-platform:consumers\[1\] \(kes\) needs exactly one binding of approle, kubernetes or token \(has approle and token\)/ },
  { title: "a consumer without a binding", mutate: (c) => { delete consumer(c, "my-app").kubernetes; }, message: /^vault-platform:consumers\[2\] \(my-app\) needs exactly one binding of approle, kubernetes or token \(has none\)/ },
  { title: "duplicate consumer names", mutate: (c) => { consumer(c, "my-app").name = "kes"; }, message: /^vault-platform:consumers declares name "kes" twice; consumer names must be unique$/ },
  { title: "a bad duration", mutate: (c) => { consumer(c, "kes").approle.tokenPeriod = "5 minutes"; }, message: /^vault-platform:consumers\[1\] \(kes\)\.approle\.tokenPeriod must be a Vault duration such as "30s", "5m", "768h" or "7d", or whole seconds \(got "5 minutes"\)$/ },
  { title: "a negative duration", mutate: (c) => { consumer(c, "apisix").token.ttl = "-1h"; }, message: /^vault-platform:consumers\[0\] \(apisix\)\.token\.ttl must be a Vault duration/ },
  { title: "v2 options on a v1 mount", mutate: (c) => { c["vault-platform:mounts"][0].maxVersions = 5; }, message: /^vault-platform:mounts\[0\]\.maxVersions only applies to KV version 2 mounts; remove it or set version: 2$/ },
  { title: "a KV version 3", mutate: (c) => { c["vault-platform:mounts"][0].version = 3; }, message: /^vault-platform:mounts\[0\]\.version must be 1 or 2 \(the KV secrets engine version\) \(got 3\)$/ },
  { title: "a duplicate mount", mutate: (c) => { c["vault-platform:mounts"][1].path = "kv"; c["vault-platform:mounts"][1].version = 1; delete c["vault-platform:mounts"][1].maxVersions; }, message: /^vault-platform:mounts declares path "kv" twice/ },
  { title: "a mount inside another", mutate: (c) => { c["vault-platform:mounts"].push({ path: "secret/team", version: 1 }); }, message: /^vault-platform:mounts declares "secret\/team" inside mount "secret"; Vault refuses a mount in another \("path is already in use at secret\/"\): use a sibling path such as secret-team$/ },
  { title: "a mount declared before the mount around it", mutate: (c) => { c["vault-platform:mounts"].push({ path: "team/a/b", version: 1 }, { path: "team", version: 2 }); }, message: /^vault-platform:mounts declares "team\/a\/b" inside mount "team"; .* such as team-a-b$/ },
  { title: "a mount at Vault's sys/", mutate: (c) => { c["vault-platform:mounts"][0].path = "sys"; }, message: /^vault-platform:mounts\[0\]\.path is Vault's own \(sys\/, auth\/, identity\/, cubbyhole\/, audit\/ and below cannot be mounted\); choose another path such as kv \(got "sys"\)$/ },
  { title: "a mount under auth/", mutate: (c) => { c["vault-platform:mounts"][0].path = "auth/kv"; }, message: /^vault-platform:mounts\[0\]\.path is Vault's own/ },
  { title: "a mount path with a slash at the end", mutate: (c) => { c["vault-platform:mounts"][0].path = "kv/"; }, message: /^vault-platform:mounts\[0\]\.path must be a mount path such as kv or team\/secrets/ },
  { title: "configure on without a token", mutate: (c) => { delete c["vault-platform:vaultToken"]; }, env: {}, message: /^vault-platform:vaultToken is required when vault-platform:vault\.configure is true: set it with `pulumi config set --secret vault-platform:vaultToken/ },
  { title: "an upper-case consumer name", mutate: (c) => { consumer(c, "kes").name = "KES"; }, message: /^vault-platform:consumers\[1\] \(KES\)\.name must be lowercase DNS-style/ },
  { title: "a TTL and a period on one token", mutate: (c) => { consumer(c, "apisix").token.period = "24h"; }, message: /^vault-platform:consumers\[0\] \(apisix\)\.token\.period and ttl are exclusive/ },
  { title: "an APISIX client without a token binding", mutate: (c) => { const apisix = consumer(c, "apisix"); delete apisix.token; apisix.approle = {}; }, message: /^vault-platform:consumers\[0\] \(apisix\)\.client\.kind needs a token binding \(that is how apisix authenticates to Vault\)/ },
  { title: "a client on an undeclared mount", mutate: (c) => { consumer(c, "kes").client.mount = "kms"; }, message: /^vault-platform:consumers\[1\] \(kes\)\.client\.mount "kms" is not a declared mount/ },
  { title: "a kubernetes consumer with kubernetes off", mutate: (c) => { c["vault-platform:kubernetes"].enabled = false; }, message: /^vault-platform:consumers\[2\] \(my-app\)\.kubernetes needs vault-platform:kubernetes\.enabled true/ },
  { title: "kubernetes without a host", mutate: (c) => { delete c["vault-platform:kubernetes"].host; }, message: /^vault-platform:kubernetes\.host is required when kubernetes\.enabled is true/ },
  { title: "a misspelt consumer key", mutate: (c) => { consumer(c, "kes").approle.tokenPeriods = "5m"; }, message: /^vault-platform:consumers\[1\] \(kes\)\.approle has unknown key "tokenPeriods" \(did you mean "tokenPeriod"\?\)/ },
  { title: "a malformed expectation", mutate: (c) => { consumer(c, "kes").expect.allow = ["kv/kes/key-1 read"]; }, message: /^vault-platform:consumers\[1\] \(kes\)\.expect\.allow\[0\] must be "<capability> <path>"/ },
  { title: "a bad AppRole CIDR", mutate: (c) => { consumer(c, "kes").approle.cidrs = ["10.0.0.0/40"]; }, message: /^vault-platform:consumers\[1\] \(kes\)\.approle\.cidrs\[0\] must be an IPv4 CIDR/ },
  { title: "a relative audit path", mutate: (c) => { c["vault-platform:audit"] = { path: "audit.log" }; }, message: /^vault-platform:audit\.path must be a file in \/var\/log\/vault\// },
  { title: "an audit path outside /var/log/vault", mutate: (c) => { c["vault-platform:audit"] = { path: "/etc/cron.d/audit" }; }, message: /^vault-platform:audit\.path must be a file in \/var\/log\/vault\// },
  { title: "an audit path that would inject a logrotate directive", mutate: (c) => { c["vault-platform:audit"] = { path: "/var/log/vault/a {\n  firstaction\n    touch /tmp/pwned\n  endscript\n}\n/var/log/vault/b" }; }, message: /^vault-platform:audit\.path must be a file in \/var\/log\/vault\// },
  { title: "an audit collector without a port", mutate: (c) => { c["vault-platform:audit"] = { socket: { address: "logs.internal" } }; }, message: /^vault-platform:audit\.socket\.address must be "host:port" of the collector/ },
  { title: "an audit path with a space", mutate: (c) => { c["vault-platform:audit"] = { path: "/var/log/vault/audit log" }; }, message: /^vault-platform:audit\.path must be a file in \/var\/log\/vault\// },
  { title: "an audit path climbing out", mutate: (c) => { c["vault-platform:audit"] = { path: "/var/log/vault/../../../etc/passwd" }; }, message: /^vault-platform:audit\.path must be a file in \/var\/log\/vault\// },
  { title: "an external Vault without an address", mutate: (c) => { c["vault-platform:cluster"] = { enabled: false }; }, message: /^vault-platform:vault\.address is required when cluster\.enabled is false/ },
  { title: "an http Vault address", mutate: (c) => { c["vault-platform:vault"].address = "http://vault:8200"; }, message: /^vault-platform:vault\.address must be an https:\/\/ URL/ },
];

const auth = (config: Config) => config["vault-platform:auth"];

/** Invalid people's login declarations, from the dev declarations with LDAP and OIDC (test/fixtures.ts devWithPeople). */
export const AUTH_CASES: InvalidCase[] = [
  { title: "an ldap:// directory without StartTLS", mutate: (c) => { auth(c).ldap.url = "ldap://ldap.example.org"; }, message: /^vault-platform:auth\.ldap\.url sends passwords in clear; use ldaps:\/\/ or set startTls: true \(got "ldap:\/\/ldap\.example\.org"\)$/ },
  { title: "a directory group naming a missing policy file", mutate: (c) => { auth(c).ldap.groups[0].policies = ["operatorz"]; }, message: /^vault-platform:auth\.ldap\.groups\[0\]\.policies\[0\] policies\/operatorz\.hcl: no such policy file; available: .*\boperators\b/ },
  { title: "an OIDC role naming a missing policy file", mutate: (c) => { auth(c).oidc.roles[0].policies = ["admins"]; }, message: /^vault-platform:auth\.oidc\.roles\[0\]\.policies\[0\] policies\/admins\.hcl: no such policy file/ },
  { title: "a directory group given a consumer's policy", mutate: (c) => { auth(c).ldap.groups[0].policies = ["apisix"]; }, message: /^vault-platform:auth\.ldap\.groups\[0\]\.policies\[0\] "apisix" is also a consumer's policy; people and services get separate policy files$/ },
  { title: "an OIDC default role that is not declared", mutate: (c) => { auth(c).oidc.defaultRole = "admins"; }, message: /^vault-platform:auth\.oidc\.defaultRole is not one of the declared roles \(operators\) \(got "admins"\)$/ },
  { title: "a missing bind password", mutate: (c) => { delete c["vault-platform:secrets"].ldapBindPassword; }, message: /^vault-platform:auth\.ldap\.bindPasswordSecret names "ldapBindPassword", which vault-platform:secrets does not hold; set it with `pulumi config set --secret --path 'vault-platform:secrets\.ldapBindPassword' <value>`$/ },
  { title: "a missing client secret", mutate: (c) => { delete c["vault-platform:secrets"].oidcClientSecret; }, message: /^vault-platform:auth\.oidc\.clientSecretSecret names "oidcClientSecret", which vault-platform:secrets does not hold/ },
  { title: "a directory CA file that is not there", mutate: (c) => { auth(c).ldap.caCertFile = "certs/nope.pem"; }, message: /^vault-platform:auth\.ldap\.caCertFile: cannot read certs\/nope\.pem \(ENOENT\); point it at the directory's CA certificate/ },
  { title: "an identity provider CA file that is not there", mutate: (c) => { auth(c).oidc.caCertFile = "certs/idp.pem"; }, message: /^vault-platform:auth\.oidc\.caCertFile: cannot read certs\/idp\.pem \(ENOENT\); point it at the identity provider's CA certificate/ },
  { title: "an OIDC scope with a space", mutate: (c) => { auth(c).oidc.roles[0].scopes = ["email groups"]; }, message: /^vault-platform:auth\.oidc\.roles\[0\]\.scopes\[0\] must be one scope name \(no spaces, quotes or backslashes\)/ },
  { title: "a directory CA file without a certificate", mutate: (c) => { auth(c).ldap.caCertFile = "README.md"; }, message: /^vault-platform:auth\.ldap\.caCertFile: README\.md does not hold a PEM certificate$/ },
  { title: "a bound claim listing two values", mutate: (c) => { auth(c).oidc.roles[0].boundClaims = { groups: "a,b" }; }, message: /^vault-platform:auth\.oidc\.roles\[0\]\.boundClaims\.groups must be one value without commas \(the provider joins a list's values into one\); declare a role per value/ },
  { title: "an OIDC role bound to no claim", mutate: (c) => { auth(c).oidc.roles[0].boundClaims = {}; }, message: /^vault-platform:auth\.oidc\.roles\[0\]\.boundClaims must bind at least one claim/ },
  { title: "an http:// identity provider", mutate: (c) => { auth(c).oidc.discoveryUrl = "http://idp.example.org"; }, message: /^vault-platform:auth\.oidc\.discoveryUrl must be the https:\/\/ issuer URL of the identity provider/ },
  { title: "a directory with no group mapped", mutate: (c) => { auth(c).ldap.groups = []; }, message: /^vault-platform:auth\.ldap\.groups must map at least one directory group to policies/ },
  { title: "a misspelt LDAP key", mutate: (c) => { auth(c).ldap.groupDN = "ou=groups,dc=example,dc=org"; }, message: /^vault-platform:auth\.ldap has unknown key "groupDN" \(did you mean "groupDn"\?\)/ },
];
