/**
 * Which cross-vendor policies apply to each resource type of the package, decided once per type (a test
 * fails when a type of the registry has no row here, or a row names a type that does not exist).
 */

export interface Decision {
  /** The input that names the object, checked by `name-pattern`; null says why none is. */
  name: string | { none: string };
  /** The input holding tags, checked by `required-tags`; null when the vendor has none on this type. */
  tags: string | { none: string };
  /** Deleting it loses data (disks, volumes, snapshots): `deletion-protection` applies. */
  stateful: boolean;
}

const noTags = { none: "the API has no tags or labels on it" };

/** By `<vendor>:<type>`. */
export const DECISIONS: Record<string, Decision> = {
  "cloudtower:Vm": { name: "name", tags: "labels", stateful: true },
  "cloudtower:Vlan": { name: "name", tags: "labels", stateful: false },
  "cloudtower:VmVolume": { name: "name", tags: "labels", stateful: true },
  "cloudtower:VmPlacementGroup": {
    name: "name",
    tags: { none: "labels on placement groups are not an input (the label API does not name them)" },
    stateful: false,
  },
  "cloudtower:VmSnapshot": { name: "name", tags: noTags, stateful: true },
  "cloudtower:Cluster": { name: { none: "a cluster's name is its appliance's, not an input" }, tags: noTags, stateful: false },
  "cloudsigma:Drive": { name: "name", tags: "tags", stateful: true },
  "cloudsigma:Profile": { name: { none: "the account's profile has no name of its own" }, tags: noTags, stateful: false },
  "cloudsigma:Server": { name: "name", tags: "tags", stateful: false },
  "cloudsigma:ServerGroup": { name: "name", tags: noTags, stateful: false },
  "cloudsigma:StaticIp": { name: { none: "an IP has no name" }, tags: noTags, stateful: false },
  "cloudsigma:Subscription": { name: { none: "a subscription has no name" }, tags: noTags, stateful: false },
  "cloudsigma:Vlan": { name: "name", tags: noTags, stateful: false },
  "chimestack:Cluster": { name: "name", tags: noTags, stateful: false },
  "chimestack:Network": { name: "name", tags: noTags, stateful: false },
  "chimestack:Subnet": { name: "name", tags: noTags, stateful: false },
  "chimestack:Vm": { name: "name", tags: noTags, stateful: true },
  "chimestack:Volume": { name: "name", tags: noTags, stateful: true },
  "chimestack:VolumeSnapshot": { name: "name", tags: noTags, stateful: true },
  "chimestack:SecurityGroup": { name: "name", tags: noTags, stateful: false },
  "chimestack:Image": { name: "name", tags: noTags, stateful: false },
  "cvm:Vm": { name: { none: "cvm.Vm adopts a VPS as the panel names it" }, tags: noTags, stateful: false },
};
