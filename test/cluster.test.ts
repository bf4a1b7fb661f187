import { strict as assert } from "assert";
import { parseHcl } from "../acl/hcl";
import { AWS_TYPES, TLS_TYPES } from "../components/resourceTypes";
import { HA_LOCK_TIMING, HEALTH_CHECK_TIMING, worstCaseFailoverSeconds } from "../components/cluster/loadBalancer";
import { carveSubnets, SSM_ENDPOINT_SERVICES } from "../components/cluster/network";
import { amazonLinuxImageParameter, refreshCheckpoints } from "../components/cluster/nodes";
import { renderCloudConfig } from "../components/cluster/userData";
import { STORAGE_ACTIONS } from "../components/cluster/storage";
import { renderedVaultConfig } from "../scripts/planReport";
import { computedState, ProgramRun, isSecretInput, runProgram, unwrapSecret } from "../offline/runtime";
import { encodeConfig, stackConfig } from "../config";
import { ofType, onlyOfType } from "./programRun";
import { decodeConfig } from "./fixtures";

/** The seal key's ARN as the mock runtime computes it, in the form KMS gives (…:key/<uuid>). */
const SEAL_KEY_ARN = computedState(AWS_TYPES.kmsKey, "vault-seal-key", {}).arn;

for (const [stack, expected] of [
  ["dev", { nodes: 2, zones: ["eu-west-1a", "eu-west-1b"], health: "/v1/sys/health?standbyok=true", nats: 1, failover: 20 }],
  ["prod", { nodes: 3, zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], health: "/v1/sys/health", nats: 3, failover: 36 }],
] as const) {
  describe(`cluster: the ${stack} stack`, () => {
    let run: ProgramRun;
    before(async () => {
      run = await runProgram(stackConfig(stack), stack);
    });

    it("stores data in a DynamoDB table with the schema Vault expects", () => {
      const table = onlyOfType(run, AWS_TYPES.table).inputs;
      assert.equal(table.hashKey, "Path");
      assert.equal(table.rangeKey, "Key");
      assert.deepEqual(table.attributes, [{ name: "Path", type: "S" }, { name: "Key", type: "S" }]);
      assert.equal(table.billingMode, "PAY_PER_REQUEST");
      assert.deepEqual(table.pointInTimeRecovery, { enabled: true });
      assert.deepEqual(table.serverSideEncryption, { enabled: true });
      assert.equal(table.deletionProtectionEnabled, true);
    });

    it("protects the table and the seal key from deletion", () => {
      assert.equal(onlyOfType(run, AWS_TYPES.table).protect, true);
      assert.equal(onlyOfType(run, AWS_TYPES.kmsKey).protect, true);
    });

    it("rotates the seal key, with a 30-day deletion window and a policy naming the node role", () => {
      const key = onlyOfType(run, AWS_TYPES.kmsKey).inputs;
      assert.equal(key.enableKeyRotation, true);
      assert.equal(key.deletionWindowInDays, 30);
      const policy = JSON.parse(key.policy);
      const nodeStatement = policy.Statement.find((statement: any) => statement.Sid === "VaultNodesUnseal");
      assert.equal(nodeStatement.Principal.AWS, "arn:aws:iam::123456789012:role/vault-identity-role");
      assert.deepEqual(nodeStatement.Action, ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]);
      const admin = policy.Statement.find((statement: any) => statement.Sid === "AccountAdministers");
      assert.equal(admin.Principal.AWS, "arn:aws:iam::123456789012:root");
      assert.ok(admin.Action.includes("kms:PutKeyPolicy") && admin.Action.includes("kms:ScheduleKeyDeletion"), "the account can still manage the key");
    });

    it("lets only the node role use the seal key for cryptography", () => {
      const policy = JSON.parse(onlyOfType(run, AWS_TYPES.kmsKey).inputs.policy);
      const matches = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i").test(action);
      const crypto = ["kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant"];
      for (const action of crypto) {
        const allowedBy = policy.Statement.filter((statement: any) => statement.Effect === "Allow" && [statement.Action].flat().some((pattern: string) => matches(pattern, action)));
        assert.ok(allowedBy.every((statement: any) => statement.Sid === "VaultNodesUnseal"), `${action} is allowed by ${allowedBy.map((statement: any) => statement.Sid).join(", ")}`);
      }
    });

    it("scopes every IAM statement of the nodes to one resource, or by condition to its own group and its own metrics namespace", () => {
      const document = JSON.parse(ofType(run, AWS_TYPES.rolePolicy).find((policy) => policy.name.endsWith("-data-plane"))!.inputs.policy);
      const bySid = Object.fromEntries(document.Statement.map((statement: any) => [statement.Sid, statement]));
      assert.deepEqual(Object.keys(bySid).sort(), ["FindOwnGroup", "LeaveCleanly", "PublishMetrics", "ReportOwnHealth", "ShipAuditLog", "VaultSeal", "VaultStorage", "VaultTlsBundle"]);
      const group = onlyOfType(run, AWS_TYPES.autoScalingGroup).inputs;
      const ownGroup = { StringEquals: { "autoscaling:ResourceTag/Name": group.tags.find((tag: any) => tag.key === "Name").value } };
      // These calls take no group ARN before the group exists (or none at all): Resource "*", narrowed by a condition where one applies.
      assert.deepEqual(
        ["ReportOwnHealth", "LeaveCleanly", "FindOwnGroup", "PublishMetrics"].map((sid) => [sid, bySid[sid].Action, bySid[sid].Resource, bySid[sid].Condition]),
        [
          ["ReportOwnHealth", ["autoscaling:SetInstanceHealth"], "*", ownGroup],
          ["LeaveCleanly", ["autoscaling:CompleteLifecycleAction"], "*", ownGroup],
          ["FindOwnGroup", ["autoscaling:DescribeAutoScalingInstances"], "*", undefined],
          ["PublishMetrics", ["cloudwatch:PutMetricData"], "*", { StringEquals: { "cloudwatch:namespace": `VaultPlatform/vault-${stack}` } }],
        ],
      );
      const logGroup = `arn:aws:logs:eu-west-1:123456789012:log-group:/vault-platform/vault-${stack}/audit`;
      assert.deepEqual([bySid.ShipAuditLog.Action, bySid.ShipAuditLog.Resource], [
        ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], [logGroup, `${logGroup}:log-stream:*`],
      ]);
      for (const sid of ["ReportOwnHealth", "LeaveCleanly", "FindOwnGroup", "PublishMetrics", "ShipAuditLog"]) delete bySid[sid];
      document.Statement = Object.values(bySid);
      assert.deepEqual(bySid.VaultStorage.Action, STORAGE_ACTIONS);
      assert.deepEqual([...STORAGE_ACTIONS].sort(), ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"]);
      assert.equal(bySid.VaultStorage.Resource, "arn:aws:dynamodb:eu-west-1:123456789012:vault-storage-table");
      assert.deepEqual(bySid.VaultSeal.Action, ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]);
      assert.equal(bySid.VaultSeal.Resource, SEAL_KEY_ARN);
      assert.deepEqual(bySid.VaultTlsBundle.Action, ["secretsmanager:GetSecretValue"]);
      assert.equal(bySid.VaultTlsBundle.Resource, "arn:aws:secretsmanager:eu-west-1:123456789012:vault-tls-bundle");
      for (const statement of document.Statement) {
        assert.notEqual(statement.Resource, "*");
        assert.ok(!statement.Action.includes("*"));
      }
    });

    it("lets only the node role and the deployers read the TLS bundle, with the policy in place before the bundle", () => {
      const readers = onlyOfType(run, AWS_TYPES.secretPolicy);
      assert.equal(readers.inputs.secretArn, "arn:aws:secretsmanager:eu-west-1:123456789012:vault-tls-bundle");
      assert.equal(readers.inputs.blockPublicPolicy, true);
      assert.deepEqual(JSON.parse(readers.inputs.policy).Statement, [{
        Sid: "OnlyNodesAndDeployersRead", Effect: "Deny", Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*",
        Condition: { ArnNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::123456789012:role/vault-identity-role", `arn:aws:iam::123456789012:role/vault-platform-${stack}-deploy`] } },
      }]);
      assert.ok(onlyOfType(run, AWS_TYPES.secretVersion).dependencies.includes(readers.urn), "the bundle is written before its policy exists");
    });

    it("gives operators SSM Session Manager, and the nodes an EC2-only trust policy", () => {
      const nodeRole = ofType(run, AWS_TYPES.role).filter((role) => role.name === "vault-identity-role");
      assert.equal(nodeRole.length, 1);
      const attached = ofType(run, AWS_TYPES.rolePolicyAttachment).filter((attachment) => attachment.parent === nodeRole[0].parent);
      assert.deepEqual(attached.map((attachment) => attachment.inputs.policyArn), ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
      const trust = JSON.parse(nodeRole[0].inputs.assumeRolePolicy);
      assert.deepEqual(trust.Statement, [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
      assert.equal(ofType(run, "aws:iam/accessKey:AccessKey").length, 0);
    });

    it("launches hardened nodes: IMDSv2 required, encrypted root volume, no public IP, AL2023", () => {
      const template = onlyOfType(run, AWS_TYPES.launchTemplate).inputs;
      assert.equal(template.metadataOptions.httpTokens, "required");
      assert.equal(template.metadataOptions.httpPutResponseHopLimit, 1);
      assert.equal(template.blockDeviceMappings[0].ebs.encrypted, "true");
      assert.equal(template.networkInterfaces[0].associatePublicIpAddress, "false");
      assert.match(template.imageId, /^resolve:ssm:\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-default-/);
      assert.ok(template.iamInstanceProfile.arn);
      assert.equal(template.keyName, undefined, "no SSH key: operators use SSM");
    });

    it(`runs ${expected.nodes} nodes in an Auto Scaling group with EC2 health and instance refresh`, () => {
      const group = onlyOfType(run, AWS_TYPES.autoScalingGroup).inputs;
      assert.equal(group.minSize, expected.nodes);
      assert.equal(group.maxSize, expected.nodes);
      assert.equal(group.desiredCapacity, expected.nodes);
      assert.equal(group.healthCheckType, "EC2");
      assert.equal(group.instanceRefresh.strategy, "Rolling");
      assert.equal(group.vpcZoneIdentifiers.length, expected.zones.length);
    });

    it(`puts one private subnet in each of ${expected.zones.length} zones`, () => {
      const privateSubnets = ofType(run, AWS_TYPES.subnet).filter((subnet) => subnet.name.includes("-private-"));
      assert.deepEqual(privateSubnets.map((subnet) => subnet.inputs.availabilityZone).sort(), [...expected.zones]);
      assert.ok(ofType(run, AWS_TYPES.subnet).every((subnet) => subnet.inputs.mapPublicIpOnLaunch === false));
      assert.equal(ofType(run, AWS_TYPES.natGateway).length, expected.nats);
    });

    it(`health-checks ${expected.health} over HTTPS behind an internal NLB on 8200`, () => {
      const balancer = onlyOfType(run, AWS_TYPES.loadBalancer).inputs;
      assert.equal(balancer.internal, true);
      assert.equal(balancer.loadBalancerType, "network");
      assert.equal(balancer.subnets.length, expected.zones.length);
      const health = onlyOfType(run, AWS_TYPES.targetGroup).inputs.healthCheck;
      assert.equal(health.protocol, "HTTPS");
      assert.equal(health.path, expected.health);
      assert.equal(health.matcher, "200");
      const listener = onlyOfType(run, AWS_TYPES.listener).inputs;
      assert.equal(listener.port, 8200);
      assert.equal(listener.protocol, "TCP", "TLS passes through to Vault");
    });

    it("opens no ingress to the world and describes every rule", () => {
      const rules = [...ofType(run, AWS_TYPES.ingressRule), ...ofType(run, AWS_TYPES.egressRule)];
      assert.ok(rules.length >= 7);
      for (const rule of rules) assert.ok(rule.inputs.description?.length > 10, `${rule.name} has no description`);
      for (const rule of ofType(run, AWS_TYPES.ingressRule)) {
        assert.ok(!["0.0.0.0/0", "::/0"].includes(rule.inputs.cidrIpv4 ?? rule.inputs.cidrIpv6), `${rule.name} is open to the world`);
      }
      const nodePorts = ofType(run, AWS_TYPES.ingressRule).filter((rule) => rule.name.startsWith("vault-firewall-nodes")).map((rule) => rule.inputs.fromPort);
      assert.deepEqual(nodePorts.sort(), [8200, 8200, 8201]);
    });

    it("issues a server certificate for the load balancer name, localhost and 127.0.0.1", () => {
      const request = onlyOfType(run, TLS_TYPES.certRequest).inputs;
      assert.ok(request.dnsNames.includes("vault-lb-nlb-0123.elb.eu-west-1.amazonaws.com"));
      assert.ok(request.dnsNames.includes("localhost"));
      assert.deepEqual(request.ipAddresses, ["127.0.0.1"]);
    });

    it("ships the TLS bundle through Secrets Manager and the user-data renders the stack's values", () => {
      const bundle = onlyOfType(run, AWS_TYPES.secretVersion).inputs.secretString;
      assert.ok(isSecretInput(bundle), "the TLS bundle must reach the engine as a secret");
      assert.match(unwrapSecret(bundle), /privateKey/);
      assert.doesNotMatch(Buffer.from(onlyOfType(run, AWS_TYPES.launchTemplate).inputs.userData, "base64").toString("utf8"), /PRIVATE KEY/);
      const parsed = parseHcl(renderedVaultConfig(run.registrations)!, "vault.hcl");
      assert.equal(parsed.storage[0].dynamodb[0].table, "vault-storage-table-abc123");
      assert.equal(parsed.seal[0].awskms[0].kms_key_id, SEAL_KEY_ARN);
    });

    it("pins the TLS bundle's version in the user-data, so a renewed certificate is a new launch template the instance refresh rolls out", () => {
      const version = onlyOfType(run, AWS_TYPES.secretVersion);
      const versionId = computedState(version.type, version.name, version.inputs).versionId;
      const userData = Buffer.from(onlyOfType(run, AWS_TYPES.launchTemplate).inputs.userData, "base64").toString("utf8");
      assert.match(userData, new RegExp(`--version-id '${versionId}'`));
      const params = { region: "eu-west-1", tableName: "t", kmsKeyId: "k", tlsSecretArn: "arn:s", vaultVersion: "1.21.1", auditLogPath: "/var/log/vault/audit.log", namespace: "VaultPlatform/vault-dev", auditLogGroupName: "/vault-platform/vault-dev/audit" };
      assert.notEqual(renderCloudConfig({ ...params, tlsSecretVersionId: "v1" }), renderCloudConfig({ ...params, tlsSecretVersionId: "v2" }));
      const group = onlyOfType(run, AWS_TYPES.autoScalingGroup).inputs;
      assert.equal(group.instanceRefresh.strategy, "Rolling");
      // Every healthy node stays in service until its replacement is up; a failing new node rolls the refresh back.
      assert.deepEqual(
        { min: group.instanceRefresh.preferences.minHealthyPercentage, max: group.instanceRefresh.preferences.maxHealthyPercentage, rollback: group.instanceRefresh.preferences.autoRollback },
        { min: 100, max: 200, rollback: true },
      );
      assert.deepEqual(group.instanceRefresh.preferences.checkpointPercentages, refreshCheckpoints(expected.nodes));
      const template = onlyOfType(run, AWS_TYPES.launchTemplate);
      assert.equal(group.launchTemplate.version, String(computedState(template.type, template.name, template.inputs).latestVersion), "the group follows the template's latest version");
    });

    it("backs the table up daily with AWS Backup: the configured schedule and retention, into a protected vault", () => {
      const vault = onlyOfType(run, AWS_TYPES.backupVault);
      assert.equal(vault.protect, true);
      assert.equal(vault.inputs.forceDestroy, false);
      assert.equal(vault.inputs.kmsKeyArn, undefined, "encrypted with the account's aws/backup key");
      const plan = onlyOfType(run, AWS_TYPES.backupPlan).inputs;
      assert.equal(plan.rules.length, 1);
      const [rule] = plan.rules;
      assert.deepEqual(
        { schedule: rule.schedule, deleteAfter: rule.lifecycle.deleteAfter, vault: rule.targetVaultName },
        { schedule: "cron(0 3 * * ? *)", deleteAfter: 35, vault: computedState(vault.type, vault.name, vault.inputs).name },
      );
      assert.ok(rule.startWindow >= 60 && rule.completionWindow > rule.startWindow, "AWS needs at least 60 min to start and more to complete");
    });

    it("selects exactly the storage table, backed up by a role only AWS Backup assumes, with its two managed policies", () => {
      const selection = onlyOfType(run, AWS_TYPES.backupSelection);
      const table = onlyOfType(run, AWS_TYPES.table);
      assert.deepEqual(selection.inputs.resources, [computedState(table.type, table.name, table.inputs).arn]);
      assert.equal(selection.inputs.planId, `${onlyOfType(run, AWS_TYPES.backupPlan).name}-id`);
      const role = ofType(run, AWS_TYPES.role).find((candidate) => candidate.name === "vault-backup-role")!;
      assert.equal(selection.inputs.iamRoleArn, computedState(role.type, role.name, role.inputs).arn);
      assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement, [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }]);
      const attachments = ofType(run, AWS_TYPES.rolePolicyAttachment).filter((attachment) => attachment.inputs.role === computedState(role.type, role.name, role.inputs).name);
      assert.deepEqual(attachments.map((attachment) => attachment.inputs.policyArn).sort(), [
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
      ]);
      for (const attachment of attachments) assert.ok(selection.dependencies.includes(attachment.urn), "the selection waits for the role's policies");
      assert.equal(ofType(run, AWS_TYPES.rolePolicy).filter((policy) => policy.inputs.role === computedState(role.type, role.name, role.inputs).name).length, 0, "no inline grant beyond the managed policies");
    });

    it("exports the address, CA, key, table, backups, group and the worst-case failover time", () => {
      const outputs = run.resolved;
      assert.equal(outputs.backupVault, "vault-backup-vault-abc123");
      assert.equal(outputs.backupPlanId, "vault-backup-plan-id");
      assert.match(outputs.vaultAddress, /^https:\/\/.+:8200$/);
      assert.match(outputs.caCertificate, /BEGIN CERTIFICATE/);
      assert.equal(outputs.kmsKeyArn, SEAL_KEY_ARN);
      assert.equal(outputs.storageTable, "vault-storage-table-abc123");
      assert.equal(outputs.autoScalingGroup, "vault-nodes-asg-abc123");
      assert.equal(outputs.failoverSeconds, expected.failover);
    });

    it("creates every AWS resource with the explicit provider and every resource under a component", () => {
      for (const registration of run.registrations.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))) {
        assert.match(registration.provider, /pulumi:providers:(aws|tls)::/, `${registration.name} uses a default provider`);
        assert.match(registration.parent, /vault-platform:cluster:/, `${registration.name} has no component parent`);
      }
    });
  });
}

