/**
 * The AWS secrets engine through the real engine (localUp: the Pulumi CLI, the Vault provider stand-in, a
 * real Vault with the generated provisioner policy) against the fake IAM and STS of ./fakeIam.ts (moto
 * cannot be installed here: PyPI is out of reach). The consumer granted the role reads IAM credentials with
 * its own token; the fake accepts the issued key on a signed request and refuses an unknown one; revoking
 * the lease deletes the IAM user; another consumer gets 403; an assumed role's STS credentials work with
 * their session token; the provisioner's pins hold on the real server.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { ConfigKey } from "../../config";
import { engineLayout, stateFile } from "../../local/engine";
import { LOCAL_STACK, localDown, LocalUp, localUp } from "../../local/localStack";
import { localLayout } from "../../local/localServers";
import { vaultCall, vaultRequest } from "../../local/vaultHttp";
import { AwsCredentials, FakeIam, signedQuery } from "./fakeIam";
import { localStackRun, provisionerLogin } from "./localStackRun";

const PASSPHRASE = "live-aws-passphrase";
const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const ROOT: AwsCredentials = { accessKeyId: "AKIAVAULTLIVEROOT001", secretAccessKey: `live-root-${Date.now()}-secret-key-value` };
const READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const DEPLOY_ROLE = `arn:aws:iam::${ACCOUNT}:role/deploy`;

describe("live: the AWS secrets engine (fake IAM and STS) through the Pulumi engine", function () {
  let root: string;
  let iam: FakeIam;
  let iamEndpoint: string;
  let up: LocalUp;
  let overrides: Partial<Record<ConfigKey, unknown>>;
  const observed: Record<string, string> = {};
  const endpoint = () => up.servers.vault.endpoint;
  const asRoot = () => ({ token: up.servers.vault.rootToken });
  const consumerToken = (name: string) => ({ token: (up.outputs.tokens?.value as Record<string, string>)[name] });
  const awsSteps = (result: LocalUp) => result.steps.filter((step) => step.name.startsWith("vault-config-aws-")).map((step) => `${step.op} ${step.name}`).sort();
  const whoAmI = (credentials: AwsCredentials) => signedQuery(iamEndpoint, "sts", REGION, credentials, { Action: "GetCallerIdentity", Version: "2011-06-15" });
  const credentialsOf = (body: any): AwsCredentials => ({ accessKeyId: body.data.access_key, secretAccessKey: body.data.secret_key, sessionToken: body.data.security_token ?? undefined });

  before(async function () {
    this.timeout(300_000);
    iam = new FakeIam({ account: ACCOUNT, root: ROOT, roleArns: [DEPLOY_ROLE] });
    iamEndpoint = await iam.start();
    const run = await localStackRun("aws-stack");
    root = run.root;
    overrides = {
      ...run.overrides,
      mounts: [{ path: "kv", version: 1 }],
      consumers: [
        { name: "builds", policy: "tenant", token: { ttl: "1h" }, grants: { aws: ["reader", "deployer"] } },
        { name: "billing", policy: "tenant", token: { ttl: "1h" } },
      ],
      engines: {
        aws: {
          region: REGION, accessKey: { id: ROOT.accessKeyId, secretKeySecret: "awsRoot" }, iamEndpoint, stsEndpoint: iamEndpoint, leaseTtl: "10m", maxLeaseTtl: "1h",
          roles: [
            { name: "reader", credentialType: "iam_user", policyArns: [READ_ONLY] },
            { name: "deployer", credentialType: "assumed_role", roleArns: [DEPLOY_ROLE], defaultStsTtl: "15m", maxStsTtl: "1h" },
          ],
        },
      },
      secrets: { awsRoot: ROOT.secretAccessKey },
    };
    up = await localUp({ root, passphrase: PASSPHRASE, overrides });
    observed.firstUp = `${up.seconds.toFixed(1)} s (${up.steps.length} resources, ${awsSteps(up).length} of the engine)`;
  });

  after(async function () {
    this.timeout(60_000);
    if (root) await localDown(root);
    if (iam) await iam.stop();
    console.log(`AWS engine: ${Object.entries(observed).map(([key, value]) => `${key}: ${value}`).join("; ") || "nothing measured"}; fake IAM answered ${iam?.requests.length ?? 0} requests`);
  });

  it("created the mount with its root configuration and both roles, with the provisioner's token", () => {
    assert.deepEqual(awsSteps(up), ["create vault-config-aws-backend", "create vault-config-aws-deployer", "create vault-config-aws-reader"]);
    assert.deepEqual(up.calls.filter((call) => call.path === "aws/config/root").map((call) => `${call.phase} ${call.method} ${call.status}`), ["create PUT 204", "read GET 200"]);
  });

  it("gives the granted consumer an IAM user's key with its own token, which the emulator accepts; another consumer gets 403", async () => {
    const answer = await vaultRequest(endpoint(), "GET", "aws/creds/reader", consumerToken("builds"));
    assert.equal(answer.status, 200, JSON.stringify(answer.body?.errors));
    assert.equal(answer.body.lease_duration, 600, "the lease is the engine's leaseTtl");
    const key = credentialsOf(answer.body);
    const who = await whoAmI(key);
    assert.equal(who.status, 200, who.body);
    const user = /<Arn>arn:aws:iam::123456789012:user\/vault\/([^<]+)<\/Arn>/.exec(who.body)?.[1];
    assert.ok(user, `an IAM user under /vault/: ${who.body}`);
    assert.deepEqual(iam.users.get(user)?.attachedPolicies, [READ_ONLY]);
    assert.equal((await signedQuery(iamEndpoint, "iam", REGION, key, { Action: "GetUser", Version: "2010-05-08" })).status, 200);
    const unknown = await whoAmI({ accessKeyId: "AKIANOTISSUED0000001", secretAccessKey: key.secretAccessKey });
    assert.match(unknown.body, /InvalidClientTokenId/);
    assert.equal((await vaultRequest(endpoint(), "GET", "aws/creds/reader", consumerToken("billing"))).status, 403);

    await vaultCall(endpoint(), "PUT", "sys/leases/revoke", { ...asRoot(), body: { lease_id: answer.body.lease_id } });
    assert.ok(!iam.users.has(user), "the revoked lease's IAM user still exists");
    const revoked = await whoAmI(key);
    assert.equal(revoked.status, 403);
    assert.match(revoked.body, /InvalidClientTokenId/);
    const deletes = iam.requests.filter((request) => ["DeleteAccessKey", "DetachUserPolicy", "DeleteUser"].includes(request.action));
    assert.deepEqual(deletes.map((request) => `${request.action} ${request.status}`), ["DeleteAccessKey 200", "DetachUserPolicy 200", "DeleteUser 200"]);
  });

  it("gives STS credentials of the declared role through aws/sts, usable with their session token only", async () => {
    const answer = await vaultRequest(endpoint(), "PUT", "aws/sts/deployer", { ...consumerToken("builds"), body: {} });
    assert.equal(answer.status, 200, JSON.stringify(answer.body?.errors));
    const session = credentialsOf(answer.body);
    assert.ok(session.sessionToken);
    const who = await whoAmI(session);
    assert.equal(who.status, 200, who.body);
    assert.match(who.body, /assumed-role\/deploy\//);
    assert.equal((await whoAmI({ ...session, sessionToken: undefined })).status, 403);
    assert.equal((await vaultRequest(endpoint(), "PUT", "aws/sts/deployer", { ...consumerToken("billing"), body: {} })).status, 403);
  });

  it("keeps the root secret key out of the state in clear, and Vault never answers it", async () => {
    assert.ok(!fs.readFileSync(stateFile(engineLayout(root), LOCAL_STACK), "utf8").includes(ROOT.secretAccessKey));
    const config = await vaultCall(endpoint(), "GET", "aws/config/root", asRoot());
    assert.equal(config.data.access_key, ROOT.accessKeyId);
    assert.equal(config.data.secret_key, undefined);
  });

  it("holds the provisioner to the declarations on the real server: no other policy, role, endpoint, key or unmount", async () => {
    const token = { token: await provisionerLogin(localLayout(root), endpoint()) };
    const reader = { credential_type: "iam_user", policy_arns: [READ_ONLY], user_path: "/vault/" };
    const rootConfig = { access_key: ROOT.accessKeyId, secret_key: ROOT.secretAccessKey, region: REGION, iam_endpoint: iamEndpoint, sts_endpoint: iamEndpoint };
    const attempts: Array<[string, string, Record<string, unknown> | undefined]> = [
      ["PUT", "aws/roles/reader", { ...reader, policy_arns: [READ_ONLY, "arn:aws:iam::aws:policy/AdministratorAccess"] }],
      ["PUT", "aws/roles/reader", { ...reader, policy_document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' }],
      ["PUT", "aws/roles/reader", { ...reader, iam_groups: ["admins"] }],
      ["PUT", "aws/roles/reader", { ...reader, user_path: "/" }],
      ["PUT", "aws/roles/deployer", { credential_type: "assumed_role", role_arns: [`arn:aws:iam::${ACCOUNT}:role/admin`] }],
      ["PUT", "aws/roles/escalate", reader],
      ["PUT", "aws/config/root", { ...rootConfig, iam_endpoint: "http://127.0.0.1:1" }],
      ["PUT", "aws/config/root", { ...rootConfig, access_key: "AKIAOTHERACCOUNT0001" }],
      ["DELETE", "sys/mounts/aws", undefined],
    ];
    const answers = await Promise.all(attempts.map(async ([method, apiPath, body]) => `${method} ${apiPath} ${JSON.stringify(body ?? {}).slice(0, 60)} -> ${(await vaultRequest(endpoint(), method as never, apiPath, { ...token, body })).status}`));
    assert.deepEqual(answers.filter((answer) => !answer.endsWith("-> 403")), []);
    assert.equal((await vaultRequest(endpoint(), "PUT", "aws/roles/reader", { ...token, body: reader })).status, 204, "the declared role itself can be written");
  });

  it("changes nothing on a second up", async function () {
    this.timeout(300_000);
    const second = await localUp({ root, passphrase: PASSPHRASE, overrides });
    observed.secondUp = `${second.seconds.toFixed(1)} s`;
    assert.deepEqual(awsSteps(second).filter((step) => !step.startsWith("same ")), []);
  });
});
