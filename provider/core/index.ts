export * from "./errors";
export * from "./retry";
export * from "./wait";
export * from "./http";
export * from "./resource";
export * from "./config";
export * from "./define";
export * from "./batch";
