import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { cloudsigma } from "pulumi-private-cloud";

/** Policies for CloudSigma drives, servers and subscriptions. */
export function cloudsigmaPolicies(): ResourceValidationPolicy[] {
  return [
    {
      name: "cloudsigma-drive-encrypted",
      description: "Drives are encrypted at rest (encryptionCipher aes-xts-plain, the vendor's default).",
      enforcementLevel: "mandatory",
      validateResource: validateResourceOfType(cloudsigma.Drive, (drive, _args, report) => {
        if (drive.encryptionCipher === "none") report(`drive ${drive.name} is not encrypted (encryptionCipher none)`);
      }),
    },
    {
      name: "cloudsigma-vnc-protected",
      description: "A server's VNC console has a password and uses TLS.",
      enforcementLevel: "advisory",
      validateResource: validateResourceOfType(cloudsigma.Server, (server, _args, report) => {
        const vnc = server.vnc ?? {};
        if (!vnc.password) report(`server ${server.name} has no VNC password: its console is disabled or open`);
        else if (!vnc.tls) report(`server ${server.name}'s VNC console is not on TLS`);
      }),
    },
    {
      name: "cloudsigma-public-address",
      description: "A server has a public address (nic0) only when it carries the tag `allowTag` (default public); private servers use a VLAN on nic1.",
      enforcementLevel: "advisory",
      configSchema: { properties: { allowTag: { type: "string", default: "public" } } },
      validateResource: validateResourceOfType(cloudsigma.Server, (server, args, report) => {
        const { allowTag = "public" } = args.getConfig<{ allowTag?: string }>();
        const nic0 = server.nic0 ?? { dhcp: "auto" };
        if (nic0.dhcp && !(server.tags ?? []).includes(allowTag)) {
          report(`server ${server.name} has a public address (nic0 ${nic0.dhcp}) but not the tag ${allowTag}; tag it, or drop nic0 and join a VLAN on nic1`);
        }
      }),
    },
    {
      name: "cloudsigma-subscription-term",
      description: "Subscriptions cannot be cancelled through the API: keep terms short unless approved.",
      enforcementLevel: "mandatory",
      configSchema: { properties: { maxMonths: { type: "number", default: 12 } } },
      // A Subscription, and a StaticIp whose addresses are bought with one (months).
      validateResource: [cloudsigma.Subscription, cloudsigma.StaticIp].map((type) =>
        validateResourceOfType(type as typeof cloudsigma.Subscription, (sub, args, report) => {
          const { maxMonths = 12 } = args.getConfig<{ maxMonths?: number }>();
          if ((sub.months ?? 0) > maxMonths)
            report(`subscription of ${sub.months} months is longer than the ${maxMonths} allowed; it cannot be cancelled once bought`);
        }),
      ),
    },
  ];
}
