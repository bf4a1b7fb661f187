/**
 * What a stack costs a month at list prices, from its own sizes: a pure function of the parsed cluster
 * settings, a price table (awsPrices.ts) and the usage this file assumes, and its Markdown. The counts come
 * from the components' own helpers (NAT gateways, interface endpoints, detailed monitoring, the HA lock's
 * retry), so a change there changes the table.
 */
import { ClusterConfig, ConfigError, PROJECT } from "../config";
import { HA_LOCK_TIMING } from "../components/cluster/loadBalancer";
import { interfaceEndpointServices, natGatewayCount } from "../components/cluster/network";
import { alarmSpecs } from "../components/cluster/alarms";
import { DETAILED_MONITORING } from "../components/cluster/nodes";
import { EXPORTED_VAULT_METRICS } from "../components/cluster/telemetry";
import { Price, PriceTable } from "./awsPrices";

/** What the table assumes about use, each stated in the README; none of it is measured. */
export interface UsageAssumptions {
  hoursPerMonth: number;
  /** GB a month through all NAT gateways together: the Vault package and OS updates at boot, the SSM agent. */
  natGbPerMonth: number;
  /** Average NLB capacity units: a light load (under 800 new connections a second, 100,000 active, 1 GB an hour) is at most one. */
  loadBalancerCapacityUnits: number;
  /** Requests the clients cause, a month (each item under 1 KB written, 4 KB read). */
  dynamoDbClientWritesPerMonth: number;
  dynamoDbClientReadsPerMonth: number;
  /** Seconds between the active node's lock renewals and its lock checks (DynamoDBLockRenewInterval, DynamoDBWatchRetryInterval: 5 s each). */
  lockRenewSeconds: number;
  lockWatchSeconds: number;
  /** Size of Vault's data in the table (also what point-in-time recovery keeps). */
  dynamoDbStorageGb: number;
  /** Metrics EC2 detailed monitoring adds per instance. */
  detailedMonitoringMetrics: number;
  /** Audit log shipped a month (about 1 KB per request and per response: some 500,000 requests). */
  auditLogGbPerMonth: number;
  /** DynamoDB operations Vault calls, each a metric the Metrics Insights alarms read. */
  dynamoDbOperations: number;
}

export const USAGE_ASSUMPTIONS: UsageAssumptions = {
  hoursPerMonth: 730,
  natGbPerMonth: 5,
  loadBalancerCapacityUnits: 1,
  dynamoDbClientWritesPerMonth: 100_000,
  dynamoDbClientReadsPerMonth: 1_000_000,
  lockRenewSeconds: 5,
  lockWatchSeconds: 5,
  dynamoDbStorageGb: 1,
  detailedMonitoringMetrics: 7,
  auditLogGbPerMonth: 1,
  dynamoDbOperations: 6,
};

export interface CostLine {
  item: string;
  quantity: string;
  price: Price;
  monthlyUsd: number;
}

export interface CostEstimate {
  region: string;
  takenOn: string;
  lines: CostLine[];
  totalUsd: number;
}

/** The on-demand price of the stack's instance type, or a message saying how to add it (never a silent zero). */
function instancePrice(instanceType: string, prices: PriceTable): Price {
  const price = prices.instanceHour[instanceType];
  if (price === undefined) {
    throw new ConfigError(
      `cost: no ${prices.region} price for ${PROJECT}:cluster.instanceType "${instanceType}"; add its on-demand Linux price per hour to instanceHour in ` +
      `scripts/awsPrices.ts (e.g. "${instanceType}": assumed(0.1234, "hour", EC2_PAGE), or quoted(...) with its source). Priced: ${Object.keys(prices.instanceHour).join(", ")}`,
    );
  }
  return price;
}

/**
 * DynamoDB requests a month: each standby tries to take the HA lock once per retry interval (a conditional
 * write, billed even when it fails), the active node renews it and checks it, and the clients' own use.
 */
