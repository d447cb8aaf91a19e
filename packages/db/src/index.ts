export * from "./client";
export * from "./database";
export * from "./migrate";
export * from "./users";
export * from "./tenants";
export * from "./invitations";
export * from "./embedded";
