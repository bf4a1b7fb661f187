/** Generated consumers for measuring at scale: `count` tenants with mixed bindings and one tenant policy each (policies/tenant.hcl). */
import { BINDING_KINDS } from "../config";

export function generatedTenants(count: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, index) => {
    const name = `tenant-${String(index).padStart(4, "0")}`;
    const binding = BINDING_KINDS[index % BINDING_KINDS.length];
    const settings = {
      approle: { tokenPeriod: "5m", secretIdTtl: "720h" },
      kubernetes: { namespace: "tenants", serviceAccount: name, tokenPeriod: "1h" },
      token: { ttl: "768h" },
    }[binding];
    return { name, policy: "tenant", [binding]: settings };
  });
}
