/**
 * Kubernetes delivery against the access model: every request a consumer's delivery makes (its KV
 * secrets, its database credentials, the Issuer's signing path) must be allowed by the consumer's
 * effective ACL, or the pods would get a 403 at start. Checked offline, before any resource.
 */
import type { VaultLayerModel } from "../config";
import { deliveredRequests } from "../config/delivery";
import { ConsumerAccess } from "./model";

/** One problem per delivered request the consumer's ACL refuses. */
export function deliveryAccessProblems(access: ConsumerAccess[], layer: VaultLayerModel): string[] {
  return access.flatMap(({ consumer, acl }) => deliveredRequests(consumer, layer)
    .filter((request) => !acl.allows(request.capability, request.path))
    .map((request) => `${consumer.name}: ${request.key} needs ${request.capability} on ${request.path}, which its policies do not allow; ` +
      `grant it in policies/${consumer.policy}.hcl or deliver a path the consumer may read`));
}
