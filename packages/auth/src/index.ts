export * from "./auth";
export * from "./password";
export * from "./throttle";
