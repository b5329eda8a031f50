/** pulumi-private-cloud: Pulumi dynamic providers for private clouds and VPS hosts. */
export * as core from "./core";
export * as cost from "./cost";
export * as chimestack from "./chimestack";
export * as cloudtower from "./cloudtower";
export * as cloudsigma from "./cloudsigma";
export * as cvm from "./cvm";
