/**
 * The live AWS-engine suite's fake IAM (test/live/fakeIam.ts), offline: its SigV4 against AWS's own
 * published example, and its refusals, so that "the emulator accepted the key" in the live suite means a
 * correctly signed request with a key it issued.
 */
import { strict as assert } from "assert";
import { FakeIam, signedQuery, sigV4Signature } from "./live/fakeIam";

const ROOT = { accessKeyId: "AKIAVAULTROOTKEY0001", secretAccessKey: "root-secret-key-value-0123456789abcdefgh" };

describe("fake IAM: SigV4 and refusals", () => {
  it("computes the signature of AWS's documented example (IAM ListUsers, 2015-08-30)", () => {
    assert.equal(sigV4Signature({
      method: "GET", url: "/?Action=ListUsers&Version=2010-05-08",
      headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", Host: "iam.amazonaws.com", "X-Amz-Date": "20150830T123600Z" },
      signedHeaders: ["content-type", "host", "x-amz-date"], body: "", scope: "20150830/us-east-1/iam/aws4_request", amzDate: "20150830T123600Z",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    }), "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  });

  describe("served on loopback", () => {
    const fake = new FakeIam({ account: "123456789012", root: ROOT, roleArns: ["arn:aws:iam::123456789012:role/deploy"] });
    let endpoint: string;
    before(async () => { endpoint = await fake.start(); });
    after(() => fake.stop());

    it("serves the root key, issues a user's key that may ask who it is, and forgets it once deleted", async () => {
      assert.equal((await signedQuery(endpoint, "iam", "eu-west-1", ROOT, { Action: "CreateUser", UserName: "u1", Path: "/vault/", Version: "2010-05-08" })).status, 200);
      const created = await signedQuery(endpoint, "iam", "eu-west-1", ROOT, { Action: "CreateAccessKey", UserName: "u1", Version: "2010-05-08" });
      const key = { accessKeyId: /<AccessKeyId>(\w+)</.exec(created.body)![1], secretAccessKey: /<SecretAccessKey>([^<]+)</.exec(created.body)![1] };
      const who = await signedQuery(endpoint, "sts", "eu-west-1", key, { Action: "GetCallerIdentity", Version: "2011-06-15" });
      assert.equal(who.status, 200);
      assert.match(who.body, /<Arn>arn:aws:iam::123456789012:user\/vault\/u1<\/Arn>/);
      assert.equal((await signedQuery(endpoint, "iam", "eu-west-1", key, { Action: "CreateUser", UserName: "u2", Version: "2010-05-08" })).status, 403, "a user key makes no IAM changes");
      assert.equal((await signedQuery(endpoint, "iam", "eu-west-1", ROOT, { Action: "DeleteUser", UserName: "u1", Version: "2010-05-08" })).status, 409, "not while it has a key");
      assert.equal((await signedQuery(endpoint, "iam", "eu-west-1", ROOT, { Action: "DeleteAccessKey", UserName: "u1", AccessKeyId: key.accessKeyId, Version: "2010-05-08" })).status, 200);
      const after = await signedQuery(endpoint, "sts", "eu-west-1", key, { Action: "GetCallerIdentity", Version: "2011-06-15" });
      assert.equal(after.status, 403);
      assert.match(after.body, /InvalidClientTokenId/);
    });

    it("refuses an unknown key and a wrong secret", async () => {
      const unknown = await signedQuery(endpoint, "sts", "eu-west-1", { accessKeyId: "AKIAUNKNOWN000000001", secretAccessKey: ROOT.secretAccessKey }, { Action: "GetCallerIdentity", Version: "2011-06-15" });
      assert.match(unknown.body, /InvalidClientTokenId/);
      const wrong = await signedQuery(endpoint, "sts", "eu-west-1", { ...ROOT, secretAccessKey: "not-the-secret" }, { Action: "GetCallerIdentity", Version: "2011-06-15" });
      assert.equal(wrong.status, 403);
      assert.match(wrong.body, /SignatureDoesNotMatch/);
    });

    it("assumes only the known roles, and wants the session token with the session's key", async () => {
      assert.equal((await signedQuery(endpoint, "sts", "eu-west-1", ROOT, { Action: "AssumeRole", RoleArn: "arn:aws:iam::123456789012:role/admin", RoleSessionName: "s", Version: "2011-06-15" })).status, 403);
      const assumed = await signedQuery(endpoint, "sts", "eu-west-1", ROOT, { Action: "AssumeRole", RoleArn: "arn:aws:iam::123456789012:role/deploy", RoleSessionName: "s", Version: "2011-06-15" });
      const field = (name: string) => new RegExp(`<${name}>([^<]+)<`).exec(assumed.body)![1];
      const session = { accessKeyId: field("AccessKeyId"), secretAccessKey: field("SecretAccessKey"), sessionToken: field("SessionToken") };
      assert.equal((await signedQuery(endpoint, "sts", "eu-west-1", session, { Action: "GetCallerIdentity", Version: "2011-06-15" })).status, 200);
      assert.equal((await signedQuery(endpoint, "sts", "eu-west-1", { ...session, sessionToken: undefined }, { Action: "GetCallerIdentity", Version: "2011-06-15" })).status, 403);
    });
  });
});
