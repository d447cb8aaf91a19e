import { defineConfig } from "vitest/config";

/**
 * Two projects: `integration` (unit tests beside the code, and tests/integration against the real
 * embedded PostgreSQL) and `e2e` (tests/e2e in Debian's Chromium against the real server).
 * One embedded cluster serves the whole run; every test file gets a fresh database cloned from a migrated template.
 */
export default defineConfig({
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
  test: {
    globalSetup: ["tests/helpers/global-setup.ts"],
    reporters: ["default", "./tests/helpers/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "integration",
          include: ["packages/*/src/**/*.test.ts", "server/**/*.test.ts", "tests/integration/**/*.test.ts", "tests/collab/**/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Browsers are heavy on two cores: one file at a time.
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