describe("cluster: pure helpers", () => {
  it("carves private and public subnets without overlap", () => {
    assert.deepEqual(carveSubnets("10.40.0.0/16", 3), {
      privateCidrs: ["10.40.0.0/20", "10.40.16.0/20", "10.40.32.0/20"],
      publicCidrs: ["10.40.128.0/20", "10.40.144.0/20", "10.40.160.0/20"],
    });
    assert.deepEqual(carveSubnets("192.168.4.0/24", 2).privateCidrs, ["192.168.4.0/28", "192.168.4.16/28"]);
  });

  it("computes the worst-case failover from the lock TTL and the health-check timing", () => {
    assert.deepEqual(HA_LOCK_TIMING, { ttlSeconds: 15, retrySeconds: 1 });
    assert.equal(worstCaseFailoverSeconds("active"), 15 + 1 + HEALTH_CHECK_TIMING.healthyThreshold * HEALTH_CHECK_TIMING.intervalSeconds);
    assert.equal(worstCaseFailoverSeconds("unsealed", { ...HEALTH_CHECK_TIMING, unhealthyThreshold: 3, intervalSeconds: 30 }), 90);
    assert.equal(worstCaseFailoverSeconds("unsealed", { ...HEALTH_CHECK_TIMING, unhealthyThreshold: 2, intervalSeconds: 5 }), 16);
  });

  it("picks the arm64 image for Graviton types and x86_64 otherwise", () => {
    assert.match(amazonLinuxImageParameter("t4g.small"), /arm64$/);
    assert.match(amazonLinuxImageParameter("m7gd.large"), /arm64$/);
    assert.match(amazonLinuxImageParameter("m6i.large"), /x86_64$/);
    assert.match(amazonLinuxImageParameter("t3.small"), /x86_64$/);
  });

  it("refreshes one node at a time: a checkpoint after each replaced node", () => {
    assert.deepEqual(refreshCheckpoints(2), [50, 100]);
    assert.deepEqual(refreshCheckpoints(3), [34, 67, 100]);
    assert.deepEqual(refreshCheckpoints(5), [20, 40, 60, 80, 100]);
  });
});

