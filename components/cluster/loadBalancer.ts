import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterComponentArgs } from "./common";
import { VAULT_API_PORT } from "./userData";
import { componentArgs } from "../componentType";

export type HealthCheckMode = "active" | "unsealed";

export interface VaultLoadBalancerArgs extends ClusterComponentArgs {
  /** VPC of the target group. */
  vpcId: pulumi.Input<string>;
  /** Private subnets the load balancer spans. */
  subnetIds: pulumi.Input<string>[];
  /** Security group of the load balancer. */
  securityGroupId: pulumi.Input<string>;
  /** Which nodes are in service: only the active one, or every unsealed one (standbys forward). */
  healthCheck: HealthCheckMode;
}

/** Target-group health-check timing; it also bounds how fast a failover is seen by clients. */
export const HEALTH_CHECK_TIMING = { intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 };

/** DynamoDB HA lock timing (physical/dynamodb/dynamodb.go): a dead leader's lock expires after the TTL. */
export const HA_LOCK_TIMING = { ttlSeconds: 15, retrySeconds: 1 };

/**
 * The health-check path. 200 means active, 429 standby, 501 uninitialised, 503 sealed: `standbyok`
 * turns standbys into 200 and leaves sealed and uninitialised nodes out of service.
 */
export function healthCheckPath(mode: HealthCheckMode): string {
  return mode === "active" ? "/v1/sys/health" : "/v1/sys/health?standbyok=true";
}

/**
 * Worst case, in seconds, from the active node dying to clients being served again. A standby takes
 * the lock after the TTL plus one retry. With "active", the load balancer then needs healthyThreshold
 * checks to put the new leader in service; with "unsealed", standbys are already in service and
 * forward once the lock moves, while the dead node leaves after unhealthyThreshold checks.
 */
export function worstCaseFailoverSeconds(mode: HealthCheckMode, timing = HEALTH_CHECK_TIMING, lock = HA_LOCK_TIMING): number {
  const lockHandover = lock.ttlSeconds + lock.retrySeconds;
  return mode === "active"
    ? lockHandover + timing.healthyThreshold * timing.intervalSeconds
    : Math.max(lockHandover, timing.unhealthyThreshold * timing.intervalSeconds);
}

/** An internal network load balancer that passes TLS through to the nodes on 8200. */
export class VaultLoadBalancer extends pulumi.ComponentResource {
  readonly dnsName: pulumi.Output<string>;
  readonly targetGroupArn: pulumi.Output<string>;
  /** What CloudWatch names the load balancer and the target group by (their metrics' dimensions). */
  readonly arnSuffixes: { loadBalancer: pulumi.Output<string>; targetGroup: pulumi.Output<string> };

  constructor(name: string, args: VaultLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("cluster", "VaultLoadBalancer", name, opts));
    const child = { parent: this, provider: args.provider };
    const balancer = new aws.lb.LoadBalancer(`${name}-nlb`, {
      internal: true,
      loadBalancerType: "network",
      subnets: args.subnetIds,
      securityGroups: [args.securityGroupId],
      enableCrossZoneLoadBalancing: true,
      tags: { Name: `${args.namePrefix}-nlb` },
    }, child);
    const targets = new aws.lb.TargetGroup(`${name}-tg`, {
      vpcId: args.vpcId,
      port: VAULT_API_PORT,
      protocol: "TCP",
      targetType: "instance",
      deregistrationDelay: 30,
      healthCheck: {
        enabled: true,
        protocol: "HTTPS",
        port: "traffic-port",
        path: healthCheckPath(args.healthCheck),
        matcher: "200",
        interval: HEALTH_CHECK_TIMING.intervalSeconds,
        timeout: HEALTH_CHECK_TIMING.timeoutSeconds,
        healthyThreshold: HEALTH_CHECK_TIMING.healthyThreshold,
        unhealthyThreshold: HEALTH_CHECK_TIMING.unhealthyThreshold,
      },
      tags: { Name: `${args.namePrefix}-api` },
    }, child);
    new aws.lb.Listener(`${name}-api`, {
      loadBalancerArn: balancer.arn,
      port: VAULT_API_PORT,
      protocol: "TCP",
      defaultActions: [{ type: "forward", targetGroupArn: targets.arn }],
    }, child);
    this.dnsName = balancer.dnsName;
    this.targetGroupArn = targets.arn;
    this.arnSuffixes = { loadBalancer: balancer.arnSuffix, targetGroup: targets.arnSuffix };
    this.registerOutputs({ dnsName: this.dnsName, targetGroupArn: this.targetGroupArn });
  }
}
