/**
 * Type tokens of everything the program registers: the one list the guardrails, the offline plan and
 * the tests use. A test checks that every type a stack registers is listed here.
 */

export const AWS_TYPES = {
  autoScalingGroup: "aws:autoscaling/group:Group",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  backupPlan: "aws:backup/plan:Plan",
  backupSelection: "aws:backup/selection:Selection",
  backupVault: "aws:backup/vault:Vault",
  table: "aws:dynamodb/table:Table",
  elasticIp: "aws:ec2/eip:Eip",
  internetGateway: "aws:ec2/internetGateway:InternetGateway",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  natGateway: "aws:ec2/natGateway:NatGateway",
  routeTable: "aws:ec2/routeTable:RouteTable",
  routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  /** Not used by the program; the guardrails refuse it in favour of the per-rule resources. */
  legacySecurityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  subnet: "aws:ec2/subnet:Subnet",
  vpc: "aws:ec2/vpc:Vpc",
  vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  instanceProfile: "aws:iam/instanceProfile:InstanceProfile",
  /** Not used by the program; the guardrails check it like an inline role policy. */
  iamPolicy: "aws:iam/policy:Policy",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  kmsAlias: "aws:kms/alias:Alias",
  kmsKey: "aws:kms/key:Key",
  listener: "aws:lb/listener:Listener",
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  secret: "aws:secretsmanager/secret:Secret",
  secretPolicy: "aws:secretsmanager/secretPolicy:SecretPolicy",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  snsTopic: "aws:sns/topic:Topic",
  snsSubscription: "aws:sns/topicSubscription:TopicSubscription",
} as const;

export const TLS_TYPES = {
  certRequest: "tls:index/certRequest:CertRequest",
  locallySignedCert: "tls:index/locallySignedCert:LocallySignedCert",
  privateKey: "tls:index/privateKey:PrivateKey",
  selfSignedCert: "tls:index/selfSignedCert:SelfSignedCert",
} as const;

export const VAULT_TYPES = {
  approleRole: "vault:appRole/authBackendRole:AuthBackendRole",
  approleSecretId: "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId",
  audit: "vault:index/audit:Audit",
  databaseConnection: "vault:database/secretBackendConnection:SecretBackendConnection",
  databaseRole: "vault:database/secretBackendRole:SecretBackendRole",
  /** A write to any path: the database engine's root rotation (rotate-root). */
  genericEndpoint: "vault:generic/endpoint:Endpoint",
  awsSecretBackend: "vault:aws/secretBackend:SecretBackend",
  awsSecretBackendRole: "vault:aws/secretBackendRole:SecretBackendRole",
  authBackend: "vault:index/authBackend:AuthBackend",
  mount: "vault:index/mount:Mount",
  policy: "vault:index/policy:Policy",
  token: "vault:index/token:Token",
  jwtAuth: "vault:jwt/authBackend:AuthBackend",
  jwtRole: "vault:jwt/authBackendRole:AuthBackendRole",
  kubernetesConfig: "vault:kubernetes/authBackendConfig:AuthBackendConfig",
  kubernetesRole: "vault:kubernetes/authBackendRole:AuthBackendRole",
  kvV2Config: "vault:kv/secretBackendV2:SecretBackendV2",
  ldapAuth: "vault:ldap/authBackend:AuthBackend",
  ldapGroup: "vault:ldap/authBackendGroup:AuthBackendGroup",
  pkiConfigCa: "vault:pkiSecret/secretBackendConfigCa:SecretBackendConfigCa",
  pkiConfigUrls: "vault:pkiSecret/secretBackendConfigUrls:SecretBackendConfigUrls",
  pkiIntermediateCertRequest: "vault:pkiSecret/secretBackendIntermediateCertRequest:SecretBackendIntermediateCertRequest",
  pkiIntermediateSetSigned: "vault:pkiSecret/secretBackendIntermediateSetSigned:SecretBackendIntermediateSetSigned",
  pkiRole: "vault:pkiSecret/secretBackendRole:SecretBackendRole",
  pkiRootCert: "vault:pkiSecret/secretBackendRootCert:SecretBackendRootCert",
  pkiRootSignIntermediate: "vault:pkiSecret/secretBackendRootSignIntermediate:SecretBackendRootSignIntermediate",
  tokenRole: "vault:tokenauth/authBackendRole:AuthBackendRole",
  transitKey: "vault:transit/secretBackendKey:SecretBackendKey",
} as const;

export const KUBERNETES_TYPES = {
  namespace: "kubernetes:core/v1:Namespace",
  secret: "kubernetes:core/v1:Secret",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  helmRelease: "kubernetes:helm.sh/v3:Release",
  clusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
  secretProviderClass: "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass",
  vaultConnection: "kubernetes:secrets.hashicorp.com/v1beta1:VaultConnection",
  vaultAuth: "kubernetes:secrets.hashicorp.com/v1beta1:VaultAuth",
  vaultStaticSecret: "kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret",
  vaultDynamicSecret: "kubernetes:secrets.hashicorp.com/v1beta1:VaultDynamicSecret",
  certManagerIssuer: "kubernetes:cert-manager.io/v1:Issuer",
} as const;

export const PROVIDER_TYPES = {
  aws: "pulumi:providers:aws",
  kubernetes: "pulumi:providers:kubernetes",
  tls: "pulumi:providers:tls",
  vault: "pulumi:providers:vault",
} as const;

/** Every custom resource type above, providers included. */
export const CUSTOM_RESOURCE_TYPES: ReadonlySet<string> = new Set(
  [AWS_TYPES, TLS_TYPES, VAULT_TYPES, KUBERNETES_TYPES, PROVIDER_TYPES].flatMap((types) => Object.values(types)),
);
