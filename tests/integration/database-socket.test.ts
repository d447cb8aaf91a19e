import { describe, expect, it } from "vitest";
import { freshDatabase } from "../helpers/db";

describe("the embedded cluster's connections", () => {
  it("go over its Unix socket (no client address), not TCP over loopback", async () => {
    const { url, sql, app } = await freshDatabase();
    expect(new URL(url).searchParams.get("host")).toMatch(/^\//);
    for (const pool of [sql, app]) {
      const [row] = await pool<{ address: string | null }[]>`select inet_client_addr()::text as address`;
      expect(row.address).toBeNull();
    }
  });
});
