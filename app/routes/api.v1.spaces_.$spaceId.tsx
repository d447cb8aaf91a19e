import { apiSpace, findTenantById } from "@twinning/db";
import { OPERATIONS } from "~/lib/api-operations";
import { apiRoute } from "~/lib/api.server";

/** `GET /api/v1/spaces/{spaceId}`. */
export const loader = apiRoute(OPERATIONS.getSpace, async ({ tx, space }) => {
  const { space: s } = await space("space.view");
  const host = await findTenantById(tx, s.hostTenantId);
  return apiSpace({ ...s, hostName: host?.name ?? "" });
});