describe("cluster: an existing network", () => {
  it("uses the given VPC and subnets and creates no network", async () => {
    const config = stackConfig("dev");
    const cluster = JSON.parse(config["vault-platform:cluster"]);
    delete cluster.vpcCidr;
    Object.assign(cluster, { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] });
    const run = await runProgram({ ...config, ...encodeConfig({ "vault-platform:cluster": cluster }) });
    assert.equal(ofType(run, AWS_TYPES.vpc).length, 0);
    assert.equal(ofType(run, AWS_TYPES.subnet).length, 0);
    assert.deepEqual(onlyOfType(run, AWS_TYPES.autoScalingGroup).inputs.vpcZoneIdentifiers, cluster.subnetIds);
    assert.equal(onlyOfType(run, AWS_TYPES.targetGroup).inputs.vpcId, "vpc-0123456789abcdef0");
  });
});

describe("cluster: backups and a restored table", () => {
  it("takes the backup schedule and retention from config", async () => {
    const config = decodeConfig(stackConfig("dev"));
    config["vault-platform:cluster"].backup = { schedule: "cron(30 1 ? * SUN *)", retentionDays: 90 };
    const [rule] = onlyOfType(await runProgram(encodeConfig(config), "dev"), AWS_TYPES.backupPlan).inputs.rules;
    assert.deepEqual([rule.schedule, rule.lifecycle.deleteAfter], ["cron(30 1 ? * SUN *)", 90]);
  });

  it("storageTableName points the nodes, their grants and the backups at the restored table, and keeps the program's table as it is", async () => {
    const config = decodeConfig(stackConfig("dev"));
    const before = await runProgram(encodeConfig(config), "dev");
    config["vault-platform:cluster"].storageTableName = "vault-dev-restored-20261205";
    const run = await runProgram(encodeConfig(config), "dev");
    const restoredArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/vault-dev-restored-20261205";
    const table = onlyOfType(run, AWS_TYPES.table);
    assert.deepEqual([table.urn, table.inputs, table.protect], [onlyOfType(before, AWS_TYPES.table).urn, onlyOfType(before, AWS_TYPES.table).inputs, true], "the program's table is unchanged and still protected");
    assert.equal(parseHcl(renderedVaultConfig(run.registrations)!, "vault.hcl").storage[0].dynamodb[0].table, "vault-dev-restored-20261205");
    const document = JSON.parse(ofType(run, AWS_TYPES.rolePolicy).find((policy) => policy.name.endsWith("-data-plane"))!.inputs.policy);
    assert.equal(document.Statement.find((statement: any) => statement.Sid === "VaultStorage").Resource, restoredArn);
    assert.deepEqual(onlyOfType(run, AWS_TYPES.backupSelection).inputs.resources, [restoredArn]);
    assert.equal(run.resolved.storageTable, "vault-dev-restored-20261205");
  });
});

