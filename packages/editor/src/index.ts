export * from "./extensions";
export * from "./schema";
export * from "./derive";
export * from "./templates";
