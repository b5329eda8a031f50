import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "./types";

/** Policies for CloudSigma drives, servers and subscriptions. */
export function cloudsigmaPolicies(): ResourceValidationPolicy[] {
  return [
    {
      name: "cloudsigma-drive-encrypted",
      description: "Drives are encrypted at rest (encryptionCipher aes-xts-plain, the vendor's default).",
      enforcementLevel: "mandatory",
      validateResource: (args, report) => {
        if (args.type === TYPES.cloudsigma.Drive && args.props.encryptionCipher === "none") report(`drive ${args.props.name} is not encrypted (encryptionCipher none)`);
      },
    },
    {
      name: "cloudsigma-vnc-protected",
      description: "A server's VNC console has a password and uses TLS.",
      enforcementLevel: "advisory",
      validateResource: (args, report) => {
        if (args.type !== TYPES.cloudsigma.Server) return;
        const vnc = args.props.vnc ?? {};
        if (!vnc.password) report(`server ${args.props.name} has no VNC password: its console is disabled or open`);
        else if (!vnc.tls) report(`server ${args.props.name}'s VNC console is not on TLS`);
      },
    },
    {
      name: "cloudsigma-subscription-term",
      description: "Subscriptions cannot be cancelled through the API: keep terms short unless approved.",
      enforcementLevel: "mandatory",
      configSchema: { properties: { maxMonths: { type: "number", default: 12 } } },
      validateResource: (args, report) => {
        if (args.type !== TYPES.cloudsigma.Subscription) return;
        const { maxMonths = 12 } = args.getConfig<{ maxMonths?: number }>();
        if ((args.props.months ?? 0) > maxMonths) report(`subscription of ${args.props.months} months is longer than the ${maxMonths} allowed; it cannot be cancelled once bought`);
      },
    },
  ];
}
