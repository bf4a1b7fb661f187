import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { subnetAt } from "../../lib/cidr";
import { ClusterComponentArgs } from "./common";
import { componentArgs } from "../componentType";

export interface VaultNetworkArgs extends ClusterComponentArgs {
  /** Availability zones, one private subnet each. */
  availabilityZones: string[];
  /** CIDR of a new VPC; leave unset to use vpcId and subnetIds. */
  vpcCidr?: string;
  /** An existing VPC. */
  vpcId?: string;
  /** Existing private subnets, one per availability zone, in the same order. */
  subnetIds?: string[];
  /** One NAT gateway for all zones (cheaper, not zone-redundant) instead of one per zone. */
  singleNatGateway: boolean;
  /** Region, for the VPC endpoint service names. */
  region: string;
  /** Interface endpoints for the SSM agent too (ssm, ssmmessages, ec2messages), so sessions need no NAT. */
  ssmEndpoints: boolean;
}

/** Subnet bits added to the VPC prefix: 16 slots, privates from slot 0, publics from slot 8. */
const SUBNET_BITS = 4;
const PUBLIC_SLOT_OFFSET = 8;

/** NAT gateways a new VPC gets: one per zone, or one for all zones with singleNatGateway. */
export function natGatewayCount(zoneCount: number, singleNatGateway: boolean): number {
  return singleNatGateway ? 1 : zoneCount;
}

/** The AWS services Vault itself calls, reached through interface endpoints: unseal and the TLS bundle stay inside AWS. */
const VAULT_ENDPOINT_SERVICES = ["kms", "secretsmanager"];
/** What the SSM agent calls (registration, the session channel, commands): AWS's list for Session Manager without internet. */
export const SSM_ENDPOINT_SERVICES = ["ssm", "ssmmessages", "ec2messages"];

/**
 * The interface endpoints of a new VPC, one network interface in each private subnet (each billed per
 * zone-hour). DynamoDB is not among them: its gateway endpoint is a route, free of charge.
 */
export function interfaceEndpointServices(ssmEndpoints: boolean): string[] {
  return [...VAULT_ENDPOINT_SERVICES, ...(ssmEndpoints ? SSM_ENDPOINT_SERVICES : [])];
}

/** Carves one private and one public subnet per zone out of the VPC CIDR. */
export function carveSubnets(vpcCidr: string, zoneCount: number): { privateCidrs: string[]; publicCidrs: string[] } {
  const zones = [...Array(zoneCount).keys()];
  return {
    privateCidrs: zones.map((zone) => subnetAt(vpcCidr, SUBNET_BITS, zone)),
    publicCidrs: zones.map((zone) => subnetAt(vpcCidr, SUBNET_BITS, PUBLIC_SLOT_OFFSET + zone)),
  };
}

/**
 * Where the nodes live: a new VPC with private subnets (NAT for the package repository, endpoints for
 * DynamoDB, KMS and Secrets Manager so that storage and unseal traffic stays inside AWS, and with
 * ssmEndpoints for the SSM agent), or an existing one.
 */
export class VaultNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly privateSubnetIds: pulumi.Output<string>[];

  constructor(name: string, args: VaultNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("cluster", "VaultNetwork", name, opts));
    if (args.vpcCidr === undefined) {
      this.vpcId = pulumi.output(args.vpcId!);
      this.privateSubnetIds = args.subnetIds!.map((id) => pulumi.output(id));
      this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds });
      return;
    }
    const child = { parent: this, provider: args.provider };
    const tag = (suffix: string) => ({ Name: `${args.namePrefix}-${suffix}` });
    const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
      cidrBlock: args.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tag("vpc"),
    }, child);
    const gateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tag("igw") }, child);
    const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, {
      vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }], tags: tag("public"),
    }, child);

    const { privateCidrs, publicCidrs } = carveSubnets(args.vpcCidr, args.availabilityZones.length);
    const natGateways: aws.ec2.NatGateway[] = [];
    const natCount = natGatewayCount(args.availabilityZones.length, args.singleNatGateway);
    const privateRouteTables: aws.ec2.RouteTable[] = [];
    const privateSubnets = args.availabilityZones.map((zone, index) => {
      const publicSubnet = new aws.ec2.Subnet(`${name}-public-${zone}`, {
        vpcId: vpc.id, availabilityZone: zone, cidrBlock: publicCidrs[index], mapPublicIpOnLaunch: false, tags: tag(`public-${zone}`),
      }, child);
      new aws.ec2.RouteTableAssociation(`${name}-public-${zone}`, { subnetId: publicSubnet.id, routeTableId: publicRoutes.id }, child);
      if (index < natCount) {
        const address = new aws.ec2.Eip(`${name}-nat-${zone}`, { domain: "vpc", tags: tag(`nat-${zone}`) }, child);
        natGateways.push(new aws.ec2.NatGateway(`${name}-nat-${zone}`, {
          subnetId: publicSubnet.id, allocationId: address.id, tags: tag(`nat-${zone}`),
        }, { ...child, dependsOn: [gateway] }));
      }
      const routes = new aws.ec2.RouteTable(`${name}-private-${zone}`, {
        vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: natGateways[natGateways.length - 1].id }], tags: tag(`private-${zone}`),
      }, child);
      privateRouteTables.push(routes);
      const subnet = new aws.ec2.Subnet(`${name}-private-${zone}`, {
        vpcId: vpc.id, availabilityZone: zone, cidrBlock: privateCidrs[index], mapPublicIpOnLaunch: false, tags: tag(`private-${zone}`),
      }, child);
      new aws.ec2.RouteTableAssociation(`${name}-private-${zone}`, { subnetId: subnet.id, routeTableId: routes.id }, child);
      return subnet;
    });

    new aws.ec2.VpcEndpoint(`${name}-dynamodb`, {
      vpcId: vpc.id, serviceName: `com.amazonaws.${args.region}.dynamodb`, vpcEndpointType: "Gateway",
      routeTableIds: privateRouteTables.map((table) => table.id), tags: tag("dynamodb"),
    }, child);
    // The description predates the SSM endpoints; changing it would replace the group (AWS cannot edit it).
    const endpointGroup = new aws.ec2.SecurityGroup(`${name}-endpoints`, {
      vpcId: vpc.id, description: "Interface endpoints for KMS and Secrets Manager", tags: tag("endpoints"),
    }, child);
    new aws.vpc.SecurityGroupIngressRule(`${name}-endpoints-https`, {
      securityGroupId: endpointGroup.id, cidrIpv4: args.vpcCidr, ipProtocol: "tcp", fromPort: 443, toPort: 443,
      description: "HTTPS to the AWS API endpoints from inside the VPC",
    }, child);
    for (const service of interfaceEndpointServices(args.ssmEndpoints)) {
      new aws.ec2.VpcEndpoint(`${name}-${service}`, {
        vpcId: vpc.id, serviceName: `com.amazonaws.${args.region}.${service}`, vpcEndpointType: "Interface",
        privateDnsEnabled: true, subnetIds: privateSubnets.map((subnet) => subnet.id),
        securityGroupIds: [endpointGroup.id], tags: tag(service),
      }, child);
    }

    this.vpcId = vpc.id;
    this.privateSubnetIds = privateSubnets.map((subnet) => subnet.id);
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds });
  }
}