describe("cluster: a domain", () => {
  it("adds the domain to the certificate and the address", async () => {
    const run = await runProgram(stackConfig("prod"), "prod");
    assert.ok(onlyOfType(run, TLS_TYPES.certRequest).inputs.dnsNames.includes("vault.example.internal"));
    assert.equal(run.resolved.vaultAddress, "https://vault.example.internal:8200");
  });
});

describe("cluster: Kubernetes auth needs the API server", () => {
  const kubernetesEgress = (run: ProgramRun) => ofType(run, AWS_TYPES.egressRule).filter((rule) => rule.name.startsWith("vault-firewall-nodes-kubernetes-api"));

  it("opens the nodes' egress to the API server's port (dev: 6443) for TokenReview, to the configured networks", async () => {
    const config = decodeConfig(stackConfig("dev"));
    config["vault-platform:kubernetes"] = { ...config["vault-platform:kubernetes"], apiServerCidrs: ["10.60.0.0/16", "10.61.0.0/16"] };
    const rules = kubernetesEgress(await runProgram(encodeConfig(config), "dev"));
    assert.deepEqual(rules.map((rule) => [rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.cidrIpv4]), [[6443, 6443, "10.60.0.0/16"], [6443, 6443, "10.61.0.0/16"]]);
    for (const rule of rules) assert.match(rule.inputs.description, /TokenReview/);
  });

  it("adds nothing for an API server on 443 (the HTTPS rule covers it) or without Kubernetes auth (prod)", async () => {
    const config = decodeConfig(stackConfig("dev"));
    config["vault-platform:kubernetes"] = { ...config["vault-platform:kubernetes"], host: "https://kubernetes.dev.example.internal" };
    assert.deepEqual(kubernetesEgress(await runProgram(encodeConfig(config), "dev")), []);
    assert.deepEqual(kubernetesEgress(await runProgram(stackConfig("prod"), "prod")), []);
  });
});

