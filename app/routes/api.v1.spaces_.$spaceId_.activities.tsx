import { apiActivity, createActivity, findActivity, overviewItems } from "@twinning/db";
import { LIMITS } from "@twinning/domain";
import { authorize } from "~/lib/access.server";
import { OPERATIONS } from "~/lib/api-operations";
import { ApiProblem, apiRoute, paginate } from "~/lib/api.server";

/** `GET /api/v1/spaces/{spaceId}/activities?year=…`: the year's overview items (activities and dated cards), as the overview page counts them. */
export const loader = apiRoute(OPERATIONS.listActivities, async ({ tx, space, query }) => {
  const { space: s } = await space("space.view");
  const items = (await overviewItems(tx, s.id, query.year)).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const page = paginate(items, (i) => i.id, query, LIMITS.apiPageSize);
  return {
    items: page.items.map(apiActivity),
    nextCursor: page.nextCursor,
  };
});

/** `POST /api/v1/spaces/{spaceId}/activities`: as the overview's form adds one (the same schema, command and audit event). */
export const action = apiRoute(OPERATIONS.addActivity, async ({ tx, space, body, user, t }) => {
  const { space: s, facts, actor } = await space("space.view");
  authorize(actor, "activity.create", { type: "activity", space: facts, activity: null });
  const result = await createActivity(tx, { space: s, fields: body, actorId: user.id });
  if (!result.ok) {
    const detail = String(t(`errors.${result.problem.error}`, result.problem.values ?? {}));
    throw new ApiProblem(400, "invalid", { fields: `${result.problem.field}: ${detail}` }, [{ field: result.problem.field, detail }]);
  }
  return apiActivity((await findActivity(tx, s.id, result.id))!);
});
