import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterComponentArgs } from "./common";
import { VAULT_API_PORT, VAULT_CLUSTER_PORT } from "./userData";
import { componentArgs } from "../componentType";

export interface VaultFirewallArgs extends ClusterComponentArgs {
  /** VPC of the nodes and the load balancer. */
  vpcId: pulumi.Input<string>;
  /** Client networks allowed to call the API through the load balancer. */
  allowedCidrs: string[];
  /** The Kubernetes API server Vault calls for TokenReview, when Kubernetes auth is on: its port and networks. */
  kubernetesApi?: { port: number; cidrs: string[] };
}

type RuleTarget = { cidrIpv4: string } | { referencedSecurityGroupId: pulumi.Input<string> };

/**
 * The two security groups and every rule between them: clients reach the load balancer on 8200 from
 * allowedCidrs only, the load balancer reaches the nodes, nodes talk to each other on 8200 and 8201.
 * Each rule is its own resource with a description, so a review shows exactly what is open and why.
 */
export class VaultFirewall extends pulumi.ComponentResource {
  readonly loadBalancerGroupId: pulumi.Output<string>;
  readonly nodeGroupId: pulumi.Output<string>;

  constructor(name: string, args: VaultFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("cluster", "VaultFirewall", name, opts));
    const child = { parent: this, provider: args.provider };
    const group = (suffix: string, description: string) =>
      new aws.ec2.SecurityGroup(`${name}-${suffix}`, { vpcId: args.vpcId, description, tags: { Name: `${args.namePrefix}-${suffix}` } }, child);
    const lb = group("lb", "Vault load balancer: API from the allowed client networks");
    const nodes = group("nodes", "Vault nodes: API from the load balancer, cluster traffic between nodes");

    const ingress = (ruleName: string, groupId: pulumi.Input<string>, port: number, from: RuleTarget, description: string) =>
      new aws.vpc.SecurityGroupIngressRule(`${name}-${ruleName}`, { securityGroupId: groupId, ipProtocol: "tcp", fromPort: port, toPort: port, description, ...from }, child);
    const egress = (ruleName: string, groupId: pulumi.Input<string>, port: number, to: RuleTarget, description: string) =>
      new aws.vpc.SecurityGroupEgressRule(`${name}-${ruleName}`, { securityGroupId: groupId, ipProtocol: "tcp", fromPort: port, toPort: port, description, ...to }, child);

    args.allowedCidrs.forEach((cidr) =>
      ingress(`lb-api-${cidr.replace(/[./]/g, "-")}`, lb.id, VAULT_API_PORT, { cidrIpv4: cidr }, `Vault API from client network ${cidr}`));
    egress("lb-to-nodes", lb.id, VAULT_API_PORT, { referencedSecurityGroupId: nodes.id }, "Forward API traffic and health checks to the nodes");

    ingress("nodes-api-from-lb", nodes.id, VAULT_API_PORT, { referencedSecurityGroupId: lb.id }, "Vault API and health checks from the load balancer");
    ingress("nodes-api-from-nodes", nodes.id, VAULT_API_PORT, { referencedSecurityGroupId: nodes.id }, "Vault API between nodes (api_addr redirects)");
    ingress("nodes-cluster", nodes.id, VAULT_CLUSTER_PORT, { referencedSecurityGroupId: nodes.id }, "Vault cluster port between nodes (request forwarding)");
    egress("nodes-api-to-nodes", nodes.id, VAULT_API_PORT, { referencedSecurityGroupId: nodes.id }, "Vault API to other nodes");
    egress("nodes-cluster-to-nodes", nodes.id, VAULT_CLUSTER_PORT, { referencedSecurityGroupId: nodes.id }, "Vault cluster port to other nodes");
    egress("nodes-https", nodes.id, 443, { cidrIpv4: "0.0.0.0/0" }, "HTTPS to AWS APIs and the HashiCorp package repository");
    // Kubernetes logins: Vault posts each service-account token to the API server's TokenReview endpoint.
    const kubernetesApi = args.kubernetesApi;
    if (kubernetesApi && kubernetesApi.port !== 443) {
      kubernetesApi.cidrs.forEach((cidr) => egress(`nodes-kubernetes-api-${cidr.replace(/[./]/g, "-")}`, nodes.id, kubernetesApi.port, { cidrIpv4: cidr },
        `Kubernetes API server (TokenReview for Kubernetes auth) in ${cidr}`));
    }

    this.loadBalancerGroupId = lb.id;
    this.nodeGroupId = nodes.id;
    this.registerOutputs({ loadBalancerGroupId: this.loadBalancerGroupId, nodeGroupId: this.nodeGroupId });
  }
}
