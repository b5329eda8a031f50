/**
 * The type tokens of the resources the policies look at. Kept as constants so that the pack does not
 * load the providers (the engine gives policies the token, e.g. `pulumi-nodejs:dynamic/cvm:Vm`).
 */
export const TYPES = {
  cvm: { Vm: "pulumi-nodejs:dynamic/cvm:Vm" },
  cloudsigma: {
    Drive: "pulumi-nodejs:dynamic/cloudsigma:Drive",
    Server: "pulumi-nodejs:dynamic/cloudsigma:Server",
    Subscription: "pulumi-nodejs:dynamic/cloudsigma:Subscription",
  },
  cloudtower: {
    Vm: "pulumi-nodejs:dynamic/cloudtower:Vm",
    Vlan: "pulumi-nodejs:dynamic/cloudtower:Vlan",
    VmSnapshot: "pulumi-nodejs:dynamic/cloudtower:VmSnapshot",
    Cluster: "pulumi-nodejs:dynamic/cloudtower:Cluster",
  },
} as const;
