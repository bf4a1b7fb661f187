import * as aws from "@pulumi/aws";

/** What every cluster component needs: a name prefix for its resources and the AWS provider to use. */
export interface ClusterComponentArgs {
  /** Prefix for resource names, e.g. "vault-dev". */
  namePrefix: string;
  /** The AWS provider every child resource is created with. */
  provider: aws.Provider;
}
