import { addComment, apiComment, commentsOf } from "@twinning/db";
import { LIMITS } from "@twinning/domain";
import { OPERATIONS } from "~/lib/api-operations";
import { ApiProblem, apiRoute, paginate } from "~/lib/api.server";

/** `GET …/cards/{cardId}/comments`, oldest first. */
export const loader = apiRoute(OPERATIONS.listComments, async ({ tx, card, query }) => {
  const { card: c } = await card("card.view");
  if (c.deletedAt) throw new ApiProblem(404, "notFound");
  const page = paginate(await commentsOf(tx, c.id), (m) => m.id, query, LIMITS.apiPageSize);
  return { items: page.items.map(apiComment), nextCursor: page.nextCursor };
});

/** `POST …/cards/{cardId}/comments`: by whoever may comment in the space (commenters too). */
export const action = apiRoute(OPERATIONS.addComment, async ({ tx, card, body, user }) => {
  const { card: c } = await card("card.comment");
  if (c.deletedAt) throw new ApiProblem(404, "notFound");
  await addComment(tx, { cardId: c.id, body: body.body, actorId: user.id });
  const comments = await commentsOf(tx, c.id);
  return apiComment(comments[comments.length - 1]);
});
