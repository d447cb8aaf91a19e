export * from "./extensions";
export * from "./schema";
export * from "./derive";
export * from "./templates";
export * from "./card-link";
export * from "./comments";
export * from "./block-ids";
export * from "./block-names";