export function dynamoDbRequestsPerMonth(nodeCount: number, usage: UsageAssumptions): { writes: number; reads: number } {
  const seconds = usage.hoursPerMonth * 3600;
  const standbyAttempts = (nodeCount - 1) * (seconds / HA_LOCK_TIMING.retrySeconds);
  const renewals = seconds / usage.lockRenewSeconds;
  return {
    writes: standbyAttempts + renewals + usage.dynamoDbClientWritesPerMonth,
    reads: seconds / usage.lockWatchSeconds + usage.dynamoDbClientReadsPerMonth,
  };
}

/** The monthly line items of a cluster at list prices. Throws a ConfigError when the prices do not cover it. */
export function estimateMonthlyCost(cluster: ClusterConfig, region: string, prices: PriceTable, usage: UsageAssumptions = USAGE_ASSUMPTIONS): CostEstimate {
  if (region !== prices.region) {
    throw new ConfigError(`cost: the prices in scripts/awsPrices.ts are for ${prices.region}, but aws:region is ${region}; add a price table for ${region}`);
  }
  const hours = usage.hoursPerMonth;
  const nodes = cluster.nodeCount;
  const zones = cluster.availabilityZones.length;
  const newNetwork = cluster.vpcCidr !== undefined;
  const lines: CostLine[] = [];
  const line = (item: string, quantity: string, price: Price, units: number) => lines.push({ item, quantity, price, monthlyUsd: units * price.usd });

  line(`Vault nodes, EC2 ${cluster.instanceType} on demand`, `${nodes} × ${hours} h`, instancePrice(cluster.instanceType, prices), nodes * hours);
  line("Root volumes, gp3", `${nodes} × ${cluster.rootVolumeSizeGb} GiB`, prices.gp3GbMonth, nodes * cluster.rootVolumeSizeGb);
  if (DETAILED_MONITORING) {
    line("EC2 detailed monitoring", `${nodes} × ${usage.detailedMonitoringMetrics} metrics`, prices.cloudWatchMetricMonth, nodes * usage.detailedMonitoringMetrics);
  }
  // An existing network brings its own egress: the stack creates no NAT gateway there.
  const natGateways = newNetwork ? natGatewayCount(zones, cluster.singleNatGateway) : 0;
  if (natGateways > 0) {
    line(`NAT gateways (${cluster.singleNatGateway ? "one for all zones" : "one per zone"})`, `${natGateways} × ${hours} h`, prices.natGatewayHour, natGateways * hours);
    line("NAT public IPv4 addresses", `${natGateways} × ${hours} h`, prices.publicIpv4Hour, natGateways * hours);
    line("NAT data processed (assumed volume)", `${usage.natGbPerMonth} GB`, prices.natGatewayGb, usage.natGbPerMonth);
  }
  line("Internal network load balancer", `1 × ${hours} h`, prices.networkLoadBalancerHour, hours);
  line("Load balancer capacity units (assumed load)", `${usage.loadBalancerCapacityUnits} NLCU × ${hours} h`, prices.networkLoadBalancerCapacityUnitHour, usage.loadBalancerCapacityUnits * hours);
  if (newNetwork) {
    const services = interfaceEndpointServices(cluster.ssmEndpoints);
    line(`Interface endpoints (${services.join(", ")})`, `${services.length} × ${zones} zones × ${hours} h`, prices.interfaceEndpointZoneHour, services.length * zones * hours);
  }
  line("KMS seal key", "1 key", prices.kmsKeyMonth, 1);
  line("Secrets Manager TLS bundle", "1 secret", prices.secretMonth, 1);
  const requests = dynamoDbRequestsPerMonth(nodes, usage);
  line("DynamoDB writes (HA lock + assumed client use)", `${millions(requests.writes)} M`, prices.dynamoDbMillionWrites, requests.writes / 1e6);
  line("DynamoDB reads (lock checks + assumed client use)", `${millions(requests.reads)} M`, prices.dynamoDbMillionReads, requests.reads / 1e6);
  line("DynamoDB storage (assumed size)", `${usage.dynamoDbStorageGb} GB`, prices.dynamoDbGbMonth, usage.dynamoDbStorageGb);
  line("DynamoDB point-in-time recovery", `${usage.dynamoDbStorageGb} GB`, prices.dynamoDbPitrGbMonth, usage.dynamoDbStorageGb);
  // The agent publishes each name twice: its own series and the roll-up the alarms read (telemetry.ts); the clock and disk metrics add two names.
  const customMetrics = (EXPORTED_VAULT_METRICS.length + 2) * 2;
  line("CloudWatch custom metrics (Vault, clock, disk)", `${customMetrics} metrics`, prices.cloudWatchMetricMonth, customMetrics);
  const alarms = alarmSpecs({ namePrefix: "", namespace: "", healthCheck: cluster.healthCheck, nodeCount: nodes, tableName: "", arnSuffixes: { loadBalancer: "", targetGroup: "" } });
  const insightAlarms = alarms.filter((spec) => "query" in spec.metric).length;
  line("CloudWatch alarms", `${alarms.length - insightAlarms} alarms`, prices.cloudWatchAlarmMonth, alarms.length - insightAlarms);
  line("CloudWatch Metrics Insights alarms (DynamoDB)", `${insightAlarms} × ${usage.dynamoDbOperations} metrics`, prices.cloudWatchInsightsAlarmMetricMonth, insightAlarms * usage.dynamoDbOperations);
  line("Audit log shipped to CloudWatch Logs (assumed volume)", `${usage.auditLogGbPerMonth} GB`, prices.cloudWatchLogsIngestedGb, usage.auditLogGbPerMonth);
  const keptGb = usage.auditLogGbPerMonth * Math.min(12, cluster.auditLogRetentionDays / 30);
  line("Audit log kept (steady state, first year at most)", `${keptGb.toFixed(1)} GB`, prices.cloudWatchLogsStoredGbMonth, keptGb);

  return { region, takenOn: prices.takenOn, lines, totalUsd: lines.reduce((sum, item) => sum + item.monthlyUsd, 0) };
}

