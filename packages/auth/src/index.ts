export * from "./auth";
export * from "./password";
export * from "./throttle";
export * from "./api-tokens";
export * from "./webhook-signature";
