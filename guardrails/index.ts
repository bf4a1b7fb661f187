// The CrossGuard pack: `pulumi preview --policy-pack guardrails`. The rules live in rules.ts.
import { PolicyPack, ResourceValidationArgs } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { GuardedResource, RESOURCE_RULES, STACK_RULES } from "./rules";

function guarded(args: Pick<ResourceValidationArgs, "type" | "name" | "props" | "opts" | "provider">): GuardedResource {
  return { type: args.type, name: args.name, props: args.props, protect: args.opts.protect, providerName: args.provider?.name };
}

const context = () => ({ stack: pulumi.getStack() });

new PolicyPack("vault-platform-guardrails", {
  policies: [
    ...RESOURCE_RULES.map((rule) => ({
      name: rule.name,
      description: rule.description,
      enforcementLevel: "mandatory" as const,
      validateResource: (args: ResourceValidationArgs, reportViolation: (message: string) => void) => {
        if (rule.types.length > 0 && !rule.types.includes(args.type)) return;
        const message = rule.check(guarded(args), context());
        if (message) reportViolation(message);
      },
    })),
    ...STACK_RULES.map((rule) => ({
      name: rule.name,
      description: rule.description,
      enforcementLevel: "mandatory" as const,
      validateStack: (args: { resources: Array<Parameters<typeof guarded>[0]> }, reportViolation: (message: string) => void) => {
        rule.check(args.resources.map(guarded), context()).forEach((message) => reportViolation(message));
      },
    })),
  ],
});
