export * from "./vocabulary";
export * from "./limits";
export * from "./schemas";
export * from "./tenant-rules";
export * from "./policy";