function millions(count: number): string {
  return (count / 1e6).toFixed(3);
}

const dollars = (usd: number) => usd.toFixed(2);

/** The estimate as a Markdown table, a total row last; "assumed" prices say so in their cell. */
export function renderCostTable(estimate: CostEstimate): string {
  const rows = estimate.lines.map((line) =>
    `| ${line.item} | ${line.quantity} | ${line.price.usd} per ${line.price.unit}${line.price.basis === "assumed" ? " (assumed)" : ""} | ${dollars(line.monthlyUsd)} |`);
  return [
    "| item | quantity | list price (USD) | USD a month |",
    "|---|---|---|---|",
    ...rows,
    `| **total** | | | **${dollars(estimate.totalUsd)}** |`,
  ].join("\n") + "\n";
}

/** The price table with its region, date and each figure's source. */
export function renderPriceTable(prices: PriceTable): string {
  const named: Array<[string, Price]> = [
    ...Object.entries(prices.instanceHour).map(([type, price]) => [`EC2 ${type}, on demand, Linux`, price] as [string, Price]),
    ["EBS gp3 storage", prices.gp3GbMonth],
    ["NAT gateway", prices.natGatewayHour],
    ["NAT gateway data processed", prices.natGatewayGb],
    ["Public IPv4 address", prices.publicIpv4Hour],
    ["Network load balancer", prices.networkLoadBalancerHour],
    ["Network load balancer capacity unit", prices.networkLoadBalancerCapacityUnitHour],
    ["Interface VPC endpoint, per zone", prices.interfaceEndpointZoneHour],
    ["KMS customer managed key", prices.kmsKeyMonth],
    ["Secrets Manager secret", prices.secretMonth],
    ["DynamoDB on-demand writes", prices.dynamoDbMillionWrites],
    ["DynamoDB on-demand reads", prices.dynamoDbMillionReads],
    ["DynamoDB storage", prices.dynamoDbGbMonth],
    ["DynamoDB point-in-time recovery", prices.dynamoDbPitrGbMonth],
    ["CloudWatch metric (detailed monitoring, custom metrics)", prices.cloudWatchMetricMonth],
    ["CloudWatch standard alarm", prices.cloudWatchAlarmMonth],
    ["CloudWatch Metrics Insights alarm, per metric read", prices.cloudWatchInsightsAlarmMetricMonth],
    ["CloudWatch Logs ingestion", prices.cloudWatchLogsIngestedGb],
    ["CloudWatch Logs storage", prices.cloudWatchLogsStoredGbMonth],
  ];
  return [
    `Prices for ${prices.region}, taken on ${prices.takenOn}, in USD, without tax or free tiers:`,
    "",
    "| price | USD | per | basis | source |",
    "|---|---|---|---|---|",
    ...named.map(([name, price]) => `| ${name} | ${price.usd} | ${price.unit} | ${price.basis} | ${price.source} |`),
  ].join("\n") + "\n";
}

