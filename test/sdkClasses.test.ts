import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import { CUSTOM_RESOURCE_TYPES, PROVIDER_TYPES } from "../components/resourceTypes";
import { sdkClasses } from "../scripts/sdkClasses";

describe("benchmark baseline classes", () => {
  const providers = new Set<string>(Object.values(PROVIDER_TYPES));

  it("finds an SDK class for every type the program registers, so the baseline can replay any stack", () => {
    const classOf = sdkClasses();
    const unresolved = [...CUSTOM_RESOURCE_TYPES].filter((type) => !providers.has(type)).filter((type) => {
      try { classOf(type); return false; } catch { return true; }
    });
    assert.deepEqual(unresolved, []);
  });

  it("maps a type to the class registered under that very token", () => {
    const classOf = sdkClasses();
    const tokenOf = (type: string) => (classOf(type) as unknown as { __pulumiType: string }).__pulumiType;
    assert.equal(tokenOf("vault:aws/secretBackend:SecretBackend"), "vault:aws/secretBackend:SecretBackend");
    assert.equal(tokenOf("vault:pkiSecret/secretBackendRole:SecretBackendRole"), "vault:pkiSecret/secretBackendRole:SecretBackendRole");
  });

  it("replays Kubernetes custom resources (CSI, VSO, cert-manager kinds) with the SDK's CustomResource", () => {
    assert.equal(sdkClasses()("kubernetes:cert-manager.io/v1:Issuer"), k8s.apiextensions.CustomResource);
  });

  it("names the file to change for a type it does not know", () => {
    assert.throws(() => sdkClasses()("vault:okta/authBackend:AuthBackend"), /no SDK class for vault:okta\/authBackend:AuthBackend: add its module to SDK_MODULES/);
  });
});
