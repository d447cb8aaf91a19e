export * from "./model";
export * from "./files";
export * from "./errors";
export * from "./render";
export * from "./pool";
