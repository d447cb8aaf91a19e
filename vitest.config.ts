import { defineConfig } from "vitest/config";

/**
 * Three projects: `integration` (unit tests beside the code, and tests/integration against the real
 * embedded PostgreSQL) and `e2e` (tests/e2e in Debian's Chromium against the real server) run
 * together; then `timed` (attack tests that also bound another tenant's latency) one file at a time.
 * One embedded cluster serves the whole run; every test file gets a fresh database cloned from a migrated template.
 */
/** Test files whose assertions include latency bounds. */
const TIMED = ["tests/integration/floods.test.ts", "tests/integration/upgrades.test.ts", "tests/collab/hostile-updates.test.ts"];

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
          exclude: TIMED,
          testTimeout: 30_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          // Attack tests that also assert another tenant's latency (p99 < 100 ms): they measure the
          // server, not the rest of the suite, so they run after it, one file at a time.
          name: "timed",
          include: TIMED,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          poolOptions: { forks: { singleFork: true } },
          sequence: { groupOrder: 1 },
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
          // A browser test that fails is run once more (its assertions unchanged): on two busy cores one
          // of the multi-browser scenarios occasionally misses a wait; a real failure fails twice.
          retry: 1,
          sequence: { groupOrder: 0 },
        },
      },
    ],
  },
});