describe("cluster: SSM Session Manager's path", () => {
  const interfaceEndpoints = (run: ProgramRun) => ofType(run, AWS_TYPES.vpcEndpoint).filter((endpoint) => endpoint.inputs.vpcEndpointType === "Interface");
  const withSsmEndpoints = (stack: string, ssmEndpoints: boolean) => {
    const config = decodeConfig(stackConfig(stack));
    config["vault-platform:cluster"] = { ...config["vault-platform:cluster"], ssmEndpoints };
    return runProgram(encodeConfig(config), stack);
  };

  it("reaches SSM through the NAT by default: interface endpoints for KMS and Secrets Manager only, and the managed SSM policy on the node role", async () => {
    const run = await runProgram(stackConfig("prod"), "prod");
    assert.deepEqual(interfaceEndpoints(run).map((endpoint) => endpoint.inputs.serviceName).sort(), ["com.amazonaws.eu-west-1.kms", "com.amazonaws.eu-west-1.secretsmanager"]);
    const nodeRole = onlyOfType(run, AWS_TYPES.instanceProfile).inputs.role;
    const nodeRolePolicies = ofType(run, AWS_TYPES.rolePolicyAttachment).filter((attachment) => attachment.inputs.role === nodeRole);
    assert.deepEqual(nodeRolePolicies.map((attachment) => attachment.inputs.policyArn), ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
  });

  it("with ssmEndpoints, adds ssm, ssmmessages and ec2messages endpoints in every private subnet, with private DNS and the endpoints' security group", async () => {
    const run = await withSsmEndpoints("prod", true);
    const byService = new Map(interfaceEndpoints(run).map((endpoint) => [endpoint.inputs.serviceName.split(".").pop(), endpoint.inputs]));
    assert.deepEqual([...byService.keys()].sort(), ["ec2messages", "kms", "secretsmanager", "ssm", "ssmmessages"]);
    const kms = byService.get("kms")!;
    for (const service of SSM_ENDPOINT_SERVICES) {
      const endpoint = byService.get(service)!;
      assert.equal(endpoint.serviceName, `com.amazonaws.eu-west-1.${service}`);
      assert.equal(endpoint.privateDnsEnabled, true, `${service} needs private DNS, so the agent's usual host name resolves to it`);
      assert.equal(endpoint.subnetIds.length, 3, `${service} has an interface in each zone`);
      assert.deepEqual(endpoint.subnetIds, kms.subnetIds);
      assert.deepEqual(endpoint.securityGroupIds, kms.securityGroupIds);
    }
  });

  it("leaves the existing endpoints' names as they were, so turning it on adds and replaces nothing", async () => {
    const names = (run: ProgramRun) => interfaceEndpoints(run).map((endpoint) => endpoint.name);
    const before = names(await withSsmEndpoints("dev", false));
    const after = names(await withSsmEndpoints("dev", true));
    assert.deepEqual(after.filter((name) => before.includes(name)), before);
    assert.equal(after.length, before.length + SSM_ENDPOINT_SERVICES.length);
  });
});