/** The usage the estimate assumes, as a Markdown list. */
export function renderAssumptions(prices: PriceTable, usage: UsageAssumptions = USAGE_ASSUMPTIONS): string {
  const readEverySecond = ((usage.hoursPerMonth * 3600) / 1e6) * prices.dynamoDbMillionReads.usd;
  return [
    `- ${usage.hoursPerMonth} hours a month, on-demand prices (no Savings Plans or reservations), no free tier.`,
    `- ${usage.natGbPerMonth} GB a month through the NAT gateways (the Vault package and OS updates at boot, the SSM agent); DynamoDB goes through its free gateway endpoint, KMS and Secrets Manager through the interface endpoints, whose data charge (about $0.01 per GB) is left out.`,
    `- ${usage.loadBalancerCapacityUnits} load balancer capacity unit on average: a light load (under 800 new connections a second, 100,000 active ones, 1 GB an hour).`,
    `- DynamoDB: each standby tries to take the HA lock every ${HA_LOCK_TIMING.retrySeconds} s (a conditional write, billed when it fails), the active node renews it every ${usage.lockRenewSeconds} s and checks it every ${usage.lockWatchSeconds} s (DynamoDBLockRetryInterval, DynamoDBLockRenewInterval and DynamoDBWatchRetryInterval in Vault's physical/dynamodb; not measured); clients add ${usage.dynamoDbClientWritesPerMonth.toLocaleString("en-US")} writes and ${usage.dynamoDbClientReadsPerMonth.toLocaleString("en-US")} reads a month; ${usage.dynamoDbStorageGb} GB of data. Vault's other periodic reads (a standby's leader checks, among others) are not counted: a consistent read every second per node would add about $${dollars(readEverySecond)} a month each.`,
    "- The KMS key at its first year's price: AWS bills each of the first two yearly rotations as another key-month (as known to the author, not confirmed here), so $2 in the second year, $3 from the third.",
    `- EC2 detailed monitoring adds ${usage.detailedMonitoringMetrics} metrics per node. KMS and Secrets Manager requests (a few at each boot and unseal) stay within cents and are left out, as are cross-zone data transfer and the extra node during an instance refresh.`,
    `- Monitoring: ${usage.auditLogGbPerMonth} GB of audit log a month (about 1 KB per request and per response); the Metrics Insights alarms read one ThrottledRequests or SystemErrors series per DynamoDB operation Vault calls (${usage.dynamoDbOperations}); SNS notifications stay within its free tier.`,
    "- Free, so not listed: the VPC, subnets, route tables, internet gateway, security groups, the DynamoDB gateway endpoint, IAM, the Auto Scaling group.",
  ].join("\n") + "\n";
}
