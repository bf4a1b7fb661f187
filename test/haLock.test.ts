/** Vault's HA lock item in DynamoDB: when it is held, when stale, and the delete that clears only a stale one. */
import { strict as assert } from "assert";
import { clearStaleLockInput, describeLockState, HA_LOCK_KEY, Item, lockState } from "../lib/haLock";
import { signJsonRequest } from "../lib/dynamoDb";
import { sigV4Signature } from "./live/fakeIam";

const NOW_MS = Date.UTC(2026, 11, 5, 3, 0, 0);
const IDENTITY = "1f0c2a8e-55b1-4f6b-9a43-3c1d2c3e4f50";
/** A lock item as Vault 1.21.1 writes it: binary Identity and Value (base64 in the JSON protocol), Expires in Unix nanoseconds. */
function lockItem(expiresMs: number, identity: string | null = IDENTITY): Item {
  return {
    Path: { S: "core" }, Key: { S: "_lock" },
    Value: { B: Buffer.from("8d3b6f0e-0000-4000-8000-000000000001").toString("base64") },
    ...(identity === null ? {} : { Identity: { B: Buffer.from(identity).toString("base64") } }),
    Expires: { N: (BigInt(expiresMs) * 1_000_000n + 123_456n).toString() },
  };
}

describe("stale HA lock: the lock item's state", () => {
  it("is keyed Path core, Key _lock (core/lock with the backend's _ prefix on the last segment)", () => {
    assert.deepEqual(HA_LOCK_KEY, { Path: { S: "core" }, Key: { S: "_lock" } });
  });

  it("says no lock when there is no item", () => {
    assert.deepEqual(lockState(undefined, NOW_MS), { state: "none" });
    assert.deepEqual(lockState({}, NOW_MS), { state: "none" });
    assert.match(describeLockState({ state: "none" }), /^no lock/);
  });

  it("says held, by whom and for how long yet, while Expires is in the future", () => {
    const state = lockState(lockItem(NOW_MS + 12_500), NOW_MS);
    assert.equal(state.state, "held");
    assert.ok(state.state === "held" && state.identity === IDENTITY && Math.abs(state.secondsLeft - 12.5) < 0.01);
    assert.equal(describeLockState(state), `held by ${IDENTITY} (expires in 12.5 s; the holder renews it every 5 s)`);
  });

  it("says stale, and since when, once Expires has passed; at the very nanosecond too, as Vault's #expires <= :now", () => {
    const state = lockState(lockItem(NOW_MS - 42_000), NOW_MS);
    assert.ok(state.state === "stale" && state.identity === IDENTITY && Math.abs(state.secondsAgo! - 42) < 0.01);
    assert.match(describeLockState(state), new RegExp(`^stale \\(expired 42\\.0 s ago\\), last held by ${IDENTITY}: its holder stopped renewing it`));
    const exact: Item = { ...lockItem(0), Expires: { N: (BigInt(NOW_MS) * 1_000_000n).toString() } };
    assert.equal(lockState(exact, NOW_MS).state, "stale");
    assert.equal(lockState({ ...exact, Expires: { N: (BigInt(NOW_MS) * 1_000_000n + 1_000_000n).toString() } }, NOW_MS).state, "held");
  });

  it("calls an item without Identity or without Expires stale, saying which: Vault takes over the first, never the second", () => {
    const noIdentity = lockState(lockItem(NOW_MS + 10_000, null), NOW_MS);
    assert.ok(noIdentity.state === "stale" && /no Identity, so any node takes it over/.test(noIdentity.reason));
    const { Expires: _, ...withoutExpires } = lockItem(NOW_MS);
    const noExpires = lockState(withoutExpires, NOW_MS);
    assert.ok(noExpires.state === "stale" && /no node can ever take it over: clear it/.test(noExpires.reason));
  });

  it("clears only the very item it judged: a conditional delete on the same Identity and Expires", () => {
    const item = lockItem(NOW_MS - 1_000);
    assert.deepEqual(clearStaleLockInput("vault-storage", item), {
      TableName: "vault-storage",
      Key: { Path: { S: "core" }, Key: { S: "_lock" } },
      ConditionExpression: "attribute_exists(#path) AND #identity = :identity AND #expires = :expires",
      ExpressionAttributeNames: { "#identity": "Identity", "#expires": "Expires", "#path": "Path" },
      ExpressionAttributeValues: { ":identity": item.Identity, ":expires": item.Expires },
    });
    const { Expires: _, ...withoutExpires } = item;
    assert.match(String(clearStaleLockInput("t", withoutExpires).ConditionExpression), /#identity = :identity AND attribute_not_exists\(#expires\)$/);
  });
});

describe("stale HA lock: the DynamoDB client's signature", () => {
  it("signs a JSON-protocol call as SigV4 does (checked against the signer verified on AWS's documented example)", () => {
    const now = new Date(Date.UTC(2026, 11, 5, 3, 4, 5));
    const target = { region: "eu-west-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "session" } };
    const body = JSON.stringify({ TableName: "t", Key: HA_LOCK_KEY });
    const signed = signJsonRequest(target, "dynamodb", "DynamoDB_20120810.GetItem", body, now);
    assert.equal(signed.url.href, "https://dynamodb.eu-west-1.amazonaws.com/");
    const match = /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/(20261205\/eu-west-1\/dynamodb\/aws4_request), SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/.exec(signed.headers.authorization);
    assert.ok(match, signed.headers.authorization);
    const { authorization: _, ...headers } = signed.headers;
    assert.equal(match[2], "content-type;host;x-amz-date;x-amz-security-token;x-amz-target");
    assert.equal(match[3], sigV4Signature({
      method: "POST", url: "/", headers, signedHeaders: match[2].split(";"), body, scope: match[1], amzDate: "20261205T030405Z", secretAccessKey: target.credentials.secretAccessKey,
    }));
  });
});
