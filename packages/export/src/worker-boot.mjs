// The export worker's entry: worker threads do not inherit the parent's TypeScript loader, so it is
// registered here before the worker's own module is loaded.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
