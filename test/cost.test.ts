/**
 * The cost table: its arithmetic against a price table of round figures (so each expectation is a sum one
 * can do by hand), the message for a missing price, and the README's generated tables against the stack files.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { ClusterConfig, ConfigError } from "../config";
import { clusterSchema } from "../config/cluster";
import { Price, PriceTable } from "../scripts/awsPrices";
import { costSections, readSection, README_FILE, stackCostTable, withSection } from "../scripts/cost";
import { CostEstimate, dynamoDbRequestsPerMonth, estimateMonthlyCost, USAGE_ASSUMPTIONS } from "../scripts/costEstimate";

const price = (usd: number): Price => ({ usd, unit: "unit", basis: "quoted", source: "test" });
/** Round, distinct figures: a line's total says which price it used. */
const PRICES: PriceTable = {
  region: "eu-west-1",
  takenOn: "2026-12-05",
  instanceHour: { "t3.small": price(0.02), "m6i.large": price(0.2) },
  gp3GbMonth: price(0.1),
  natGatewayHour: price(0.05),
  natGatewayGb: price(0.04),
  publicIpv4Hour: price(0.005),
  networkLoadBalancerHour: price(0.03),
  networkLoadBalancerCapacityUnitHour: price(0.006),
  interfaceEndpointZoneHour: price(0.01),
  kmsKeyMonth: price(1),
  secretMonth: price(0.4),
  dynamoDbMillionWrites: price(1),
  dynamoDbMillionReads: price(0.1),
  dynamoDbGbMonth: price(0.3),
  dynamoDbPitrGbMonth: price(0.2),
  cloudWatchMetricMonth: price(0.3),
  cloudWatchAlarmMonth: price(0.11),
  cloudWatchInsightsAlarmMetricMonth: price(0.13),
  cloudWatchLogsIngestedGb: price(0.5),
  cloudWatchLogsStoredGbMonth: price(0.07),
};
const HOURS = USAGE_ASSUMPTIONS.hoursPerMonth;

