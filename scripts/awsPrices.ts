/**
 * The AWS list prices the cost table multiplies, in one place: region, the day they were taken, and where
 * each figure comes from. There is no AWS account or price API here, so each price says whether a source
 * quoted it ("quoted") or it is the author's figure for the region that no source found here confirmed
 * ("assumed": check it on the AWS page named before relying on it).
 */

export interface Price {
  usd: number;
  /** What one unit is, e.g. "hour", "GB-month". */
  unit: string;
  basis: "quoted" | "assumed";
  /** Where the figure comes from, or what it was assumed from. */
  source: string;
}

export interface PriceTable {
  region: string;
  /** When the prices were taken (YYYY-MM-DD). */
  takenOn: string;
  /** On-demand Linux price per instance-hour, by instance type. */
  instanceHour: Record<string, Price>;
  gp3GbMonth: Price;
  natGatewayHour: Price;
  natGatewayGb: Price;
  publicIpv4Hour: Price;
  networkLoadBalancerHour: Price;
  networkLoadBalancerCapacityUnitHour: Price;
  interfaceEndpointZoneHour: Price;
  kmsKeyMonth: Price;
  secretMonth: Price;
  dynamoDbMillionWrites: Price;
  dynamoDbMillionReads: Price;
  dynamoDbGbMonth: Price;
  dynamoDbPitrGbMonth: Price;
  cloudWatchMetricMonth: Price;
  cloudWatchAlarmMonth: Price;
  /** Metrics Insights alarms are billed per metric the query reads. */
  cloudWatchInsightsAlarmMetricMonth: Price;
  cloudWatchLogsIngestedGb: Price;
  cloudWatchLogsStoredGbMonth: Price;
}

/** Where an "assumed" figure should be checked. */
const EC2_PAGE = "https://aws.amazon.com/ec2/pricing/on-demand/";
const EBS_PAGE = "https://aws.amazon.com/ebs/pricing/";
const ELB_PAGE = "https://aws.amazon.com/elasticloadbalancing/pricing/";
const DYNAMODB_PAGE = "https://aws.amazon.com/dynamodb/pricing/on-demand/";
const CLOUDWATCH_PAGE = "https://aws.amazon.com/cloudwatch/pricing/";
const assumed = (usd: number, unit: string, checkAt: string, why = "eu-west-1 list price as known to the author; no source found here") =>
  ({ usd, unit, basis: "assumed", source: `${why}; check ${checkAt}` }) as const;
const quoted = (usd: number, unit: string, source: string) => ({ usd, unit, basis: "quoted", source }) as const;

/**
 * The prices for eu-west-1 (Ireland), where the dev and prod stacks live. A stack in another region, or
 * with an instance type not listed, gets a message saying what to add here.
 */
export const EU_WEST_1_PRICES: PriceTable = {
  region: "eu-west-1",
  takenOn: "2026-12-05",
  instanceHour: {
    "t3.small": assumed(0.0228, "hour", EC2_PAGE),
    "m6i.large": assumed(0.214, "hour", EC2_PAGE),
  },
  gp3GbMonth: assumed(0.088, "GB-month", EBS_PAGE, "us-east-1 is $0.08 (menuvis1-blip.github.io, Amazon EBS, 2026-02-24); eu-west-1 figure as known to the author"),
  natGatewayHour: quoted(0.048, "hour", "cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026: Europe (Ireland, Frankfurt, London) ~$0.048-$0.052; the low end taken for Ireland"),
  natGatewayGb: quoted(0.048, "GB", "cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026 (as above, per GB processed)"),
  publicIpv4Hour: quoted(0.005, "hour", "every region since 2024-02-01: github.com/LeanerCloud/aws-ipv4-cost-viewer ($3.65 a month), github.com/trailofbits/algo/issues/14644 ($0.005 per hour)"),
  networkLoadBalancerHour: assumed(0.0252, "hour", ELB_PAGE),
  networkLoadBalancerCapacityUnitHour: assumed(0.006, "NLCU-hour", ELB_PAGE),
  interfaceEndpointZoneHour: assumed(0.011, "endpoint-zone-hour", "https://aws.amazon.com/privatelink/pricing/",
    "us-east-1 is $0.010 (zacfukuda.com, NAT Gateway vs VPC Endpoint, 2026-06-01); eu-west-1 figure as known to the author"),
  kmsKeyMonth: quoted(1, "key-month", "gist.github.com/dasgoll/b88d5be05dcc0deb052ad40446c2fb40: $1 per key per month, 20,000 requests free, then $0.03 per 10,000 (no region named)"),
  secretMonth: quoted(0.4, "secret-month", "https://aws.amazon.com/secrets-manager/pricing/ as transcribed 2026-09-20 (api-evangelist/amazon-secrets-manager): $0.40 per secret per month, $0.05 per 10,000 calls"),
  dynamoDbMillionWrites: assumed(0.7065, "million write request units", DYNAMODB_PAGE),
  dynamoDbMillionReads: assumed(0.1413, "million read request units", DYNAMODB_PAGE),
  dynamoDbGbMonth: assumed(0.283, "GB-month", DYNAMODB_PAGE),
  dynamoDbPitrGbMonth: assumed(0.226, "GB-month", DYNAMODB_PAGE),
  cloudWatchMetricMonth: quoted(0.3, "metric-month", "ryuzoji.com/archives/969: EC2 detailed monitoring is 7 metrics per instance at $0.30 per metric per month (region assumed the same)"),
  cloudWatchAlarmMonth: assumed(0.1, "standard-resolution alarm-month", CLOUDWATCH_PAGE),
  cloudWatchInsightsAlarmMetricMonth: assumed(0.1, "metric-month read by a Metrics Insights alarm", CLOUDWATCH_PAGE),
  cloudWatchLogsIngestedGb: assumed(0.57, "GB ingested", CLOUDWATCH_PAGE),
  cloudWatchLogsStoredGbMonth: assumed(0.03, "GB-month stored", CLOUDWATCH_PAGE),
};
