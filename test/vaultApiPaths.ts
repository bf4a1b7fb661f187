/**
 * What each registered Vault resource makes terraform-provider-vault call over its life (create, read,
 * update, delete), from the resource's type, inputs and protect flag alone: the independent side of the
 * check that the provisioner requirements derived from the model match what the program registers. A
 * protected resource is never deleted by `pulumi up`, so its delete is no requirement.
 */
import { PROVIDER_TYPES, VAULT_TYPES } from "../components/resourceTypes";
import { Registration, unwrapSecret } from "../offline/runtime";

const LIFECYCLE = ["create", "read", "update", "delete"];

type Statements = (inputs: Record<string, any>) => Array<[string[], string]>;

const STATEMENTS: Record<string, Statements> = {
  // The provider's own child token (skip_child_token is never set).
  [PROVIDER_TYPES.vault]: () => [[["update"], "auth/token/create"]],
  [VAULT_TYPES.policy]: ({ name }) => [[LIFECYCLE, `sys/policies/acl/${name}`]],
  [VAULT_TYPES.mount]: ({ path }) => [[LIFECYCLE, `sys/mounts/${path}`], [["read", "update"], `sys/mounts/${path}/tune`]],
  // kvSecretBackendV2Delete makes no call.
  [VAULT_TYPES.kvV2Config]: ({ mount }) => [[["create", "read", "update"], `${mount}/config`]],
  [VAULT_TYPES.authBackend]: ({ path }) => [[["create", "update", "delete", "sudo"], `sys/auth/${path}`], [["read"], `sys/mounts/auth/${path}`]],
  [VAULT_TYPES.approleRole]: ({ backend, roleName }) => [[LIFECYCLE, `auth/${backend}/role/${roleName}`], [["read"], `auth/${backend}/role/${roleName}/role-id`]],
  [VAULT_TYPES.approleSecretId]: ({ backend, roleName }) => [
    [["update"], `auth/${backend}/role/${roleName}/secret-id`],
    [["update"], `auth/${backend}/role/${roleName}/secret-id-accessor/lookup`],
    [["update"], `auth/${backend}/role/${roleName}/secret-id-accessor/destroy`],
  ],
  [VAULT_TYPES.tokenRole]: ({ roleName }) => [[LIFECYCLE, `auth/token/roles/${roleName}`]],
  [VAULT_TYPES.token]: ({ roleName }) => [[["update"], `auth/token/create/${roleName}`], [["update"], "auth/token/lookup-accessor"], [["update"], "auth/token/revoke-accessor"]],
  // kubernetesAuthBackendConfigDelete makes no call.
  [VAULT_TYPES.kubernetesConfig]: ({ backend }) => [[["create", "read", "update"], `auth/${backend}/config`]],
  [VAULT_TYPES.kubernetesRole]: ({ backend, roleName }) => [[LIFECYCLE, `auth/${backend}/role/${roleName}`]],
  // The root certificate's and the installed intermediate's refresh read the mount; config/ca, the CSR and
  // the signing make no read; only config/urls and roles are read back, and only roles deleted.
  [VAULT_TYPES.pkiRootCert]: ({ backend, type }) => [[["update"], `${backend}/issuers/generate/root/${type}`], [["read"], `sys/mounts/${backend}`]],
  [VAULT_TYPES.pkiConfigCa]: ({ backend }) => [[["update"], `${backend}/config/ca`]],
  [VAULT_TYPES.pkiIntermediateCertRequest]: ({ backend, type }) => [[["update"], `${backend}/issuers/generate/intermediate/${type}`]],
  [VAULT_TYPES.pkiRootSignIntermediate]: ({ backend }) => [[["update"], `${backend}/root/sign-intermediate`]],
  [VAULT_TYPES.pkiIntermediateSetSigned]: ({ backend }) => [[["update"], `${backend}/intermediate/set-signed`], [["read"], `sys/mounts/${backend}`]],
  [VAULT_TYPES.pkiConfigUrls]: ({ backend }) => [[["read", "update"], `${backend}/config/urls`]],
  [VAULT_TYPES.pkiRole]: ({ backend, name }) => [[LIFECYCLE, `${backend}/roles/${name}`]],
  // The LDAP method tunes its mount even when it creates it; the OIDC (JWT) method reads its tune. Their config goes with the mount.
  [VAULT_TYPES.ldapAuth]: ({ path }) => [
    [["create", "update", "delete", "sudo"], `sys/auth/${path}`], [["read"], `sys/mounts/auth/${path}`], [["update"], `sys/mounts/auth/${path}/tune`], [["create", "read", "update"], `auth/${path}/config`],
  ],
  [VAULT_TYPES.ldapGroup]: ({ backend, groupname }) => [[LIFECYCLE, `auth/${backend}/groups/${groupname}`]],
  [VAULT_TYPES.jwtAuth]: ({ path }) => [
    [["create", "update", "delete", "sudo"], `sys/auth/${path}`], [["read"], `sys/mounts/auth/${path}`], [["read"], `sys/mounts/auth/${path}/tune`], [["create", "read", "update"], `auth/${path}/config`],
  ],
  [VAULT_TYPES.jwtRole]: ({ backend, roleName }) => [[LIFECYCLE, `auth/${backend}/role/${roleName}`]],
  // The engine's root configuration goes with its mount (awsSecretBackendDelete only unmounts).
  [VAULT_TYPES.awsSecretBackend]: ({ path }) => [[LIFECYCLE, `sys/mounts/${path}`], [["read", "update"], `sys/mounts/${path}/tune`], [["create", "read", "update"], `${path}/config/root`]],
  [VAULT_TYPES.awsSecretBackendRole]: ({ backend, name }) => [[LIFECYCLE, `${backend}/roles/${name}`]],
  // The config endpoint has no delete: it goes with the key.
  [VAULT_TYPES.transitKey]: ({ backend, name }) => [[LIFECYCLE, `${backend}/keys/${name}`], [["create", "update"], `${backend}/keys/${name}/config`]],
  [VAULT_TYPES.audit]: ({ path }) => [[["read", "sudo"], "sys/audit"], [["create", "update", "delete", "sudo"], `sys/audit/${path}`]],
};

/** "capability path" for every call the registered Vault resources imply; throws on a Vault type it does not know. */
export function impliedVaultStatements(registrations: Registration[]): string[] {
  const statements = new Set<string>();
  for (const { type, inputs, protect } of registrations.filter((registration) => registration.type.startsWith("vault:") || registration.type === PROVIDER_TYPES.vault)) {
    const describe = STATEMENTS[type];
    if (describe === undefined) throw new Error(`${type}: no Vault API paths known for this resource type; add them to test/vaultApiPaths.ts and to the provisioner requirements`);
    const plainInputs = Object.fromEntries(Object.entries(inputs).map(([key, value]) => [key, unwrapSecret(value)]));
    for (const [capabilities, path] of describe(plainInputs)) {
      capabilities.filter((capability) => !(protect && capability === "delete")).forEach((capability) => statements.add(`${capability} ${path}`));
    }
  }
  return [...statements].sort();
}