const cluster = (settings: Record<string, unknown> = {}): ClusterConfig => clusterSchema.parse({
  nodeCount: 3,
  availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  vaultVersion: "1.21.1",
  vpcCidr: "10.40.0.0/16",
  deployerRoleArns: ["arn:aws:iam::123456789012:role/deploy"],
  ...settings,
});
const EXISTING_NETWORK = {
  vpcCidr: undefined, vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"],
};
const monthly = (estimate: CostEstimate, item: RegExp) => estimate.lines.filter((line) => item.test(line.item)).reduce((sum, line) => sum + line.monthlyUsd, 0);
const near = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} is not ${expected}`);

describe("cost: the arithmetic", () => {
  it("prices each node, its root volume and its detailed-monitoring metrics", () => {
    const estimate = estimateMonthlyCost(cluster({ rootVolumeSizeGb: 30 }), "eu-west-1", PRICES);
    near(monthly(estimate, /^Vault nodes/), 3 * HOURS * 0.02, "nodes");
    near(monthly(estimate, /^Root volumes/), 3 * 30 * 0.1, "root volumes");
    near(monthly(estimate, /detailed monitoring/), 3 * 7 * 0.3, "detailed monitoring");
    near(estimate.totalUsd, estimate.lines.reduce((sum, line) => sum + line.monthlyUsd, 0), "total");
  });

  it("counts one NAT gateway (and its public IPv4 address) per zone, or one with singleNatGateway", () => {
    const perZone = estimateMonthlyCost(cluster(), "eu-west-1", PRICES);
    const single = estimateMonthlyCost(cluster({ singleNatGateway: true }), "eu-west-1", PRICES);
    near(monthly(perZone, /^NAT gateways/), 3 * HOURS * 0.05, "NAT per zone");
    near(monthly(single, /^NAT gateways/), 1 * HOURS * 0.05, "single NAT");
    near(monthly(perZone, /^NAT public IPv4/), 3 * HOURS * 0.005, "addresses per zone");
    near(perZone.totalUsd - single.totalUsd, 2 * HOURS * (0.05 + 0.005), "two gateways and two addresses fewer");
  });

  it("counts no NAT gateway and no endpoint in an existing network, where the stack creates neither", () => {
    const created = estimateMonthlyCost(cluster(), "eu-west-1", PRICES);
    const existing = estimateMonthlyCost(cluster(EXISTING_NETWORK), "eu-west-1", PRICES);
    assert.deepEqual(existing.lines.filter((line) => /NAT|endpoint/i.test(line.item)), []);
    const natAndEndpoints = 3 * HOURS * (0.05 + 0.005) + USAGE_ASSUMPTIONS.natGbPerMonth * 0.04 + 2 * 3 * HOURS * 0.01;
    near(created.totalUsd - existing.totalUsd, natAndEndpoints, "the network's share");
  });

  it("prices the interface endpoints per zone, three more services with ssmEndpoints", () => {
    const vaultOnly = estimateMonthlyCost(cluster({ availabilityZones: ["eu-west-1a", "eu-west-1b"] }), "eu-west-1", PRICES);
    const withSsm = estimateMonthlyCost(cluster({ availabilityZones: ["eu-west-1a", "eu-west-1b"], ssmEndpoints: true }), "eu-west-1", PRICES);
    near(monthly(vaultOnly, /^Interface endpoints/), 2 * 2 * HOURS * 0.01, "kms and secretsmanager in 2 zones");
    near(monthly(withSsm, /^Interface endpoints/), 5 * 2 * HOURS * 0.01, "with ssm, ssmmessages, ec2messages");
    assert.match(withSsm.lines.find((line) => /^Interface endpoints/.test(line.item))!.item, /kms, secretsmanager, ssm, ssmmessages, ec2messages/);
  });

  it("adds a node's hours and a standby's lock attempts from 2 to 3 nodes", () => {
    const two = estimateMonthlyCost(cluster({ nodeCount: 2, availabilityZones: ["eu-west-1a", "eu-west-1b"] }), "eu-west-1", PRICES);
    const three = estimateMonthlyCost(cluster({ availabilityZones: ["eu-west-1a", "eu-west-1b"] }), "eu-west-1", PRICES);
    near(monthly(three, /^Vault nodes/) - monthly(two, /^Vault nodes/), HOURS * 0.02, "one more node");
    // A standby tries the lock once a second: 2,628,000 conditional writes a month, at 1 USD per million here.
    near(monthly(three, /^DynamoDB writes/) - monthly(two, /^DynamoDB writes/), HOURS * 3600 / 1e6, "one more standby");
    const requests = dynamoDbRequestsPerMonth(2, USAGE_ASSUMPTIONS);
    near(requests.writes, HOURS * 3600 * (1 + 1 / 5) + USAGE_ASSUMPTIONS.dynamoDbClientWritesPerMonth, "one standby, renewals, clients");
  });

  it("refuses an instance type without a price, naming the key and where to add the price", () => {
    assert.throws(() => estimateMonthlyCost(cluster({ instanceType: "m7g.large" }), "eu-west-1", PRICES), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /no eu-west-1 price for vault-platform:cluster\.instanceType "m7g\.large"; add its on-demand Linux price per hour to instanceHour in scripts\/awsPrices\.ts/);
      return true;
    });
  });

  it("refuses a region the price table is not for", () => {
    assert.throws(() => estimateMonthlyCost(cluster(), "us-east-1", PRICES), /prices in scripts\/awsPrices\.ts are for eu-west-1, but aws:region is us-east-1/);
  });
});

describe("cost: the README", () => {
  it("shows the tables the dev and prod stack files and the price table give (npm run cost -- --write-readme rewrites them)", () => {
    const readme = fs.readFileSync(README_FILE, "utf8");
    for (const [name, content] of Object.entries(costSections())) {
      assert.equal(readSection(readme, name), content, `README.md's cost section "${name}" is stale: run npm run cost -- --write-readme`);
    }
  });

  it("prices nothing for a stack without a cluster (local), which creates nothing on AWS", () => {
    assert.equal(stackCostTable("local"), undefined);
    assert.match(stackCostTable("dev")!, /\| \*\*total\*\* \|/);
  });

  it("writes a section only between its markers, and says so when they are missing", () => {
    const text = "before\n<!-- cost:dev -->\nold\n<!-- /cost:dev -->\nafter\n";
    assert.equal(withSection(text, "dev", "new $& table\n"), "before\n<!-- cost:dev -->\nnew $& table\n<!-- /cost:dev -->\nafter\n");
    assert.throws(() => withSection(text, "prod", "x"), /README\.md has no "<!-- cost:prod -->"/);
  });
});
