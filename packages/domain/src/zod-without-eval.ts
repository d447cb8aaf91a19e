import { z } from "zod";

/**
 * Zod 4 compiles object parsers with `new Function` when it may. The schemas here also run in the
 * browser, whose Content-Security-Policy forbids eval (server/security-headers.ts), and even Zod's probe
 * for it is reported as a violation. The setting is read when a schema is built, so index.ts imports
 * this module before any schema module.
 */
z.config({ jitless: true });
