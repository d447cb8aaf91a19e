// First: schemas are built with this setting (see the module).
import "./zod-without-eval";
export * from "./vocabulary";
export * from "./limits";
export * from "./schemas";
export * from "./tenant-rules";
export * from "./policy";
export * from "./actions";
export * from "./search";
export * from "./activities";
export * from "./api-tokens";
export * from "./webhooks";
