import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Runs tests/collab alone (`npx vitest run --config tests/collab/vitest.config.ts`) with the same
 * embedded PostgreSQL set-up as the project's config, until its `integration` include covers tests/collab.
 */
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    globalSetup: ["tests/helpers/global-setup.ts"],
    include: ["tests/collab/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
